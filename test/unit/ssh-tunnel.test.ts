import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sshCli } from '../../src/monitor/sources/openclaw-cli.js';
import { onHost } from '../../src/monitor/sources/openclaw-remedy.js';
import { openclawSource } from '../../src/monitor/sources/openclaw.js';
import { gatewayTarget } from '../../src/monitor/sources/openclaw-gateway.js';
import { classifySsh, splitDestination, sshArgv } from '../../src/monitor/sources/ssh-tunnel.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const spec = { destination: 'me@gw.example:2222', remotePort: 18789, sshArgs: ['-i', '/k'], timeoutMs: 60_000, env: {} };

describe('the SSH tunnel to a remote gateway', () => {
  it('forwards a loopback port to the gateway on its host, in batch mode, failing on a forward it cannot bind', () => {
    expect(sshArgv(spec, 40001)).toEqual([
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
      '127.0.0.1:40001:127.0.0.1:18789',
      '-p',
      '2222',
      '-i',
      '/k',
      '--',
      'me@gw.example',
    ]);
  });

  it('a destination that looks like an option stays the destination', () => {
    expect(sshArgv({ ...spec, destination: '-oProxyCommand=touch /tmp/x', sshArgs: [] }, 1).slice(-2)).toEqual(['--', '-oProxyCommand=touch /tmp/x']);
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
    const steps = [
      'On the gateway host run: claude setup-token',
      "Then: openclaw models auth setup-token --provider anthropic --agent 'a b'",
      'Enable it: openclaw plugins enable codex, then restart the gateway: openclaw gateway restart',
      'Run `openclaw models status` and `openclaw doctor` to see what fails.',
    ].join('\n');
    expect(onHost(steps, 'me@gw:2222', 'openclaw').split('\n')).toEqual([
      "On the gateway host run: ssh -t -p 2222 me@gw 'claude setup-token'",
      `Then: ssh -t -p 2222 me@gw 'openclaw models auth setup-token --provider anthropic --agent '\\''a b'\\'''`,
      "Enable it: ssh -t -p 2222 me@gw 'openclaw plugins enable codex', then restart the gateway: ssh -t -p 2222 me@gw 'openclaw gateway restart'",
      "Run `ssh -t -p 2222 me@gw 'openclaw models status'` and `ssh -t -p 2222 me@gw 'openclaw doctor'` to see what fails.",
    ]);
    expect(onHost('Verify: openclaw models status', 'gw', '~/bin/openclaw')).toBe("Verify: ssh -t gw '~/bin/openclaw models status'");
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
