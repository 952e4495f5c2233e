import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport, runCli, sandbox } from '../helpers/cli.js';

// `authwatch gateway pair|unpair|status` where no gateway is needed: what it refuses, and a device
// file it cannot use. Pairing itself runs against a real gateway in test/openclaw/gateway-pairing.test.ts.
const noOpenclaw = (box: ReturnType<typeof sandbox>) => ({ ...box.env, OPENCLAW_CONFIG_PATH: join(box.home, 'none.json') });

describe('authwatch gateway pair refuses what it cannot do, before touching anything', () => {
  it.each([
    [
      ['--url', 'wss://gw.example:18789', '--token', 'sk-literal-token'],
      '--token takes env:VAR or file:PATH, never the token itself (ps and shell history would show it)',
    ],
    [
      ['--url', 'ws://127.0.0.1:18789'],
      'this gateway is on this host, or reached through SSH, as a loopback client: it needs no pairing (pair is for a gateway on another host by URL: --url wss://host:18789)',
    ],
    [['--url', 'wss://gw.example:18789', '--tls-fingerprint', 'AB:CD'], '--tls-fingerprint: a SHA-256 fingerprint: 64 hex digits, with or without colons'],
    [['--url', 'https://gw.example'], '--url: "https://gw.example" is not a ws:// or wss:// URL'],
    [['--url', 'wss://gw.example:18789', '--token', 'env:NOT_SET'], 'gateway: gateway.token: environment variable NOT_SET is not set'],
  ])('pair %j', async (args, message) => {
    const box = sandbox();
    const result = await runCli(['gateway', 'pair', ...args], noOpenclaw(box));
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toBe(`authwatch: ${message}\n`);
    expect(result.stdout).toBe('');
    // No identity made.
    expect(readdirSync(box.home)).not.toContain('.local');
  });

  it("plaintext ws:// to a public address: OpenClaw's client refuses it, and pair says so with what to use instead", async () => {
    const box = sandbox();
    const result = await runCli(['gateway', 'pair', '--url', 'ws://203.0.113.9:18789', '--wait', '5s'], noOpenclaw(box));
    expect(result.exitCode).toBe(3);
    // Refused before anything is sent: no warning about the plaintext that never happened, no identity kept.
    expect(result.stderr).toBe(
      "authwatch: gateway pair: OpenClaw's client refuses plaintext ws:// to 203.0.113.9 (only loopback, private and tailnet addresses): use wss://, or an SSH tunnel (gateway.ssh)\n",
    );
    expect(existsSync(join(box.home, '.local', 'state', 'authwatch', 'device.json'))).toBe(false);
  });
});

describe('the device file', () => {
  it('gateway status without one says how to pair', async () => {
    const box = sandbox();
    const result = await runCli(['gateway', 'status'], noOpenclaw(box));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      `No device yet (${join(box.home, '.local', 'state', 'authwatch', 'device.json')}): pair with a gateway on another host first: authwatch gateway pair --url wss://host:18789\n`,
    );
  });

  it('a corrupt one is moved aside with a warning; the check goes on and says to pair', async () => {
    const box = sandbox();
    const dir = join(box.home, '.local', 'state', 'authwatch');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'device.json'), '{"version": 1, "deviceId": "truncated');
    const config = box.writeConfig('sources:\n  openclaw:\n    gateway:\n      url: wss://gw.example:18789\n');
    const result = await runCli(['check', '--json', '--no-notify', '--config', config], noOpenclaw(box));
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(
      /device file .*device\.json is corrupt \(not JSON\); moved it to .*device\.json\.corrupt-\S+: pair again \(authwatch gateway pair\)/,
    );
    expect(readdirSync(dir).filter((f) => f.startsWith('device.json.corrupt-'))).toHaveLength(1);
    expect(parseReport(result).credentials).toEqual([
      expect.objectContaining({
        id: 'openclaw@gw.example:agents',
        status: 'error',
        remedy: expect.stringMatching(/^Pair: authwatch gateway pair --gateway gw\.example\n/),
      }),
    ]);
    // Said once: the next check finds no file, and no warning.
    const again = await runCli(['check', '--json', '--no-notify', '--config', config], noOpenclaw(box));
    expect(again.stderr).not.toContain('device file');
  });
});
