import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseReport } from '../helpers/cli.js';
import { D, got, H, NOW, recordsBox } from '../helpers/records-box.js';
import { startReceiver } from '../helpers/receiver.js';

const receivers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
async function receiver() {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

const RULES = `thresholds:
  warn: 24h
  critical: 2h
  rules:
    - match: { provider: anthropic, type: token }
      warn: 3d
      critical: 12h
    - match: { id: "command:lab:ci-*" }
      warn: 48h
`;

describe('threshold rules', () => {
  it('judge each credential by the first rule that matches; status --explain, --json and config check say which', async () => {
    const t = recordsBox(RULES);
    t.serve([
      { id: 'setup-token', provider: 'anthropic', type: 'token', expiresAt: NOW + 2 * D },
      { id: 'ci-key', provider: 'openai', type: 'api_key', expiresAt: NOW + 40 * H },
      { id: 'other-key', provider: 'openai', type: 'api_key', expiresAt: NOW + 40 * H },
    ]);
    const json = parseReport(await t.run(['status', '--json']));
    const byId = Object.fromEntries(json.credentials.map((c) => [c.id, c]));
    // 2 days left: warn under the setup-token rule (3d), warn under the ci rule (48h), ok by default (24h).
    expect(byId['command:lab:setup-token']).toMatchObject({ status: 'warn', thresholdRule: 0 });
    expect(byId['command:lab:ci-key']).toMatchObject({ status: 'warn', thresholdRule: 1 });
    expect(byId['command:lab:other-key']).toMatchObject({ status: 'ok' });
    expect(byId['command:lab:other-key']).not.toHaveProperty('thresholdRule');

    const explained = await t.run(['status', '--explain']);
    expect(explained.stdout).toContain(
      '\nThresholds:\n' +
        '  setup-token: warn 3d, critical 12h (thresholds.rules[0] (provider=anthropic type=token))\n' +
        '  ci-key: warn 2d, critical 2h (thresholds.rules[1] (id=command:lab:ci-*))\n' +
        '  other-key: warn 1d, critical 2h (thresholds)\n',
    );

    const checked = await t.run(['config', 'check']);
    expect(checked.exitCode, checked.stderr).toBe(0);
    expect(checked.stdout).toContain(
      'thresholds: warn 1d, critical 2h, lapsed 7d\n' +
        '  thresholds.rules[0] (provider=anthropic type=token): warn 3d, critical 12h (the rest as above)\n' +
        '  thresholds.rules[1] (id=command:lab:ci-*): warn 2d (the rest as above)\n',
    );
  });

  it('an unknown matcher key is a one-line config error naming where (exit 78)', async () => {
    const t = recordsBox('thresholds:\n  rules:\n    - match: { provder: anthropic }\n');
    const result = await t.run(['check']);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(/config\.yaml:\d+: thresholds\.rules\[0\]\.match\.provder: unknown key\n/);
  });
});

describe('routing per notifier', () => {
  const notifiers = (phone: string, ops: string, opsRoute = '    match: { provider: openai }\n    events: [firing, resolved]\n') =>
    `delivery:\n  backoff: 50ms\n  attempts: 1\nremind: { warn: 1h, critical: 1h, expired: 1h }\nnotifiers:\n` +
    `  - type: webhook\n    name: phone\n    url: ${phone}\n    minStatus: critical\n` +
    `  - type: webhook\n    name: ops\n    url: ${ops}\n${opsRoute}`;

  it('each notifier gets only its statuses, events and credentials; a resolution reaches those that heard of the episode', async () => {
    const [phone, ops] = [await receiver(), await receiver()];
    const t = recordsBox(notifiers(phone.url, ops.url));
    t.serve([
      { id: 'claude', provider: 'anthropic', type: 'token', expiresAt: NOW + 5 * H },
      { id: 'gpt', provider: 'openai', type: 'token', expiresAt: NOW + 5 * H },
    ]);
    // Both warn: phone (critical and worse) hears nothing, ops hears of gpt only.
    expect((await t.run(['check', '--json'])).exitCode).toBe(2);
    expect(got(phone)).toEqual([]);
    expect(got(ops)).toEqual(['firing warn command:lab:gpt']);
    // 2 h later both are critical: phone hears of both; ops of gpt (a firing, it got worse).
    await t.run(['check', '--json'], NOW + 3.5 * H);
    expect(got(phone)).toEqual(['firing critical command:lab:claude', 'firing critical command:lab:gpt']);
    expect(got(ops)).toEqual(['firing warn command:lab:gpt', 'firing critical command:lab:gpt']);
    // An hour on: reminders, which ops does not take.
    const reminded = parseReport(await t.run(['check', '--json'], NOW + 4.6 * H));
    expect(reminded.notifications.map((n) => `${n.notifier} ${n.event}`).sort()).toEqual(['phone reminder', 'phone reminder']);
    expect(got(ops)).toHaveLength(2);
    // Renewed: the resolutions reach everyone whose route took the episode.
    t.serve([
      { id: 'claude', provider: 'anthropic', type: 'token', expiresAt: NOW + 30 * D },
      { id: 'gpt', provider: 'openai', type: 'token', expiresAt: NOW + 30 * D },
    ]);
    await t.run(['check', '--json'], NOW + 4.7 * H);
    expect(got(phone).slice(4).sort()).toEqual(['resolved ok command:lab:claude', 'resolved ok command:lab:gpt']);
    expect(got(ops).slice(2)).toEqual(['resolved ok command:lab:gpt']);
  });

  it('an alert queued for a notifier whose route no longer takes it is dropped, not counted as failing', async () => {
    const [phone, ops] = [await receiver(), await receiver()];
    ops.respond(503);
    const t = recordsBox(notifiers(phone.url, ops.url, ''));
    t.serve([{ id: 'gpt', provider: 'openai', type: 'token', expiresAt: NOW + 5 * H }]);
    const first = parseReport(await t.run(['check', '--json']));
    expect(first.notifications).toEqual([expect.objectContaining({ notifier: 'ops', ok: false, queued: true })]);
    // ops now only takes anthropic: the queued alert is not its any more.
    t.reconfigure(notifiers(phone.url, ops.url, '    match: { provider: anthropic }\n'));
    const second = await t.run(['check', '--json', '--log-level', 'info'], NOW + 60_000);
    expect(parseReport(second).notifications).toEqual([]);
    expect(second.stderr).toContain(`"msg":"dropped an undelivered alert the notifier's route no longer takes"`);
    expect(ops.requests).toHaveLength(1);
    expect((t.box.readState() as { outbox: unknown[] }).outbox).toEqual([]);
  });

  it('notify test says what each notifier receives', async () => {
    const [phone, ops] = [await receiver(), await receiver()];
    const t = recordsBox(notifiers(phone.url, ops.url));
    const result = await t.run(['notify', 'test']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      'ok      webhook "phone"\n' +
        '        receives: critical, expired (expired includes missing, unusable and failing sources); firing, reminder, resolved; every credential\n' +
        'ok      webhook "ops"\n' +
        '        receives: warn, critical, expired (expired includes missing, unusable and failing sources); firing, resolved; only provider=openai\n',
    );
  });
});

describe('snooze', () => {
  const config = (url: string) =>
    `remind: { warn: 1h, critical: 1h, expired: 1h }\ndelivery:\n  attempts: 1\nnotifiers:\n  - type: webhook\n    name: ops\n    url: ${url}\n`;

  it('holds back firing and reminders until its time is up; status, --json and metrics show it; it survives restarts', async () => {
    const r = await receiver();
    const t = recordsBox(config(r.url));
    t.serve([
      { id: 'claude', provider: 'anthropic', type: 'token', expiresAt: NOW + 5 * H },
      { id: 'gpt', provider: 'openai', type: 'token', expiresAt: NOW + 5 * H },
    ]);
    await t.run(['check']);
    expect(got(r)).toEqual(['firing warn command:lab:claude', 'firing warn command:lab:gpt']);

    const snoozed = await t.run(['snooze', 'command:lab:cl*', '--for', '4h', '--reason', 'renewing tonight'], NOW + 60_000);
    expect(snoozed.exitCode, snoozed.stderr).toBe(0);
    expect(snoozed.stdout).toBe(
      'Snoozed command:lab:cl* until 2026-12-06 16:01 (4h): renewing tonight\n' +
        'It covers 1 credential seen so far: command:lab:claude\n' +
        'No firing or reminder goes out for it until then; a recovery is still sent, and ends the snooze.\n',
    );
    // An hour and a half on: gpt is reminded, claude is not; then both turn critical, and only gpt fires.
    await t.run(['check'], NOW + 1.5 * H);
    await t.run(['check'], NOW + 3.5 * H);
    expect(got(r).slice(2)).toEqual(['reminder warn command:lab:gpt', 'firing critical command:lab:gpt']);

    const status = await t.run(['status'], NOW + 3.5 * H);
    expect(status.stdout).toMatch(/^critical \(snoozed\) +- +anthropic /m);
    expect(status.stdout).toContain('  snoozed until 2026-12-06 16:01 (by "command:lab:cl*"): renewing tonight; no alerts until then\n');
    const json = parseReport(await t.run(['status', '--json'], NOW + 3.5 * H));
    expect(json.credentials.find((c) => c.id === 'command:lab:claude')).toMatchObject({
      snoozed: { until: '2026-12-06T16:01:00.000Z', reason: 'renewing tonight', by: 'command:lab:cl*' },
    });
    expect(json.credentials.find((c) => c.id === 'command:lab:gpt')).not.toHaveProperty('snoozed');
    const textfile = join(t.box.dir, 'aw.prom');
    await t.run(['check', '--no-notify', '--metrics-textfile', textfile], NOW + 3.5 * H);
    expect(readFileSync(textfile, 'utf8')).toContain(
      `authwatch_credential_snoozed_until_timestamp_seconds{agent="",provider="anthropic",profile="claude",reason="renewing tonight"} ${(NOW + 60_000 + 4 * H) / 1000}\n`,
    );
    expect((await t.run(['snooze', '--list'], NOW + 3.5 * H)).stdout).toBe('command:lab:cl*  until 2026-12-06 16:01 (31m left)  renewing tonight  covers 1\n');

    // Time is up: claude fires as it stands now (critical), and the snooze is gone.
    await t.run(['check'], NOW + 4.1 * H);
    expect(got(r).slice(4)).toEqual(['firing critical command:lab:claude']);
    expect((await t.run(['snooze', '--list'], NOW + 4.1 * H)).stdout).toBe('No snoozes.\n');
  });

  it('clears itself when the credential recovers, and the resolution is still sent', async () => {
    const r = await receiver();
    const t = recordsBox(config(r.url));
    t.serve([{ id: 'claude', provider: 'anthropic', type: 'token', expiresAt: NOW + 5 * H }]);
    await t.run(['check']);
    await t.run(['snooze', 'command:lab:claude', '--for', '1d']);
    t.serve([{ id: 'claude', provider: 'anthropic', type: 'token', expiresAt: NOW + 30 * D }]);
    const recovered = await t.run(['check', '--log-level', 'info'], NOW + H);
    expect(got(r)).toEqual(['firing warn command:lab:claude', 'resolved ok command:lab:claude']);
    expect(recovered.stderr).toMatch(/"snooze":"command:lab:claude","why":"recovered",.*"msg":"snooze ended"/);
    expect((await t.run(['snooze', '--list'], NOW + H)).stdout).toBe('No snoozes.\n');
  });

  it('unsnooze ends one as it was given, and says which snooze holds an id; bad input is a usage error (64)', async () => {
    const t = recordsBox('');
    t.serve([{ id: 'claude', provider: 'anthropic', type: 'token', expiresAt: NOW + 5 * H }]);
    await t.run(['check', '--no-notify']);
    expect((await t.run(['snooze', 'command:lab:*', '--for', '2h'])).exitCode).toBe(0);
    const wrong = await t.run(['unsnooze', 'command:lab:claude']);
    expect(wrong.exitCode).toBe(64);
    expect(wrong.stderr).toBe('authwatch: unsnooze: no snooze is named command:lab:claude; it is held by "command:lab:*" (unsnooze that)\n');
    const right = await t.run(['unsnooze', 'command:lab:*']);
    expect(right.stdout).toBe('Unsnoozed command:lab:*: the next check alerts on it as usual.\n');
    expect((await t.run(['snooze', '--list'])).stdout).toBe('No snoozes.\n');
    for (const [args, message] of [
      [['snooze', 'x'], 'authwatch: snooze: say for how long with --for (e.g. --for 4h)\n'],
      [['snooze', 'x', '--for', '4'], 'authwatch: snooze: --for "4" is not a duration (use e.g. 90m, 4h, 2d)\n'],
      [['snooze', 'x', '--for', '100d'], 'authwatch: snooze: --for 100d is longer than 90d (remove the notifier or the credential instead)\n'],
      [['snooze', '--for', '1h'], 'authwatch: snooze: name a credential id or glob, or use --list\n'],
    ] as const) {
      const result = await t.run([...args]);
      expect([result.exitCode, result.stderr]).toEqual([64, message]);
    }
  });
});

describe('history', () => {
  it('lists alerts, renewals, snoozes and sources failing, with each credential renewal cadence; --json, an id glob and --since', async () => {
    const r = await receiver();
    const t = recordsBox(`remind: { warn: 1h, critical: 1h, expired: 1h }\ndelivery:\n  attempts: 1\nnotifiers:\n  - type: webhook\n    url: ${r.url}\n`);
    // An OAuth-like login renewed every ~8h over two days, then a token that expires and is renewed.
    for (let i = 0; i < 6; i++) {
      t.serve([
        { id: 'login', provider: 'anthropic', type: 'token', expiresAt: NOW + (i * 8 + 9) * H },
        { id: 'token', provider: 'openai', type: 'token', expiresAt: NOW + 30 * H },
      ]);
      await t.run(['check'], NOW + i * 8 * H);
    }
    await t.run(['snooze', 'command:lab:token', '--for', '2h', '--reason', 'on it'], NOW + 41 * H);
    t.serve([
      { id: 'login', provider: 'anthropic', type: 'token', expiresAt: NOW + 57 * H },
      { id: 'token', provider: 'openai', type: 'token', expiresAt: NOW + 30 * D },
    ]);
    await t.run(['check'], NOW + 42 * H);

    const text = await t.run(['history', '--since', '3d'], NOW + 43 * H);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toBe(
      [
        '2026-12-06 12:00  fired               command:lab:login  warn',
        '2026-12-06 20:00  renewed             command:lab:login  expiry 2026-12-06 21:00 → 2026-12-07 05:00',
        '2026-12-06 20:00  reminded            command:lab:login  warn',
        '2026-12-06 20:00  fired               command:lab:token  warn',
        '2026-12-07 04:00  renewed             command:lab:login  expiry 2026-12-07 05:00 → 2026-12-07 13:00',
        '2026-12-07 04:00  reminded            command:lab:login  warn',
        '2026-12-07 04:00  reminded            command:lab:token  warn',
        '2026-12-07 12:00  renewed             command:lab:login  expiry 2026-12-07 13:00 → 2026-12-07 21:00',
        '2026-12-07 12:00  reminded            command:lab:login  warn',
        '2026-12-07 12:00  reminded            command:lab:token  warn',
        '2026-12-07 20:00  renewed             command:lab:login  expiry 2026-12-07 21:00 → 2026-12-08 05:00',
        '2026-12-07 20:00  fired               command:lab:token  expired',
        '2026-12-07 20:00  reminded            command:lab:login  warn',
        '2026-12-08 04:00  renewed             command:lab:login  expiry 2026-12-08 05:00 → 2026-12-08 13:00',
        '2026-12-08 04:00  reminded            command:lab:token  expired',
        '2026-12-08 04:00  reminded            command:lab:login  warn',
        '2026-12-08 05:00  snoozed             command:lab:token  until 2026-12-08 07:00: on it',
        '2026-12-08 06:00  renewed             command:lab:login  expiry 2026-12-08 13:00 → 2026-12-08 21:00',
        '2026-12-08 06:00  renewed             command:lab:token  expiry 2026-12-07 18:00 → 2027-01-05 12:00',
        '2026-12-08 06:00  unsnoozed           command:lab:token  recovered',
        '2026-12-08 06:00  resolved            command:lab:token  ok',
        '2026-12-08 06:00  reminded            command:lab:login  warn',
        '',
        'Renewals:',
        '  command:lab:login: renewed 6 times in 3d, every ~8h',
        '  command:lab:token: renewed 1 time in 3d',
        '',
      ].join('\n'),
    );

    const json = JSON.parse((await t.run(['history', 'command:lab:tok*', '--json', '--since', '3d'], NOW + 43 * H)).stdout) as {
      events: Array<{ kind: string; id: string; at: string }>;
      renewals: unknown[];
    };
    expect(json.events.every((e) => e.id === 'command:lab:token' || e.kind === 'snoozed')).toBe(true);
    expect(json.events.map((e) => e.kind)).toContain('resolved');
    expect(json.renewals).toEqual([{ id: 'command:lab:token', renewals: 1, typicalMs: null }]);

    expect((await t.run(['history', '--since', '1h'], NOW + 50 * H)).stdout).toBe('Nothing happened in the last 1h.\n');
    // A history that cannot be read (a directory in its place): said in one line, shown as empty.
    const broken = recordsBox('');
    mkdirSync(join(dirname(broken.box.statePath), 'history.jsonl'), { recursive: true });
    const unreadable = await broken.run(['history']);
    expect([unreadable.exitCode, unreadable.stdout]).toEqual([0, 'Nothing happened in the last 7d.\n']);
    expect(unreadable.stderr).toMatch(/^authwatch: warning: cannot read the history .*history\.jsonl \(.+\)\n$/);
    const bad = await t.run(['history', '--since', 'soon']);
    expect([bad.exitCode, bad.stderr]).toEqual([64, 'authwatch: history: --since "soon" is not a duration (use e.g. 24h, 7d, 90d)\n']);
  });
});
