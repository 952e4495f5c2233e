import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sshCli } from '../../src/openclaw/cli.js';
import { remedyFor } from '../../src/monitor/remedy.js';
import { credential } from '../helpers/records.js';
import { openclawSource } from '../../src/monitor/sources/openclaw/source.js';
import { gatewayTarget as findTarget } from '../../src/openclaw/target.js';
import { splitDestination } from '../../src/openclaw/ssh/destination.js';
import { sshArgv } from '../../src/openclaw/ssh/argv.js';
import { classifySsh } from '../../src/openclaw/ssh/failure.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The target, or `{unavailable}` as the assertions below were written against: the one result shape, unwrapped. */
const gatewayTarget = (...args: Parameters<typeof findTarget>) => {
  const found = findTarget(...args);
  return found.ok ? found.value : { unavailable: found.failure };
};

const spec = { destination: 'me@gw.example:2222', remotePort: 18789, sshArgs: ['-i', '/k'], timeoutMs: 60_000, env: {} };

describe('the SSH tunnel to a remote gateway', () => {
  it('forwards a private unix socket to the gateway on its host, in batch mode, failing on a forward it cannot bind', () => {
    expect(sshArgv(spec, '/tmp/authwatch-ssh-x/gateway.sock')).toEqual([
      '-N',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=30',
      '-o',
      'ServerAliveInterval=15',
      '-o',
      'ServerAliveCountMax=3',
      '-o',
      'ExitOnForwardFailure=yes',
      '-L',
      '/tmp/authwatch-ssh-x/gateway.sock:127.0.0.1:18789',
      '-p',
      '2222',
      '-i',
      '/k',
      '--',
      'me@gw.example',
    ]);
  });

  it('a destination that looks like an option stays the destination', () => {
    expect(sshArgv({ ...spec, destination: '-oProxyCommand=touch /tmp/x', sshArgs: [] }, '/s').slice(-2)).toEqual(['--', '-oProxyCommand=touch /tmp/x']);
    expect(splitDestination('host')).toEqual({ host: 'host' });
    expect(splitDestination('u@h:22')).toEqual({ host: 'u@h', port: '22' });
  });

  it("tells ssh's failures apart", () => {
    expect(classifySsh('h', 'Host key verification failed.\n', 255).kind).toBe('hostkey');
    expect(classifySsh('h', 'me@h: Permission denied (publickey).\n', 255)).toEqual({ kind: 'auth', message: 'ssh h: me@h: Permission denied (publickey).' });
    expect(classifySsh('h', 'ssh: connect to host h port 22: Connection refused\n', 255).kind).toBe('unreachable');
    expect(classifySsh('h', '', 1)).toEqual({ kind: 'failed', message: 'ssh h: exited 1' });
  });

  it("takes OpenClaw's own remote mode as the default: gateway.remote.sshTarget, its port and token", () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-remote-'));
    const path = join(dir, 'openclaw.json');
    writeFileSync(
      path,
      JSON.stringify({
        gateway: {
          mode: 'remote',
          auth: { token: 'local-token-0123456789' },
          remote: { url: 'ws://127.0.0.1:29443', sshTarget: 'me@server', token: 'remote-token-0123456789' },
        },
      }),
    );
    expect(gatewayTarget({}, { OPENCLAW_CONFIG_PATH: path })).toEqual({
      url: 'ws://127.0.0.1:29443',
      auth: { token: 'remote-token-0123456789' },
      from: `${path} (gateway.remote.token)`,
      ssh: { destination: 'me@server', remotePort: 29443, sshArgs: [] },
    });
    // Without a remote token: the environment, then the local one (OpenClaw's remote precedence).
    writeFileSync(
      path,
      JSON.stringify({ gateway: { mode: 'remote', auth: { token: 'local-token-0123456789' }, remote: { sshTarget: 'me@server', remotePort: 18790 } } }),
    );
    expect(gatewayTarget({}, { OPENCLAW_CONFIG_PATH: path, OPENCLAW_GATEWAY_TOKEN: 'env-token-0123456789' })).toMatchObject({
      auth: { token: 'env-token-0123456789' },
      ssh: { remotePort: 18790 },
    });
    expect(gatewayTarget({}, { OPENCLAW_CONFIG_PATH: path })).toMatchObject({ from: `${path} (gateway.auth.token)` });
    // A local gateway config is unaffected.
    writeFileSync(path, JSON.stringify({ gateway: { port: 18800, auth: { token: 'local-token-0123456789' } } }));
    expect(gatewayTarget({}, { OPENCLAW_CONFIG_PATH: path })).toEqual({
      url: 'ws://127.0.0.1:18800',
      auth: { token: 'local-token-0123456789' },
      from: `${path} (gateway.auth.token)`,
    });
  });

  it("never hands this host's token to a host named by hand: gateway.ssh or gateway.url without gateway.token", () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-local-'));
    const path = join(dir, 'openclaw.json');
    writeFileSync(path, JSON.stringify({ gateway: { port: 18800, auth: { token: 'local-token-0123456789' } } }));
    const env = { OPENCLAW_CONFIG_PATH: path, OPENCLAW_GATEWAY_TOKEN: 'env-token-0123456789' };
    // Through a tunnel to another host (the source, and the openclaw notifier, which share this).
    expect(gatewayTarget({ ssh: 'me@other' }, env)).toEqual({
      unavailable:
        "no token for the gateway on me@other: name it in sources.openclaw.gateway.token (env: or file:); this host's own gateway token is never sent to another host",
    });
    expect(gatewayTarget({ ssh: 'me@other', token: 'named-token-0123456789' }, env)).toMatchObject({ auth: { token: 'named-token-0123456789' } });
    // By URL (the source, `gateway pair --url`): the device token only, never the environment's.
    expect(gatewayTarget({ url: 'wss://other.example:18789' }, env)).toMatchObject({ auth: {}, paired: true });
    // This host's gateway still gets this host's token, by URL too.
    expect(gatewayTarget({ url: 'ws://127.0.0.1:18800' }, env)).toMatchObject({ auth: { token: 'local-token-0123456789' } });
    // OpenClaw's own remote mode names the host, and so the tokens that go to it.
    writeFileSync(path, JSON.stringify({ gateway: { mode: 'remote', auth: { token: 'local-token-0123456789' }, remote: { sshTarget: 'me@server' } } }));
    expect(gatewayTarget({ ssh: 'me@server' }, { OPENCLAW_CONFIG_PATH: path })).toMatchObject({ from: `${path} (gateway.auth.token)` });
    expect(gatewayTarget({ ssh: 'me@elsewhere' }, { OPENCLAW_CONFIG_PATH: path })).toHaveProperty('unavailable');
    // A target OpenClaw's config gives that ssh would read as an option is not taken.
    writeFileSync(path, JSON.stringify({ gateway: { mode: 'remote', remote: { sshTarget: '-oProxyCommand=x', token: 'remote-token-0123456789' } } }));
    expect(gatewayTarget({}, { OPENCLAW_CONFIG_PATH: path })).not.toHaveProperty('ssh');
  });
});

describe('the OpenClaw CLI on another host, over SSH', () => {
  it('quotes every argument for the remote shell: a hostile agent id stays one literal word', () => {
    const cli = sshCli('me@gw.example:2222', ['-i', '/k'], '~/.npm-global/bin/openclaw', 60_000);
    const argv = cli.argv(['models', 'status', '--json', "--agent=x'; touch /tmp/pwned; echo '$(id)`id`"]);
    expect(argv.slice(0, 2)).toEqual(['ssh', '-T']);
    expect(argv.slice(-4)).toEqual([
      '/k',
      '--',
      'me@gw.example',
      `~/.npm-global/bin/openclaw models status --json '--agent=x'\\''; touch /tmp/pwned; echo '\\''$(id)\`id\`'`,
    ]);
    expect(argv).toContain('BatchMode=yes');
    expect(argv).toContain('ConnectTimeout=30');
    // What the remote shell makes of it: the same words, nothing run.
    const words = execFileSync('sh', ['-c', `printf '%s\\n' ${argv.at(-1)!.replace(/^\S+/, '')}`], { encoding: 'utf8' })
      .trimEnd()
      .split('\n');
    expect(words).toEqual(['models', 'status', '--json', "--agent=x'; touch /tmp/pwned; echo '$(id)`id`"]);
  });

  it('remedies for a remote gateway run each command there, quoted once more for the local shell', () => {
    const judged = { ...credential({ status: 'critical', expiresAt: 1, remainingMs: 1 }), agent: 'a b', agentIsDefault: false };
    expect(remedyFor({ ...judged, gateway: { name: 'lab', ssh: 'me@gw:2222' } }, {})!.split('\n')).toEqual([
      "On the gateway host run: ssh -t -p 2222 -- me@gw 'claude setup-token'",
      `Then: ssh -t -p 2222 -- me@gw 'openclaw models auth setup-token --provider anthropic --agent '\\''a b'\\'`,
      `Token made on another machine: ssh -t -p 2222 -- me@gw 'openclaw models auth paste-token --provider anthropic --agent '\\''a b'\\'' --expires-in 365d'`,
      `Verify: ssh -t -p 2222 -- me@gw 'openclaw models status --agent '\\''a b'\\'`,
    ]);
    const route = { kind: 'runtime' as const, model: null, role: null, runtime: 'codex', plugins: ['codex'] };
    expect(remedyFor({ ...judged, status: 'unusable', route, gateway: { name: 'lab', ssh: 'me@gw:2222' } }, {})!.split('\n')[0]).toBe(
      "Enable it: ssh -t -p 2222 -- me@gw 'openclaw plugins enable codex', then restart the gateway: ssh -t -p 2222 -- me@gw 'openclaw gateway restart'",
    );
    expect(
      remedyFor({ ...judged, agent: 'main', agentIsDefault: true, status: 'error', gateway: { name: null, ssh: 'gw', command: '~/bin/openclaw' } }, {}),
    ).toBe("Run `ssh -t -- gw '~/bin/openclaw models status --agent main'` and `ssh -t -- gw '~/bin/openclaw doctor'` to see what fails.");
  });
});

describe('several gateways', () => {
  it("a named gateway's records have their own scope: one gateway's read never resolves another's alerts", () => {
    const record = { source: 'openclaw', agent: 'main' };
    expect(openclawSource.scopeOf(record)).toBe('openclaw:main');
    expect(openclawSource.scopeOf({ ...record, gateway: { name: 'server', ssh: 'me@server' } })).toBe('openclaw@server:main');
    expect(openclawSource.scopeOf({ ...record, gateway: { name: null, ssh: 'me@server' } })).toBe('openclaw:main');
  });
});
