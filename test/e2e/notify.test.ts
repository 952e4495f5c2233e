import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, FAKE_BIN, FIXTURE_NOW, FIXTURES, fakeToken, parseReport, readArgvLog, ROOT, runCli, sandbox } from '../helpers/cli.js';
import { startReceiver } from '../helpers/receiver.js';
import { expectNoSecrets } from '../helpers/secrets.js';

const RECORDING_BIN = join(ROOT, 'test', 'fixtures', 'recording-bin');
const SECRET = `whsec_${Buffer.from(fakeToken('k')).toString('base64')}`;
const receivers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver() {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

/** A sandbox with the fake openclaw answering `status` (a recorded fixture), clock pinned to it, fast retries. */
function setup(status = 'status-token-expiring.json', notifiers = '') {
  const box = sandbox([FAKE_BIN, RECORDING_BIN]);
  const dir = mkdtempSync(join(tmpdir(), 'aw-fake-'));
  cpSync(join(FIXTURES, 'openclaw', status), join(dir, 'status-main.json'));
  Object.assign(box.env, { FAKE_OPENCLAW_DIR: dir, AUTHWATCH_NOW: String(FIXTURE_NOW), RECORD_ARGV_LOG: join(dir, 'argv.jsonl') });
  const config = box.writeConfig(`delivery:\n  backoff: 50ms\n  deadline: 20s\nnotifiers:\n${notifiers}`);
  return {
    box,
    config,
    /** Makes the fake openclaw answer with one profile from now on. */
    serveProfile: (profile: Record<string, unknown>) =>
      writeFileSync(
        join(dir, 'status-main.json'),
        JSON.stringify({ auth: { oauth: { profiles: [{ provider: 'anthropic', type: 'token', status: 'ok', ...profile }] } } }),
      ),
    recorded: () => readArgvLog(join(dir, 'argv.jsonl')),
    check: (extra: string[] = [], env: Record<string, string> = {}) => runCli(['check', '--json', ...extra], { ...box.env, ...env }),
  };
}

const webhook = (url: string, extra = '') => `  - type: webhook\n    name: ops\n    url: ${url}\n    secret: env:HOOK_SECRET\n${extra}`;

describe('webhook notifier against a real HTTP server', () => {
  it('posts the versioned alert, signed per Standard Webhooks, with the configured headers', async () => {
    const server = await receiver();
    const t = setup('status-token-expiring.json', webhook(`${server.url}/hook`, '    headers:\n      X-Team: infra\n'));
    t.box.env.HOOK_SECRET = SECRET;
    const result = await t.check();
    expect(result.exitCode, result.stderr).toBe(2);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/hook', headers: { 'content-type': 'application/json', 'x-team': 'infra' } });
    expect(request!.headers['user-agent']).toMatch(/^authwatch\//);
    // Verified exactly as a receiver would, with the reference implementation of the spec.
    const payload = new Webhook(SECRET).verify(request!.body, request!.headers as Record<string, string>) as Record<string, unknown>;
    expect(payload).toMatchObject({
      version: 1,
      type: 'authwatch.alert',
      id: request!.headers['webhook-id'],
      event: 'firing',
      status: 'warn',
      severity: 'warn',
      test: false,
      credential: {
        id: 'openclaw:main:anthropic:manual',
        source: 'openclaw',
        agent: 'main',
        provider: 'anthropic',
        profileId: 'anthropic:manual',
        type: 'token',
      },
      timeLeft: '2h 59m',
      remedy: expect.stringContaining('claude setup-token'),
    });
    expect(parseReport(result).notifications).toEqual([
      { notifier: 'ops', alertId: request!.headers['webhook-id'], event: 'firing', credentialId: 'openclaw:main:anthropic:manual', ok: true, queued: false },
    ]);
    expectNoSecrets({ stdout: result.stdout, stderr: result.stderr, body: request!.body, state: readFileSync(t.box.statePath, 'utf8') }, [SECRET]);
  });

  it('retries 500 and 429 (waiting out Retry-After) with the same webhook-id, then delivers', async () => {
    const server = await receiver();
    server.respond(500, { status: 429, headers: { 'retry-after': '1' } });
    const t = setup('status-token-expiring.json', webhook(server.url));
    t.box.env.HOOK_SECRET = SECRET;
    const result = await t.check();
    expect(parseReport(result).notifications).toMatchObject([{ ok: true }]);
    expect(server.requests).toHaveLength(3);
    const ids = new Set(server.requests.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    // Retry-After: 1 was honoured (timestamps are whole seconds).
    const [, second, third] = server.requests.map((r) => Number(r.headers['webhook-timestamp']));
    expect(third! - second!).toBeGreaterThanOrEqual(1);
  });

  it('does not retry a 400: one request, a clear error naming the notifier, nothing kept', async () => {
    const server = await receiver();
    server.respond(400);
    const t = setup('status-token-expiring.json', webhook(server.url));
    t.box.env.HOOK_SECRET = SECRET;
    const human = await runCli(['check'], t.box.env);
    expect(server.requests).toHaveLength(1);
    expect(human.stdout).toContain(
      `Notifications: 0 of 1 delivered\n  failed: webhook "ops" (127.0.0.1:${server.port}): HTTP 400 (not retried: fix the notifier config)\n`,
    );
    expect((t.box.readState() as { outbox: unknown[] }).outbox).toEqual([]);
  });

  it('a receiver down for one run gets the alert on the next run, exactly once', async () => {
    const server = await receiver();
    const port = server.port;
    await server.close();
    receivers.pop();
    const t = setup('status-token-expiring.json', webhook(`http://127.0.0.1:${port}/hook`));
    t.box.env.HOOK_SECRET = SECRET;

    const down = await t.check();
    expect(parseReport(down).notifications).toMatchObject([{ ok: false, queued: true, message: expect.stringContaining('connection failed (ECONNREFUSED)') }]);
    expect((t.box.readState() as { outbox: unknown[] }).outbox).toHaveLength(1);

    const back = await startReceiverOn(port);
    const up = await t.check();
    expect(parseReport(up).notifications).toMatchObject([{ ok: true, event: 'firing' }]);
    const again = await t.check();
    expect(parseReport(again).notifications).toEqual([]);
    expect(back.requests).toHaveLength(1);
    expect(new Webhook(SECRET).verify(back.requests[0]!.body, back.requests[0]!.headers as Record<string, string>)).toMatchObject({ event: 'firing' });
  });

  it('an undelivered alert older than outboxMaxAge is dropped with a log line', async () => {
    const server = await receiver();
    const port = server.port;
    await server.close();
    receivers.pop();
    const t = setup('status-token-expiring.json', webhook(`http://127.0.0.1:${port}`));
    t.box.env.HOOK_SECRET = SECRET;
    await t.check();
    const back = await startReceiverOn(port);
    // 25 hours later (the credential is expired by then, which is a new alert of its own).
    const later = await t.check([], { AUTHWATCH_NOW: String(FIXTURE_NOW + 25 * 3_600_000) });
    expect(later.stderr).toContain('dropped an undelivered alert older than delivery.outboxMaxAge');
    expect(back.requests.map((r) => (JSON.parse(r.body) as { status: string }).status)).toEqual(['expired']);
  });

  it("slack and discord presets post those services' shapes, unsigned", async () => {
    const server = await receiver();
    const t = setup(
      'status-token-expiring.json',
      `  - type: webhook\n    name: s\n    url: ${server.url}/slack\n    format: slack\n  - type: webhook\n    name: d\n    url: ${server.url}/discord\n    format: discord\n`,
    );
    await t.check();
    const byPath = Object.fromEntries(server.requests.map((r) => [r.path, r]));
    expect(JSON.parse(byPath['/slack']!.body)).toEqual({
      text: expect.stringMatching(/^\[WARN\] anthropic:manual \(agent main\) expires in 2h 59m\n/),
      mrkdwn: false,
    });
    expect(JSON.parse(byPath['/discord']!.body)).toEqual({
      content: expect.stringMatching(/^\\\[WARN\\\] anthropic\\:manual \\\(agent main\\\) expires in 2h 59m\n[\s\S]*claude setup\\-token/),
      allowed_mentions: { parse: [] },
    });
    expect(byPath['/slack']!.headers['webhook-signature']).toBeUndefined();
  });
});

async function startReceiverOn(port: number) {
  // Re-listen on the port the first receiver had, so the configured URL stays right.
  const { createServer } = await import('node:http');
  const requests: Array<{ body: string; headers: Record<string, string | string[] | undefined> }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ body, headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receivers.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return { requests };
}

describe('alert lifecycle across runs (fake openclaw)', () => {
  it('fires once, stays quiet, reminds, escalates, and resolves when the credential is replaced', async () => {
    const server = await receiver();
    const t = setup('status-token-expiring.json', webhook(server.url));
    t.box.env.HOOK_SECRET = SECRET;
    const events = () =>
      server.requests.map((r) => {
        const p = JSON.parse(r.body) as { event: string; status: string };
        return `${p.event}:${p.status}`;
      });
    const H = 3_600_000;

    await t.check();
    await t.check();
    expect(events()).toEqual(['firing:warn']);
    // 61 minutes later: under 2h left, critical, a new firing.
    await t.check([], { AUTHWATCH_NOW: String(FIXTURE_NOW + 61 * 60_000) });
    expect(events()).toEqual(['firing:warn', 'firing:critical']);
    // Critical reminds every 2h, but the token expires at +3h: expired fires first.
    await t.check([], { AUTHWATCH_NOW: String(FIXTURE_NOW + 3 * H) });
    expect(events().at(-1)).toBe('firing:expired');
    // Expired reminds after 1h.
    await t.check([], { AUTHWATCH_NOW: String(FIXTURE_NOW + 3 * H + 30 * 60_000) });
    expect(events()).toHaveLength(3);
    await t.check([], { AUTHWATCH_NOW: String(FIXTURE_NOW + 4 * H) });
    expect(events().at(-1)).toBe('reminder:expired');
    // A new token under a new profile id replaces the old one: the old profile vanishes → resolved.
    t.serveProfile({ profileId: 'anthropic:new', expiresAt: FIXTURE_NOW + 400 * H });
    await t.check([], { AUTHWATCH_NOW: String(FIXTURE_NOW + 5 * H) });
    expect(events().at(-1)).toBe('resolved:ok');
    const resolved = JSON.parse(server.requests.at(-1)!.body) as Record<string, unknown>;
    expect(resolved).toMatchObject({
      severity: 'expired',
      detail: 'no longer reported by its source (replaced or removed)',
      remedy: null,
      title: '[RESOLVED] anthropic:manual (agent main) is no longer reported (replaced or removed)',
      credential: {
        id: 'openclaw:main:anthropic:manual',
        source: 'openclaw',
        agent: 'main',
        provider: 'anthropic',
        profileId: 'anthropic:manual',
        type: 'token',
      },
    });
    // All events of one episode share a stream id; every event id differs.
    const bodies = server.requests.map((r) => JSON.parse(r.body) as { streamId: string; id: string });
    expect(new Set(bodies.map((b) => b.streamId)).size).toBe(1);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(bodies.length);
    await t.check([], { AUTHWATCH_NOW: String(FIXTURE_NOW + 6 * H) });
    expect(server.requests).toHaveLength(bodies.length);
  });

  it('--no-notify sends nothing and leaves the alert state alone; status never notifies', async () => {
    const server = await receiver();
    const t = setup('status-token-expiring.json', webhook(server.url));
    t.box.env.HOOK_SECRET = SECRET;
    await t.check(['--no-notify']);
    await runCli(['status'], t.box.env);
    expect(server.requests).toHaveLength(0);
    await t.check();
    expect(server.requests).toHaveLength(1);
  });

  it('a failing source alerts on the third failed check in a row, and resolves when it works again', async () => {
    const server = await receiver();
    const t = setup('status-token-expiring.json', webhook(server.url));
    t.box.env.HOOK_SECRET = SECRET;
    t.box.env.FAKE_OPENCLAW_MODE = 'garbage';
    for (let i = 0; i < 2; i++) await t.check();
    expect(server.requests).toHaveLength(0);
    await t.check();
    expect(server.requests.map((r) => (JSON.parse(r.body) as { event: string; status: string }).status)).toEqual(['error']);
    delete t.box.env.FAKE_OPENCLAW_MODE;
    await t.check();
    expect(
      server.requests.map((r) => {
        const p = JSON.parse(r.body) as { event: string; status: string };
        return `${p.event}:${p.status}`;
      }),
    ).toEqual(['firing:error', 'resolved:ok', 'firing:warn']);
  });

  it('two concurrent checks send one alert, not two', async () => {
    const server = await receiver();
    // The first delivery takes 2 s, far longer than reading the sources: the second run is
    // certainly deciding while the first is still sending. Without the state lock it sends too.
    server.respond({ status: 200, delayMs: 2_000 });
    const t = setup('status-token-expiring.json', webhook(server.url));
    t.box.env.HOOK_SECRET = SECRET;
    const results = await Promise.all([t.check(), t.check()]);
    expect(results.map((r) => r.exitCode)).toEqual([2, 2]);
    expect(server.requests).toHaveLength(1);
    // Both runs saw the alert: one sent it, the other found it recorded and sent nothing.
    expect(results.map((r) => parseReport(r).notifications.length).sort()).toEqual([0, 1]);
  });

  it('a corrupt state file does not stop alerts', async () => {
    const server = await receiver();
    const t = setup('status-token-expiring.json', webhook(server.url));
    t.box.env.HOOK_SECRET = SECRET;
    mkdirSync(dirname(t.box.statePath), { recursive: true });
    writeFileSync(t.box.statePath, '{"version":1,"alerts":');
    const result = await t.check();
    expect(result.stderr).toContain('is corrupt (not JSON); moved it to');
    expect(server.requests).toHaveLength(1);
  });
});

describe('a notifier added after an alert fired', () => {
  it('gets what is open once, as a firing with its start; its route holds; a removed one is forgotten, so adding it again tells it again', async () => {
    const [first, second, picky] = [await receiver(), await receiver(), await receiver()];
    const hook = (name: string, url: string, extra = '') => `  - type: webhook\n    name: ${name}\n    url: ${url}\n${extra}`;
    const t = setup('status-token-expiring.json', hook('first', first.url));
    const notifiers = (text: string) => writeFileSync(t.config, `delivery:\n  backoff: 50ms\n  deadline: 20s\nnotifiers:\n${text}`);
    const at = (minutes: number) => ({ AUTHWATCH_NOW: String(FIXTURE_NOW + minutes * 60_000) });
    expect((await t.check()).exitCode).toBe(2);
    expect(first.requests).toHaveLength(1);
    const fired = JSON.parse(first.requests[0]!.body) as Record<string, unknown>;
    expect(fired).toMatchObject({ event: 'firing', startedAt: new Date(FIXTURE_NOW).toISOString() });

    // ntfy replaced by a webhook, as the user did; and one that takes only expired alerts.
    notifiers(hook('second', second.url) + hook('picky', picky.url, '    minStatus: expired\n'));
    const caught = await t.check([], at(1));
    expect(parseReport(caught).notifications).toMatchObject([{ notifier: 'second', event: 'firing', ok: true }]);
    expect(second.requests).toHaveLength(1);
    expect(JSON.parse(second.requests[0]!.body)).toMatchObject({
      event: 'firing',
      status: fired.status,
      streamId: fired.streamId,
      startedAt: fired.startedAt,
      checkedAt: new Date(FIXTURE_NOW + 60_000).toISOString(),
    });
    expect(picky.requests).toEqual([]);

    // Once: the next check is quiet.
    expect(parseReport(await t.check([], at(2))).notifications).toEqual([]);
    expect(second.requests).toHaveLength(1);

    // "first" was removed, and forgotten: back, it is a new channel.
    notifiers(hook('first', first.url) + hook('second', second.url));
    await t.check([], at(3));
    expect(first.requests).toHaveLength(2);
    expect(JSON.parse(first.requests[1]!.body)).toMatchObject({ event: 'firing', startedAt: fired.startedAt });
    expect(second.requests).toHaveLength(1);
  });
});

describe('credentials OpenClaw does not use', () => {
  it('one low-priority notice with how to remove it, then quiet; never the exit code', async () => {
    const server = await receiver();
    const t = setup('status-stale-profile.json', `${webhook(`${server.url}/hook`)}  - type: termux\n  - type: desktop\n`);
    t.box.env.HOOK_SECRET = SECRET;
    const first = await t.check();
    expect(first.exitCode, first.stderr).toBe(0);
    const report = parseReport(first);
    expect(report.status).toBe('ok');
    expect(report.credentials.map((c) => [c.id, c.status, c.inUse])).toEqual([
      ['openclaw:main:anthropic:manual', 'ok', true],
      ['openclaw:main:anthropic:old', 'expired', false],
    ]);
    expect(server.requests).toHaveLength(1);
    const payload = new Webhook(SECRET).verify(server.requests[0]!.body, server.requests[0]!.headers as Record<string, string>) as Record<string, unknown>;
    expect(payload).toMatchObject({ event: 'firing', status: 'expired', inUse: false, title: 'Unused: [EXPIRED] anthropic:old (agent main) expired' });
    expect(payload.remedy).toContain('openclaw models auth logout --yes --agent main anthropic:old');
    const calls = t.recorded();
    expect(calls.find((c) => c[0] === 'termux-notification')).toEqual(expect.arrayContaining(['--priority', 'low']));
    expect(calls.find((c) => c[0] === 'notify-send')!.slice(0, 3)).toEqual(['notify-send', '--app-name=authwatch', '--urgency=low']);

    // A day later: no reminder for it.
    const later = await t.check([], { AUTHWATCH_NOW: String(FIXTURE_NOW + 86_400_000) });
    expect(later.exitCode).toBe(0);
    expect(server.requests).toHaveLength(1);

    const status = await runCli(['status', '--config', t.config], t.box.env);
    expect(status.stdout).toMatch(/^expired \(unused\) +main +anthropic +anthropic:old +token +- +-$/m);
    expect(status.stdout).toMatch(/^2 credentials: 1 ok, 1 unused \(worst: ok, exit 0\)$/m);
  });

  it('alertOnUnused: true alerts on them at full priority', async () => {
    const t = setup('status-stale-profile.json', '  - type: termux\n');
    writeFileSync(t.config, `alertOnUnused: true\n${readFileSync(t.config, 'utf8')}`);
    const result = await t.check();
    expect(result.exitCode).toBe(0);
    expect(t.recorded().find((c) => c[0] === 'termux-notification')).toEqual(expect.arrayContaining(['--priority', 'high']));
  });
});

describe('other channels', () => {
  it('ntfy: topic path, Title, Priority, Tags, Click and the access token as Bearer', async () => {
    const server = await receiver();
    const token = fakeToken('tk_');
    const t = setup(
      'status-expired-and-api-key.json',
      `  - type: ntfy\n    server: ${server.url}\n    topic: aw-alerts\n    token: env:NTFY_TOKEN\n    click: https://example.com/runbook\n    tags: [gateway]\n`,
    );
    t.box.env.NTFY_TOKEN = token;
    const result = await t.check(['--log-level', 'trace']);
    expect(server.requests).toHaveLength(1);
    const [r] = server.requests;
    expect(r).toMatchObject({
      method: 'POST',
      path: '/aw-alerts',
      headers: {
        title: '[EXPIRED] anthropic:manual (agent main) expired',
        priority: '5',
        tags: 'x,key,gateway',
        click: 'https://example.com/runbook',
        authorization: `Bearer ${token}`,
      },
    });
    expect(r!.body).toContain('claude setup-token');
    expectNoSecrets({ stdout: result.stdout, stderr: result.stderr, state: readFileSync(t.box.statePath, 'utf8') }, [token]);
  });

  it("ntfy: the expiry in the host's zone with its offset, as status shows it, not UTC ISO", async () => {
    const server = await receiver();
    const t = setup('status-token-expiring.json', `  - type: ntfy\n    server: ${server.url}\n    topic: aw-alerts\n`);
    const berlin = { TZ: 'Europe/Berlin' };
    await t.check([], berlin);
    const status = await runCli(['status'], { ...t.box.env, ...berlin });
    const shown = /\b(\d{4}-\d\d-\d\d \d\d:\d\d)\b/.exec(status.stdout)![1]!;
    expect(server.requests[0]!.body.split('\n')).toContain(`Expires: ${shown} UTC+01:00`);
    expect(server.requests[0]!.body).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it('termux: termux-notification with a stable id; the resolution removes that id', async () => {
    const t = setup('status-expired-and-api-key.json', '  - type: termux\n');
    await t.check();
    const [first] = t.recorded();
    expect(first!.slice(0, 3)).toEqual(['termux-notification', '--id', expect.stringMatching(/^authwatch-[0-9a-f]{12}$/)]);
    expect(first).toEqual(
      expect.arrayContaining(['--priority', 'high', '--group', 'authwatch', '--button1', 'Re-check', '--button1-action', 'authwatch check']),
    );
    // The expired token: a Re-auth button that opens a terminal with the walk-through, and a vibration.
    const reauth = first!.indexOf('--button2-action');
    expect(first![reauth - 1]).toBe('Re-auth');
    expect(first![reauth + 1]).toBe(
      `am startservice --user 0 -n com.termux/com.termux.app.RunCommandService -a com.termux.RUN_COMMAND --es com.termux.RUN_COMMAND_PATH ${process.execPath} --esa com.termux.RUN_COMMAND_ARGUMENTS ${CLI},reauth,--provider,anthropic,--agent,main --ez com.termux.RUN_COMMAND_BACKGROUND false`,
    );
    expect(t.recorded().filter((c) => c[0] === 'termux-vibrate')).toEqual([['termux-vibrate', '-d', '800']]);
    // The Snooze 4h button's action, run as Termux runs it (a shell command line): it snoozes that credential.
    const snooze = first![first!.indexOf('--button3-action') + 1]!;
    const pressed = await execa('sh', ['-c', snooze], { env: { ...t.box.env, AUTHWATCH_CONFIG: t.config }, extendEnv: false, reject: false });
    expect(pressed.exitCode, pressed.stderr).toBe(0);
    expect((await runCli(['snooze', '--list'], t.box.env)).stdout).toMatch(
      /^openclaw:main:anthropic:manual {2}until \d{4}-\d\d-\d\d \d\d:\d\d \(4h left\) {2}snoozed from the phone {2}covers 1\n/,
    );
    t.serveProfile({ profileId: 'anthropic:manual', expiresAt: FIXTURE_NOW + 30 * 86_400_000 });
    await t.check();
    expect(t.recorded().at(-1)).toEqual(['termux-notification-remove', first![2]]);
  });

  it("termux: a hostile profile id's Snooze 4h action, run by sh as Termux runs it, snoozes exactly that id and runs nothing else", async () => {
    const t = setup('status-expired-and-api-key.json', '  - type: termux\n');
    const marker = join(t.box.dir, 'pwned');
    const hostile = `anthropic:x'y\`touch ${marker}\`$(touch ${marker});touch ${marker} "a b"`;
    t.serveProfile({ profileId: hostile, expiresAt: FIXTURE_NOW - 60_000 });
    await t.check();
    const sent = t.recorded().find((c) => c[0] === 'termux-notification')!;
    const action = sent[sent.indexOf('--button3-action') + 1]!;
    for (const shell of ['sh', 'bash']) {
      const pressed = await execa(shell, ['-c', action], { env: { ...t.box.env, AUTHWATCH_CONFIG: t.config }, extendEnv: false, reject: false });
      expect(pressed.exitCode, pressed.stderr).toBe(0);
    }
    expect(existsSync(marker)).toBe(false);
    expect(Object.keys((t.box.readState() as { snoozes: Record<string, unknown> }).snoozes)).toEqual([`openclaw:main:${hostile}`]);
  });

  it('desktop: notify-send with urgency and the remedy in the body; osascript when chosen', async () => {
    const t = setup('status-expired-and-api-key.json', '  - type: desktop\n  - type: desktop\n    name: mac\n    backend: osascript\n');
    await t.check();
    const calls = t.recorded();
    const notify = calls.find((c) => c[0] === 'notify-send')!;
    expect(notify.slice(0, 5)).toEqual([
      'notify-send',
      '--app-name=authwatch',
      '--urgency=critical',
      '--print-id',
      '[EXPIRED] anthropic:manual (agent main) expired',
    ]);
    expect(notify[5]).toContain('claude setup-token');
    const mac = calls.find((c) => c[0] === 'osascript')!;
    expect(mac.slice(0, 2)).toEqual(['osascript', '-e']);
    expect(mac[2]).toMatch(/^display notification ".*claude setup-token.*" with title "\[EXPIRED\] anthropic:manual \(agent main\) expired"$/s);
  });

  it('desktop without notify-send installed: a clear failure, not retried', async () => {
    const t = setup('status-expired-and-api-key.json', '  - type: desktop\n');
    // Only the fake openclaw, node and dirname (linked alone: node may live in /usr/bin, beside a real notify-send).
    const bin = mkdtempSync(join(tmpdir(), 'aw-node-'));
    for (const [name, target] of [
      ['node', process.execPath],
      ['dirname', '/usr/bin/dirname'],
    ])
      symlinkSync(target!, join(bin, name!));
    t.box.env.PATH = `${FAKE_BIN}:${bin}`;
    const result = await t.check();
    expect(parseReport(result).notifications).toMatchObject([
      { ok: false, queued: false, message: 'desktop "desktop": notify-send not found (not installed, or not on PATH)' },
    ]);
  });

  it('command: argv without a shell, the alert JSON on stdin and AUTHWATCH_* variables', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'aw-cmd-')), 'got');
    const script = join(dirname(out), 'page-me');
    writeFileSync(
      script,
      `#!/bin/sh\n{ echo "args:$*"; echo "event:$AUTHWATCH_EVENT status:$AUTHWATCH_STATUS id:$AUTHWATCH_CREDENTIAL_ID"; cat; } > '${out}'\n`,
      { mode: 0o755 },
    );
    const t = setup('status-expired-and-api-key.json', `  - type: command\n    command: [${JSON.stringify(script)}, --urgent, "two words"]\n`);
    await t.check();
    const [args, vars, json] = readFileSync(out, 'utf8').split('\n');
    expect(args).toBe('args:--urgent two words');
    expect(vars).toBe('event:firing status:expired id:openclaw:main:anthropic:manual');
    expect(JSON.parse(json!)).toMatchObject({ version: 1, event: 'firing', status: 'expired', credential: { provider: 'anthropic' } });
  });
});

describe('undeliverable alerts are reported for what they are', () => {
  it('ntfy: an agent and profile named in Cyrillic, with CR/LF, are delivered with RFC 2047 headers, while ASCII ones stay plain', async () => {
    const server = await receiver();
    const t = setup('status-token-expiring.json', `  - type: ntfy\n    server: ${server.url}\n    topic: aw\n`);
    t.serveProfile({ profileId: 'антропик:ручной\r\nX-Injected: 1', expiresAt: FIXTURE_NOW + 3 * 3_600_000 });
    const report = parseReport(await t.check());
    expect(report.notifications).toMatchObject([{ ok: true }]);
    const title = server.requests[0]!.headers.title as string;
    expect(title).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    const decoded = Buffer.from(title.slice('=?UTF-8?B?'.length, -2), 'base64').toString('utf8');
    expect(decoded).toBe('[WARN] антропик:ручной\\x0d\\x0aX-Injected: 1 (agent main) expires in 3h');
    expect(server.requests[0]!.headers['x-injected']).toBeUndefined();
    expect(server.requests[0]!.headers.tags).toBe('warning,key');
  });

  it.each([
    [301, 'https://moved.example:8443/new?k=secret'],
    [307, '/elsewhere'],
  ])('a %d is a redirect not followed, named with its host only, not retried', async (status, location) => {
    const server = await receiver();
    server.respond({ status, headers: { location } });
    const t = setup('status-expired-and-api-key.json', `  - type: webhook\n    url: ${server.url}/hook\n`);
    const report = parseReport(await t.check());
    const host = location.startsWith('/') ? new URL(server.url).host : 'moved.example:8443';
    expect(report.notifications).toMatchObject([
      {
        ok: false,
        queued: false,
        message: `webhook "webhook" (${new URL(server.url).host}): HTTP ${status}, redirect to ${host} not followed (not retried: put the final URL in the config)`,
      },
    ]);
    expect(server.requests).toHaveLength(1);
  });

  it('a header value HTTP cannot carry is a config problem, not "connection failed", and is not retried', async () => {
    const server = await receiver();
    const t = setup('status-expired-and-api-key.json', `  - type: webhook\n    url: ${server.url}/hook\n    headers:\n      x-team: "équipe ✓"\n`);
    const report = parseReport(await t.check());
    expect(report.notifications).toMatchObject([
      {
        ok: false,
        queued: false,
        message: `webhook "webhook" (${new URL(server.url).host}): the request is not valid HTTP (a header value has characters HTTP cannot carry) (not retried)`,
      },
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('command: a NUL byte or 200 KB in a value is cleaned or cut in AUTHWATCH_*; the whole alert still arrives on stdin', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'aw-cmd-')), 'got');
    const script = join(dirname(out), 'page-me');
    writeFileSync(script, `#!/bin/sh\n{ printf '%s' "$AUTHWATCH_PROFILE" | wc -c; cat; } > '${out}'\n`, { mode: 0o755 });
    const t = setup('status-token-expiring.json', `  - type: command\n    command: [${JSON.stringify(script)}]\n`);
    const long = `p\u0000${'x'.repeat(200_000)}`;
    t.serveProfile({ profileId: long, expiresAt: FIXTURE_NOW + 3 * 3_600_000 });
    const report = parseReport(await t.check());
    expect(report.notifications).toMatchObject([{ ok: true }]);
    const [length, json] = readFileSync(out, 'utf8').split('\n');
    // 4096 UTF-16 units: 4095 characters and "…", which is 3 bytes in UTF-8.
    expect(Number(length)).toBe(4095 + 3);
    expect(JSON.parse(json!)).toMatchObject({ credential: { profileId: long } });
  });
});

describe('plain http:// to another host', () => {
  it('a webhook secret, an ntfy token or the heartbeat URL going over it is warned about by config check, check and doctor; loopback is fine', async () => {
    const box = sandbox();
    box.env.HOOK_SECRET = SECRET;
    const config = box.writeConfig(
      [
        'heartbeat:',
        '  url: http://hc.example/ping/abc',
        'notifiers:',
        '  - type: webhook',
        '    name: plain',
        '    url: http://hooks.example/x',
        '    secret: env:HOOK_SECRET',
        '  - type: webhook',
        '    name: local',
        '    url: http://127.0.0.1:9/x',
        '    secret: env:HOOK_SECRET',
        '  - type: ntfy',
        '    server: http://ntfy.example',
        '    topic: t',
        '    token: tk_abcdefgh',
        '',
      ].join('\n'),
    );
    const warnings = [
      'notifier webhook "plain": sends its secret over plain http:// to hooks.example, readable on the way; use https://',
      'notifier ntfy "ntfy": sends its access token over plain http:// to ntfy.example, readable on the way; use https://',
      'heartbeat: its URL (a credential) goes over plain http:// to hc.example, readable on the way; use https://',
    ];
    const checked = await runCli(['config', 'check', '--config', config], box.env);
    expect(checked.exitCode).toBe(0);
    expect(checked.stdout.split('\n').filter((l) => l.startsWith('warning: '))).toEqual(warnings.map((w) => `warning: ${w}`));
    const doctor = await runCli(['doctor', '--config', config], box.env);
    for (const w of warnings) expect(doctor.stdout).toContain(`warn  ${w}\n`);
    const check = await runCli(['check', '--config', config, '--no-notify'], box.env);
    expect(check.stderr).toBe('');
    box.env.PATH = `${FAKE_BIN}:${box.env.PATH}`;
    const notifying = await runCli(['check', '--config', config], box.env);
    for (const w of warnings) expect(notifying.stderr).toContain(`authwatch: warning: ${w}\n`);
  });
});

describe('notify test', () => {
  it('sends a test alert through each notifier, prints each result, exits 1 when any failed', async () => {
    const server = await receiver();
    server.respond(200, 400);
    const t = setup('status-token-expiring.json', `${webhook(`${server.url}/a`)}  - type: webhook\n    name: broken\n    url: ${server.url}/b\n`);
    t.box.env.HOOK_SECRET = SECRET;
    const result = await runCli(['notify', 'test'], t.box.env);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('ok      webhook "ops"\n');
    expect(result.stdout).toContain(`failed  webhook "broken" (127.0.0.1:${server.port}): HTTP 400 (not retried: fix the notifier config) (after 1 attempt)\n`);
    const sent = server.requests.map((r) => JSON.parse(r.body) as { test: boolean; title: string });
    expect(sent.every((s) => s.test && s.title.startsWith('[TEST] '))).toBe(true);

    const one = await runCli(['notify', 'test', '--notifier', 'ops'], t.box.env);
    expect(one).toMatchObject({
      exitCode: 0,
      stdout:
        'ok      webhook "ops"\n        receives: warn, critical, expired (expired includes missing, unusable and failing sources); firing, reminder, resolved; every credential\n',
    });
    const unknown = await runCli(['notify', 'test', '--notifier', 'nope'], t.box.env);
    expect(unknown).toMatchObject({ exitCode: 64, stderr: 'authwatch: no notifier named "nope" (configured: ops, broken)\n' });
  });

  it("the README's first ntfy topic, left as it is, is warned about by config check (a guessable topic on ntfy.sh)", async () => {
    const box = sandbox();
    box.writeConfig('notifiers:\n  - type: ntfy\n    topic: authwatch-replace-with-random\n');
    const checked = await runCli(['config', 'check'], box.env);
    expect(checked.exitCode).toBe(0);
    expect(checked.stdout).toContain(
      'warning: notifier ntfy "ntfy": the topic "authwatch-replace-with-random" on the public ntfy.sh is easy to guess, and anyone who names it reads these alerts (host and credential names); use a random one, e.g. authwatch-$(openssl rand -hex 8), or your own server\n',
    );
    box.writeConfig('notifiers:\n  - type: ntfy\n    topic: authwatch-3f9c2a71d0b4e865\n');
    expect((await runCli(['config', 'check'], box.env)).stdout).not.toContain('warning:');
  });

  it('an unset secret variable is a config error naming the notifier and key (exit 78)', async () => {
    const t = setup('status-token-expiring.json', webhook('http://127.0.0.1:9/hook'));
    for (const args of [['notify', 'test'], ['check'], ['config', 'check']]) {
      const result = await runCli(args, t.box.env);
      expect(result.exitCode).toBe(78);
      expect(result.stderr).toBe(`authwatch: config error: ${t.config}: notifiers[0] (webhook): secret: environment variable HOOK_SECRET is not set\n`);
    }
  });
});
