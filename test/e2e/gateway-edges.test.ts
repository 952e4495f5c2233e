import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGateway } from '../helpers/fake-gateway.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_BIN, FIXTURE_NOW, FIXTURES, parseReport, readArgvLog, runCli, sandbox } from '../helpers/cli.js';
import { startWatch } from '../helpers/watch.js';

// What a real gateway cannot be made to do here, answered as OpenClaw 2026.9.6's gateway answers:
// - another protocol version (OpenClaw ships one): its message-handler replies INVALID_REQUEST
//   "protocol mismatch" with PROTOCOL_MISMATCH details, then closes 1002; this one claims protocol 5;
// - `models.authStatus` still preparing (PREPARED_MODEL_AUTH_UNAVAILABLE), for longer than the
//   ~1.5 s a real one takes, or once;
// - `models.authStatus` failing UNAVAILABLE once while a plugin reloads (a real one does so now and then
//   right after paste-token, too rarely to test on).
let gateway: Awaited<ReturnType<typeof startFakeGateway>>;
let port: number;
const connects: unknown[] = [];
let mode: 'mismatch' | 'preparing' | 'preparing-once' | 'reloading-once' | 'malformed' | 'flood' = 'mismatch';
/** In `flood` mode: how many config.changed events the gateway sent, and when it stopped. */
let floodDone: () => void = () => {};
const flood = { sent: 0, done: new Promise<void>((resolve) => (floodDone = resolve)) };
/** In `malformed` mode: what the gateway answers instead (per method). */
let malformed: { 'agents.list'?: unknown; 'models.authStatus'?: unknown } = {};
let authStatusCalls = 0;

beforeAll(async () => {
  gateway = await startFakeGateway((frame, { reply, fail, socket }) => {
    if (mode === 'malformed' && frame.method in malformed) return reply(malformed[frame.method as keyof typeof malformed]);
    if (frame.method === 'agents.list') return reply({ defaultId: 'main', agents: [{ id: 'main' }] });
    if (frame.method === 'models.authStatus') {
      authStatusCalls++;
      if (mode === 'preparing' || (mode === 'preparing-once' && authStatusCalls === 1))
        return reply({ ts: Date.now(), providers: [], unavailable: { code: 'PREPARED_MODEL_AUTH_UNAVAILABLE' } });
      // What OpenClaw's respondUnavailable sends while a plugin reloads (after an auth edit: PluginInstanceUnavailableError).
      if (mode === 'reloading-once' && authStatusCalls === 1)
        return fail({ code: 'UNAVAILABLE', message: 'Plugin anthropic was reloaded or disabled; use its current tools.' });
      return reply({
        ts: Date.now(),
        providers: [
          {
            provider: 'anthropic',
            status: 'ok',
            profiles: [{ profileId: 'anthropic:manual', type: 'token', status: 'ok', expiry: { at: Date.now() + 30 * 86_400_000 } }],
          },
        ],
      });
    }
    if (frame.method !== 'connect') return;
    connects.push(frame.params);
    if (mode === 'flood') {
      reply({ type: 'hello-ok', protocol: 4, policy: { tickIntervalMs: 30_000 } });
      // 50 config.changed at a time, as fast as the client takes them, for 3 s; then quiet. At most
      // 1 MiB waits in the send buffer: unbounded, a loaded machine's run queued ~100 MB of events
      // here and the connection dropped (1006), losing events the test then waited for in vain.
      const until = Date.now() + 3000;
      const burst = () => {
        if (socket.readyState !== socket.OPEN || Date.now() > until) return floodDone();
        if (socket.bufferedAmount < 1024 * 1024) {
          for (let i = 0; i < 50; i++) socket.send('{"type":"event","event":"config.changed","payload":{}}');
          flood.sent += 50;
        }
        setImmediate(burst);
      };
      setImmediate(burst);
      return;
    }
    if (mode !== 'mismatch') return reply({ type: 'hello-ok', protocol: 4, policy: { tickIntervalMs: 30_000 } });
    const { minProtocol, maxProtocol } = frame.params;
    fail({
      code: 'INVALID_REQUEST',
      message: 'protocol mismatch',
      details: { code: 'PROTOCOL_MISMATCH', clientMinProtocol: minProtocol, clientMaxProtocol: maxProtocol, expectedProtocol: 5, minimumProbeProtocol: 5 },
    });
    socket.close(1002, 'protocol mismatch');
  });
  port = gateway.port;
});

afterAll(() => gateway.close());

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
    mode = 'mismatch';
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
    mode = 'mismatch';
    const b = box();
    const result = await runCli(['check', '--json', '--no-notify', '--config', b.writeConfig('sources:\n  openclaw:\n    via: gateway\n')], b.env);
    expect(result.exitCode, result.stderr).toBe(3);
    expect(parseReport(result).errors[0]!.message).toMatch(/^openclaw gateway ws:\/\/127\.0\.0\.1:\d+: protocol mismatch: the gateway speaks protocol 5/);
    expect(parseReport(result).credentials[0]!.remedy).toMatch(/^Update authwatch or OpenClaw, whichever is older/);
  });
});

describe('a gateway whose models.authStatus is briefly not there (still preparing model auth, or a plugin reloading)', () => {
  it.each([
    ['preparing-once', "once: asked again, and the answer is the gateway's"],
    ['reloading-once', "a plugin reloading (UNAVAILABLE) once: asked again, and the answer is the gateway's, not the CLI's"],
  ] as const)('%s: %s', async (once, _what) => {
    mode = once;
    authStatusCalls = 0;
    const b = box();
    const result = await runCli(
      ['check', '--json', '--no-notify', '--config', b.writeConfig('sources:\n  openclaw:\n    via: auto\n    routesEvery: off\n')],
      b.env,
    );
    expect(authStatusCalls).toBe(2);
    const report = parseReport(result);
    expect(report.sources[0]).toMatchObject({ via: 'gateway', fallbackReason: null });
    expect(report.credentials.map((c) => [c.id, c.status])).toEqual([['openclaw:main:anthropic:manual', 'ok']]);
  });

  it('for longer: asked eight times over ~10 s, then the CLI, saying why', async () => {
    mode = 'preparing';
    authStatusCalls = 0;
    const b = box();
    const result = await runCli(['check', '--json', '--no-notify'], b.env);
    expect(authStatusCalls).toBe(8);
    const report = parseReport(result);
    expect(report.sources[0]).toMatchObject({
      via: 'cli',
      fallbackReason: expect.stringContaining('still preparing model auth (PREPARED_MODEL_AUTH_UNAVAILABLE)'),
    });
    // The CLI's answer (the recorded fixture: a token expiring within a day).
    expect(report.credentials.map((c) => [c.id, c.status])).toEqual([['openclaw:main:anthropic:manual', 'warn']]);
  });
});

describe('a gateway on another host with via: cli', () => {
  it("is an error naming the fix, never this host's CLI describing this host", async () => {
    const b = sandbox([FAKE_BIN]);
    const log = join(b.home, 'openclaw.log');
    const config = b.writeConfig('sources:\n  openclaw:\n    via: cli\n    gateway:\n      ssh: me@server.lan\n');
    const result = await runCli(['check', '--json', '--no-notify', '--config', config], { ...b.env, FAKE_OPENCLAW_LOG: log });
    expect(result.exitCode, result.stderr).toBe(3);
    const [record] = parseReport(result).credentials;
    expect(record).toMatchObject({
      id: 'openclaw@server.lan:agents',
      detail: "sources.openclaw.via is cli, but the gateway is on me@server.lan (gateway.ssh) and this host's CLI cannot read it",
      remedy: 'Run the CLI there instead: sources.openclaw.ssh: me@server.lan\nOr read its gateway through the tunnel: sources.openclaw.via: auto',
    });
    expect(existsSync(log)).toBe(false);
  });
});

describe('a gateway whose reply is not in the shape OpenClaw gives', () => {
  const profile = { profileId: 'anthropic:manual', type: 'token', status: 'ok', expiry: { at: Date.now() + 86_400_000 } };
  const cases: Array<[string, typeof malformed, string]> = [
    ['providers is a string', { 'models.authStatus': { providers: 'x' } }, 'models.authStatus reply is not in the expected shape (at providers: '],
    [
      'a profile id that is a number',
      { 'models.authStatus': { providers: [{ provider: 'anthropic', profiles: [{ ...profile, profileId: 5 }] }] } },
      'models.authStatus reply is not in the expected shape (at providers[0].profiles[0].profileId: ',
    ],
    [
      'an expiry of 1e300',
      { 'models.authStatus': { providers: [{ provider: 'anthropic', profiles: [{ ...profile, expiry: { at: 1e300 } }] }] } },
      'models.authStatus reply is not in the expected shape (at providers[0].profiles[0].expiry.at: expected a time in epoch milliseconds, from 1970 to 9999)',
    ],
    ['agents is an object', { 'agents.list': { agents: { id: 'main' } } }, 'agents.list reply is not in the expected shape (at agents: '],
  ];
  for (const [what, reply, words] of cases) {
    it(`${what}: an error record naming the field (via: gateway), the CLI's answer in auto`, async () => {
      mode = 'malformed';
      malformed = reply;
      try {
        const b = box();
        const strict = await runCli(['check', '--json', '--no-notify', '--config', b.writeConfig('sources:\n  openclaw:\n    via: gateway\n')], b.env);
        expect(strict.exitCode, strict.stderr).toBe(3);
        expect(strict.stderr).not.toMatch(/internal error|is not a function|Invalid time value/);
        expect(parseReport(strict).errors[0]!.message).toContain(`: the gateway's ${words}`);
        const auto = await runCli(['check', '--json', '--no-notify', '--config', b.writeConfig('sources:\n  openclaw:\n    via: auto\n', 'auto.yaml')], b.env);
        expect(auto.exitCode, auto.stderr).toBe(2);
        expect(parseReport(auto).sources[0]).toMatchObject({ via: 'cli', fallbackReason: expect.stringContaining(words) });
      } finally {
        mode = 'mismatch';
        malformed = {};
      }
    });
  }
});

describe('a gateway that floods config.changed', () => {
  it('watch re-reads at most once a second, runs no route pass for it within the minute, and logs one line per re-read', { timeout: 120_000 }, async () => {
    mode = 'flood';
    const b = box();
    const log = join(b.home, 'openclaw.log');
    const config = b.writeConfig('schedule: "0 0 1 1 *"\nsources:\n  openclaw:\n    via: auto\n');
    const w = startWatch(['--config', config, '--no-notify'], { ...b.env, FAKE_OPENCLAW_LOG: log, XDG_STATE_HOME: join(b.home, 'state-flood') });
    try {
      await flood.done;
      const rereadLines = () => w.lines.filter((l) => l.msg === 'openclaw gateway: config changed');
      const announced = () => rereadLines().reduce((sum, l) => sum + Number(l.events), 0);
      // Every event the gateway sent is accounted for in some re-read's line (on a loaded machine
      // watch may still be working through the backlog well after the 3 s of flood).
      await w.waitFor(() => announced() === flood.sent, 90_000, `re-reads covering all ${flood.sent} events`);
      const rereads = rereadLines().length;
      expect(flood.sent).toBeGreaterThan(10_000);
      // One at once, then at most one a second for as long as events kept coming.
      const seconds = (Number(rereadLines().at(-1)!.time) - Number(rereadLines()[0]!.time)) / 1000;
      expect(rereads).toBeLessThanOrEqual(2 + Math.floor(seconds));
      expect(w.checks().length).toBeLessThanOrEqual(rereads + 2);
      // The one route pass of the first check; config.changed alone holds the next one back a minute.
      expect(readArgvLog(log).filter((argv) => argv[1] === 'status')).toHaveLength(1);
      expect(w.stderr().split('\n').length).toBeLessThan(100);
    } finally {
      mode = 'mismatch';
      await w.stop();
    }
  });
});
