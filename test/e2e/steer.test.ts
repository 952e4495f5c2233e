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
