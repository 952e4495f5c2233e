import { describe, expect, it } from 'vitest';
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
      'ExitOnForwardFailure=yes',
      '-o',
      'ConnectTimeout=30',
      '-o',
      'ServerAliveInterval=15',
      '-o',
      'ServerAliveCountMax=3',
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
