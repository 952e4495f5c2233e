import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { FAKE_BIN, FIXTURE_NOW, FIXTURES, parseReport, runCli, sandbox } from '../helpers/cli.js';

// A gateway of another protocol version cannot run here (OpenClaw ships one), so this one answers
// the handshake as OpenClaw 2026.9.6's gateway answers a client it cannot speak with (its
// message-handler: INVALID_REQUEST "protocol mismatch" with PROTOCOL_MISMATCH details, then close
// 1002), claiming protocol 5.
let server: WebSocketServer;
let port: number;
const connects: unknown[] = [];

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
  server.on('connection', (socket) => {
    socket.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n0nce', ts: Date.now() } }));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { id: string; method: string; params: { minProtocol: number; maxProtocol: number } };
      if (frame.method !== 'connect') return;
      connects.push(frame.params);
      const { minProtocol, maxProtocol } = frame.params;
      socket.send(
        JSON.stringify({
          type: 'res',
          id: frame.id,
          ok: false,
          error: {
            code: 'INVALID_REQUEST',
            message: 'protocol mismatch',
            details: {
              code: 'PROTOCOL_MISMATCH',
              clientMinProtocol: minProtocol,
              clientMaxProtocol: maxProtocol,
              expectedProtocol: 5,
              minimumProbeProtocol: 5,
            },
          },
        }),
      );
      socket.close(1002, 'protocol mismatch');
    });
  });
});

afterAll(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

function box() {
  const b = sandbox();
  const dir = mkdtempSync(join(tmpdir(), 'aw-fake-'));
  cpSync(join(FIXTURES, 'openclaw', 'status-token-expiring.json'), join(dir, 'status-main.json'));
  b.env.FAKE_OPENCLAW_DIR = dir;
  b.env.PATH = `${FAKE_BIN}:${b.env.PATH}`;
  b.env.AUTHWATCH_NOW = String(FIXTURE_NOW);
  mkdirSync(join(b.home, '.openclaw'), { recursive: true });
  writeFileSync(join(b.home, '.openclaw', 'openclaw.json'), JSON.stringify({ gateway: { port, auth: { mode: 'token', token: 'gw-token-0123456789abcdef' } } }));
  return b;
}

describe('a gateway that speaks another protocol', () => {
  it('auto: the CLI, with a warning naming both versions', async () => {
    const b = box();
    const result = await runCli(['check', '--json', '--no-notify'], b.env);
    expect(result.exitCode, result.stderr).toBe(2);
    const report = parseReport(result);
    expect(report.sources[0]).toMatchObject({
      via: 'cli',
      fallbackReason: expect.stringMatching(
        /protocol mismatch: the gateway speaks protocol 5, authwatch's client \(@openclaw\/gateway-client [\d.]+\) speaks protocol 4$/,
      ),
    });
    expect(report.credentials.map((c) => c.id)).toEqual(['openclaw:main:anthropic:manual']);
    expect(result.stderr).toMatch(/"level":40,.*the gateway speaks protocol 5, authwatch's client .* speaks protocol 4; reading via the CLI/);
    expect(connects.at(-1)).toMatchObject({ minProtocol: 4, maxProtocol: 4 });
    expect(result.stderr).not.toContain('gw-token-0123456789abcdef');
  });

  it('via: gateway: an error record (exit 3) with the same words', async () => {
    const b = box();
    const result = await runCli(['check', '--json', '--no-notify', '--config', b.writeConfig('sources:\n  openclaw:\n    via: gateway\n')], b.env);
    expect(result.exitCode, result.stderr).toBe(3);
    expect(parseReport(result).errors[0]!.message).toMatch(/^openclaw gateway ws:\/\/127\.0\.0\.1:\d+: protocol mismatch: the gateway speaks protocol 5/);
  });
});
