import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGateway } from '../helpers/fake-gateway.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { parseReport, runCli, sandbox } from '../helpers/cli.js';
import { startReceiver } from '../helpers/receiver.js';
import { itWithTool } from '../helpers/tools.js';

// What authwatch says about a gateway, and what it never says: a token the gateway echoes back,
// credentials in a URL, a pairing that does not exist, a public ws:// address.
const TOKEN = 'plain words gateway token'; // no key shape: only holding it makes it masked
let gateway: Awaited<ReturnType<typeof startFakeGateway>>;
let port: number;
const authorizations: Array<string | undefined> = [];

beforeAll(async () => {
  gateway = await startFakeGateway((frame, { fail, socket, request }) => {
    if (frame.method !== 'connect') return;
    authorizations.push(request.headers.authorization);
    // A gateway that quotes the token it refuses, in its error.
    fail({ code: 'INVALID_REQUEST', message: `unauthorized: token "${frame.params.auth?.token}" does not match`, details: { code: 'AUTH_TOKEN_MISMATCH' } });
    socket.close(1008, 'unauthorized');
  });
  port = gateway.port;
});
afterAll(() => gateway.close());

function box() {
  const b = sandbox();
  b.env.OPENCLAW_CONFIG_PATH = join(b.home, 'none.json');
  b.env.GW_TOKEN = TOKEN;
  return b;
}

describe('what is never printed', () => {
  it('a token the gateway echoes in its error is masked, whatever its shape', async () => {
    const b = box();
    const config = b.writeConfig(`sources:\n  openclaw:\n    via: gateway\n    gateway:\n      url: ws://127.0.0.1:${port}\n      token: env:GW_TOKEN\n`);
    const result = await runCli(['check', '--json', '--no-notify', '--config', config, '--log-level', 'debug'], b.env);
    expect(result.exitCode, result.stderr).toBe(3);
    expect(parseReport(result).errors[0]!.message).toContain('token "<secret>" does not match');
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN);
  });

  it('credentials in a gateway URL: sent to the gateway as basic auth, shown nowhere', async () => {
    const b = box();
    const url = `ws://admin:s3cret-pass@127.0.0.1:${port}`;
    const config = b.writeConfig(`sources:\n  openclaw:\n    via: gateway\n    gateway:\n      url: ${url}\n      token: env:GW_TOKEN\n`);
    const before = authorizations.length;
    const check = await runCli(['check', '--json', '--no-notify', '--config', config, '--log-level', 'debug'], b.env);
    expect(authorizations.slice(before)[0]).toBe(`Basic ${Buffer.from('admin:s3cret-pass').toString('base64')}`);
    expect(parseReport(check).sources[0]!.url).toBe(`ws://127.0.0.1:${port}`);
    const status = await runCli(['status', '--config', config], b.env);
    const doctor = await runCli(['doctor', '--config', config], b.env);
    for (const out of [check.stdout, check.stderr, status.stdout, status.stderr, doctor.stdout, doctor.stderr]) {
      expect(out).not.toContain('s3cret-pass');
      expect(out).not.toContain('admin:');
    }
  });

  it('credentials in an Alertmanager URL are its basic auth, not "a request that is not valid HTTP"', async () => {
    const receiver = await startReceiver();
    try {
      const b = box();
      const records = join(b.home, 'records.json');
      writeFileSync(records, JSON.stringify([{ id: 'x', status: 'expired' }]));
      const url = receiver.url.replace('http://', 'http://am:p%40ss@');
      const config = b.writeConfig(
        `sources:\n  openclaw:\n    enabled: false\n  commands:\n    - name: c\n      command: [cat, ${records}]\nnotifiers:\n  - type: alertmanager\n    url: ${url}\n`,
      );
      const result = await runCli(['check', '--json', '--config', config], b.env);
      expect(parseReport(result).notifications, result.stderr).toMatchObject([{ notifier: 'alertmanager', ok: true }]);
      expect(receiver.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('am:p@ss').toString('base64')}`);
      expect(`${result.stdout}${result.stderr}`).not.toContain('p%40ss');
    } finally {
      await receiver.close();
    }
  });
});

describe('words that say what is wrong', () => {
  it('gateway pair --url with an impossible port says the URL is invalid, not that the gateway is on this host', async () => {
    const result = await runCli(['gateway', 'pair', '--url', 'wss://gw.example:99999'], box().env);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toBe('authwatch: --url: "wss://gw.example:99999" is not a valid URL (its host or port cannot be read)\n');
  });

  it('a public ws:// gateway is reported as refused plaintext, not as unpaired; an unpaired wss:// one as unpaired, by check and doctor', async () => {
    const b = box();
    const plain = await runCli(
      [
        'check',
        '--json',
        '--no-notify',
        '--config',
        b.writeConfig('sources:\n  openclaw:\n    via: gateway\n    gateway:\n      url: ws://203.0.113.9:18789\n', 'plain.yaml'),
      ],
      b.env,
    );
    expect(parseReport(plain).errors[0]!.message).toMatch(/refuses plaintext ws:\/\/ to a public address/);
    expect(parseReport(plain).credentials[0]!.remedy).toMatch(/^Use its wss:\/\/ URL/);
    const tls = b.writeConfig('sources:\n  openclaw:\n    via: gateway\n    gateway:\n      url: wss://gw.example:18789\n', 'tls.yaml');
    const unpaired = await runCli(['check', '--json', '--no-notify', '--config', tls], b.env);
    expect(parseReport(unpaired).errors[0]!.message).toMatch(/authwatch is not paired with it/);
    const doctor = await runCli(['doctor', '--config', tls], b.env);
    expect(doctor.stdout).toMatch(/FAIL +openclaw transport.*authwatch is not paired with it.*Pair: authwatch gateway pair/);
    expect(doctor.stdout).not.toMatch(/device token/);
  });

  itWithTool('openssl', 'openssl')('a pinned gateway whose certificate does not match is not told to "pin it"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const https = createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) });
    const wss = new WebSocketServer({ server: https });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    try {
      const b = box();
      // A pin, but not this certificate's.
      const config = b.writeConfig(
        `sources:\n  openclaw:\n    via: gateway\n    gateway:\n      url: wss://127.0.0.1:${(https.address() as AddressInfo).port}\n      token: env:GW_TOKEN\n      tlsFingerprint: "${'AB'.repeat(32)}"\n`,
      );
      const result = await runCli(['check', '--json', '--no-notify', '--config', config], b.env);
      const remedy = parseReport(result).credentials[0]!.remedy ?? '';
      expect(remedy, result.stdout).not.toMatch(/self-signed, pin it/);
      expect(remedy).toMatch(/^The gateway's certificate is not the one pinned/);
    } finally {
      wss.close();
      await new Promise((resolve) => https.close(resolve));
    }
  });
});
