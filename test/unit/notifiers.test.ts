import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { testAlert } from '../../src/cli/commands/notify.js';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { describeCredential } from '../../src/monitor/alerts.js';
import { postableAlerts } from '../../src/notifiers/alertmanager.js';
import { appleScriptString, desktopArgv } from '../../src/notifiers/desktop.js';
import { parseRetryAfter } from '../../src/notifiers/http.js';
import { alertBody, alertTitle, chatText } from '../../src/notifiers/message.js';
import { ntfyPriority } from '../../src/notifiers/ntfy.js';
import { buildNotifiers } from '../../src/notifiers/registry.js';
import { deliverWithRetry } from '../../src/notifiers/retry.js';
import { resolveSecret, Secret } from '../../src/config/secret.js';
import { termuxCommands, termuxId } from '../../src/notifiers/termux.js';
import type { Alert, DeliveryResult, Notifier } from '../../src/notifiers/types.js';
import { signatureHeaders } from '../../src/notifiers/webhook.js';
import { credential } from '../helpers/records.js';

const NOW = Date.UTC(2026, 10, 25, 12);
const alert = (over: Partial<Alert> = {}): Alert => ({ ...testAlert(NOW), test: false, remedy: 'On the gateway host run: claude setup-token', ...over });

describe('Standard Webhooks signature', () => {
  it('verifies with the reference implementation', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = JSON.stringify({ hello: 'world' });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders(Buffer.from(secret.slice(6), 'base64'), 'evt_1', timestamp, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual({ hello: 'world' });
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });
});

describe('retry', () => {
  function scripted(results: DeliveryResult[]) {
    const calls: number[] = [];
    const notifier: Notifier = {
      name: 'n',
      type: 'test',
      timeoutMs: 1000,
      send: async () => {
        calls.push(Date.now());
        return results.shift() ?? { ok: true };
      },
    };
    return { notifier, calls };
  }
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const policy = () => ({ attempts: 3, backoffMs: 1000, timeoutMs: 1000, deadline: Date.now() + 60_000 });

  it('a program that fails with the same words twice is not tried a third time (it stays queued); an HTTP failure is', async () => {
    const noBus = {
      ok: false as const,
      retryable: true,
      program: true as const,
      message: 'desktop: notify-send exited with 1: Cannot autolaunch D-Bus without X11 $DISPLAY',
    };
    const program = scripted([noBus, noBus, noBus]);
    expect(await deliverWithRetry(program.notifier, alert(), policy(), sleep)).toEqual({ ...noBus, attempts: 2 });
    expect(program.calls).toHaveLength(2);
    // Different words each time: tried on.
    const changing = scripted([noBus, { ...noBus, message: 'desktop: notify-send exited with 1: other' }]);
    expect(await deliverWithRetry(changing.notifier, alert(), policy(), sleep)).toEqual({ ok: true, attempts: 3 });
    const http = scripted([
      { ok: false, retryable: true, message: 'HTTP 503' },
      { ok: false, retryable: true, message: 'HTTP 503' },
    ]);
    expect(await deliverWithRetry(http.notifier, alert(), policy(), sleep)).toEqual({ ok: true, attempts: 3 });
  });

  it('retries a retryable failure with growing backoff, and stops at success', async () => {
    sleeps.length = 0;
    const { notifier, calls } = scripted([
      { ok: false, retryable: true, message: 'HTTP 500' },
      { ok: false, retryable: true, message: 'HTTP 503' },
    ]);
    expect(await deliverWithRetry(notifier, alert(), policy(), sleep)).toEqual({ ok: true, attempts: 3 });
    expect(calls).toHaveLength(3);
    expect(sleeps[0]).toBeGreaterThanOrEqual(800);
    expect(sleeps[0]).toBeLessThanOrEqual(1200);
    expect(sleeps[1]).toBeGreaterThanOrEqual(1600);
    expect(sleeps[1]).toBeLessThanOrEqual(2400);
  });

  it('honours a longer Retry-After', async () => {
    sleeps.length = 0;
    const { notifier } = scripted([{ ok: false, retryable: true, message: 'HTTP 429', retryAfterMs: 7000 }]);
    await deliverWithRetry(notifier, alert(), policy(), sleep);
    expect(sleeps).toEqual([7000]);
  });

  it('does not retry what cannot succeed', async () => {
    const { notifier, calls } = scripted([{ ok: false, retryable: false, message: 'HTTP 400' }]);
    expect(await deliverWithRetry(notifier, alert(), policy(), sleep)).toMatchObject({ ok: false, retryable: false, attempts: 1 });
    expect(calls).toHaveLength(1);
  });

  it('gives up when the wait would pass the deadline', async () => {
    const { notifier, calls } = scripted([{ ok: false, retryable: true, message: 'HTTP 429', retryAfterMs: 120_000 }]);
    const result = await deliverWithRetry(notifier, alert(), { ...policy(), deadline: Date.now() + 5000 }, sleep);
    expect(result).toMatchObject({ ok: false, retryable: true, attempts: 1 });
    expect(calls).toHaveLength(1);
  });

  it('parses Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:10 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('channel messages', () => {
  it("a chat alert about an OpenClaw OAuth login offers OpenClaw's own /login first; tokens and other sources get none", () => {
    const oauth = alert({
      status: 'expired',
      remedy: 'Sign in again: openclaw models auth login --provider openai --agent main',
      credential: { ...testAlert(NOW).credential, source: 'openclaw', provider: 'openai-codex', profileId: 'openai-codex:me', type: 'oauth' },
    });
    expect(chatText(oauth).split('\n')[1]).toBe('In a private chat with the gateway \\(owner or admin\\)\\: `/login openai`');
    expect(chatText({ ...oauth, event: 'resolved', status: 'ok' })).not.toContain('/login');
    expect(chatText({ ...oauth, credential: { ...oauth.credential, type: 'token' } })).not.toContain('/login');
    expect(chatText({ ...oauth, credential: { ...oauth.credential, source: 'codex' } })).not.toContain('/login');
  });

  it('titles say what happened, ASCII only', () => {
    const critical = alert({
      status: 'critical',
      remainingMs: 96 * 60_000,
      credential: { ...testAlert(NOW).credential, agent: 'work', profileId: 'anthropic:manual' },
    });
    expect(alertTitle(critical)).toBe('[CRITICAL] anthropic:manual (agent work) expires in 1h 36m');
    expect(alertTitle({ ...critical, event: 'reminder' })).toBe('Reminder: [CRITICAL] anthropic:manual (agent work) expires in 1h 36m');
    expect(alertTitle({ ...critical, event: 'resolved', status: 'ok', severity: 'critical' })).toBe('[RESOLVED] anthropic:manual (agent work) is ok again');
    expect(alertTitle({ ...critical, status: 'missing', credential: { ...critical.credential, profileId: null, provider: 'openai' } })).toBe(
      '[MISSING] openai credential (agent work): no usable credential',
    );
    // One alert for a credential agents share; a usage window; an OAuth login that lapsed long ago.
    expect(alertTitle({ ...critical, credential: { ...critical.credential, agent: 'main', sharedWith: ['work', 'ops'] } })).toBe(
      '[CRITICAL] anthropic:manual (agent main, shared with work, ops) expires in 1h 36m',
    );
    const window = { ...critical.credential, provider: 'anthropic', profileId: null, window: 'Week' };
    expect(alertTitle({ ...critical, status: 'warn', credential: window, remainingMs: null, usedPercent: 85.4 })).toBe(
      '[WARN] anthropic usage window Week (agent work) is 85% used',
    );
    expect(alertTitle({ ...critical, status: 'unusable', credential: window, remainingMs: null, usedPercent: 100 })).toBe(
      '[UNUSABLE] anthropic usage window Week (agent work) is used up',
    );
    expect(alertTitle({ ...critical, status: 'warn', renewsOnUse: true, remainingMs: -8 * 86_400_000 })).toBe(
      '[WARN] anthropic:manual (agent work) lapsed 8d ago unrenewed',
    );
    expect(alertTitle(testAlert(NOW))).toMatch(/^\[TEST\] /);
    expect(alertTitle(critical)).toMatch(/^[\x20-\x7e]+$/);
  });

  it('the body carries the remedy and the host', () => {
    const body = alertBody(alert({ status: 'critical' }));
    expect(body).toContain('On the gateway host run: claude setup-token');
    expect(body).toMatch(/Host: \S+$/);
  });

  it('termux: a stable id per credential, priority by severity, a group and a button; resolved removes it', () => {
    const config = { type: 'termux' as const, group: 'authwatch', timeout: 15_000 };
    const self = { node: '/data/data/com.termux/files/usr/bin/node', entry: '/data/data/com.termux/files/usr/lib/node_modules/authwatch/dist/cli.js' };
    const termuxArgv = (a: Alert) => termuxCommands(a, config, self)[0]!;
    const firing = termuxArgv(alert({ status: 'critical' }));
    const id = termuxId('authwatch:test');
    expect(firing).toEqual([
      'termux-notification',
      '--id',
      id,
      '--title',
      expect.stringContaining('[CRITICAL]'),
      '--content',
      expect.stringContaining('claude setup-token'),
      '--priority',
      'high',
      '--group',
      'authwatch',
      '--button1',
      'Re-check',
      '--button1-action',
      'authwatch check',
      // Snoozes this credential, as pasted into Termux's shell.
      '--button3',
      'Snooze 4h',
      '--button3-action',
      `${self.node} ${self.entry} snooze authwatch:test --for 4h --reason 'snoozed from the phone'`,
    ]);
    expect(termuxArgv(alert({ status: 'warn', test: true }))).not.toContain('Snooze 4h');
    // A snooze's id is a glob: an id with * or ? would snooze others too, so it gets no button.
    expect(termuxArgv(alert({ status: 'warn', credential: { ...alert().credential, id: 'command:lab:a*' } }))).not.toContain('Snooze 4h');
    expect(termuxArgv(alert({ status: 'warn' }))).toContain('default');
    expect(termuxArgv(alert({ event: 'resolved', status: 'ok' }))).toEqual(['termux-notification-remove', id]);
    expect(termuxId('a')).not.toBe(termuxId('b'));
  });

  it('termux: a Re-auth button opens a terminal (RUN_COMMAND) running the walk-through for that gateway; critical and worse vibrate', () => {
    const config = { type: 'termux' as const, group: 'authwatch', timeout: 15_000 };
    const self = { node: '/data/data/com.termux/files/usr/bin/node', entry: '/data/data/com.termux/files/usr/lib/node_modules/authwatch/dist/cli.js' };
    const credential = {
      id: 'openclaw@server:main:anthropic:manual',
      source: 'openclaw',
      agent: 'main',
      provider: 'anthropic',
      profileId: 'anthropic:manual',
      type: 'token' as const,
      gateway: 'server',
    };
    const [notification, vibrate] = termuxCommands(alert({ status: 'expired', credential }), config, self);
    expect(notification!.slice(-12, -4)).toEqual([
      '--button1',
      'Re-check',
      '--button1-action',
      'authwatch check',
      '--button2',
      'Re-auth',
      '--button2-action',
      `am startservice --user 0 -n com.termux/com.termux.app.RunCommandService -a com.termux.RUN_COMMAND --es com.termux.RUN_COMMAND_PATH ${self.node} --esa com.termux.RUN_COMMAND_ARGUMENTS ${self.entry},reauth,--gateway,server,--provider,anthropic,--agent,main --ez com.termux.RUN_COMMAND_BACKGROUND false`,
    ]);
    expect(vibrate).toEqual(['termux-vibrate', '-d', '800']);
    // A comma inside an argument travels as U+201A, with the flag that makes Termux restore it.
    const comma = termuxCommands(alert({ status: 'warn', credential: { ...credential, agent: 'a,b' } }), config, self);
    expect(comma[0]!.at(-5)).toContain(",--agent,a\u201ab' --ez com.termux.RUN_COMMAND_REPLACE_COMMA_ALTERNATIVE_CHARS_IN_ARGUMENTS true --ez");
    // warn does not vibrate; an API key or a failed read gets no Re-auth; an unused one neither.
    expect(comma).toHaveLength(1);
    expect(termuxCommands(alert({ status: 'expired', credential: { ...credential, type: 'api_key' } }), config, self)[0]).not.toContain('Re-auth');
    expect(termuxCommands(alert({ status: 'error', credential }), config, self)[0]).not.toContain('Re-auth');
    expect(termuxCommands(alert({ status: 'expired', credential, inUse: false }), config, self)).toHaveLength(1);
  });

  it('desktop: notify-send urgency by severity; osascript escaping', () => {
    expect(desktopArgv(alert({ status: 'expired' }), 'notify-send').slice(0, 3)).toEqual(['notify-send', '--app-name=authwatch', '--urgency=critical']);
    expect(desktopArgv(alert({ status: 'warn' }), 'notify-send')[2]).toBe('--urgency=normal');
    expect(appleScriptString('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
    const [cmd, flag, script] = desktopArgv(alert({ detail: 'a "quoted" \\ detail' }), 'osascript');
    expect([cmd, flag]).toEqual(['osascript', '-e']);
    expect(script).toMatch(/^display notification ".*" with title ".*"$/s);
    expect(script).toContain('a \\"quoted\\" \\\\ detail');
  });

  it('ntfy priorities: warn 3, critical 4, expired/missing 5, resolved 2', () => {
    expect([
      ntfyPriority(alert({ status: 'warn' })),
      ntfyPriority(alert({ status: 'critical' })),
      ntfyPriority(alert({ status: 'expired' })),
      ntfyPriority(alert({ status: 'missing' })),
      ntfyPriority(alert({ event: 'resolved', status: 'ok' })),
    ]).toEqual([3, 4, 5, 5, 2]);
  });
});

describe('alertmanager', () => {
  const H = 3_600_000;
  const c = describeCredential(credential());
  const base = alert({ credential: c, startedAt: NOW - H, host: 'gw1' });
  const names = (posted: ReturnType<typeof postableAlerts>) => posted.map((p) => [p.labels.alertname, p.labels.status, p.endsAt]);

  it('firing: one alert that ends ttl from now unless posted again; labels name the credential, not its secret', () => {
    const [firing, ...rest] = postableAlerts({ ...base, status: 'warn' }, NOW, 2 * H);
    expect(rest).toEqual([]);
    expect(firing).toEqual({
      labels: {
        alertname: 'AuthwatchCredentialExpiringSoon',
        severity: 'warning',
        status: 'warn',
        credential: c.id,
        source: 'openclaw',
        agent: 'main',
        provider: 'anthropic',
        profile: 'anthropic:manual',
        host: 'gw1',
      },
      annotations: expect.objectContaining({ summary: expect.stringMatching(/^\[WARN\] anthropic:manual \(agent main\)/), remedy: base.remedy }),
      startsAt: new Date(NOW - H).toISOString(),
      endsAt: new Date(NOW + 2 * H).toISOString(),
    });
  });

  it('warn → critical ends the warn alert (other labels) and fires the critical one; resolved ends the last status notified', () => {
    expect(names(postableAlerts({ ...base, status: 'critical', lastStatus: 'warn' }, NOW, H))).toEqual([
      ['AuthwatchCredentialExpiringSoon', 'warn', new Date(NOW).toISOString()],
      ['AuthwatchCredentialExpiringCritical', 'critical', new Date(NOW + H).toISOString()],
    ]);
    expect(names(postableAlerts({ ...base, event: 'resolved', status: 'ok', severity: 'expired', lastStatus: 'critical' }, NOW, H))).toEqual([
      ['AuthwatchCredentialExpiringCritical', 'critical', new Date(NOW).toISOString()],
    ]);
    // A notice about an unused credential is info; a source that cannot be read is the rules' ChecksFailing.
    expect(postableAlerts({ ...base, status: 'expired', inUse: false }, NOW, H)[0]!.labels).toMatchObject({
      alertname: 'AuthwatchCredentialUnusable',
      severity: 'info',
    });
    expect(postableAlerts({ ...base, status: 'error' }, NOW, H)[0]!.labels.alertname).toBe('AuthwatchChecksFailing');
  });
});

describe('secrets in config', () => {
  it('never print', () => {
    const secret = new Secret('hunter2');
    expect(`${secret}`).toBe('<secret>');
    expect(JSON.stringify({ secret })).toBe('{"secret":"<secret>"}');
    expect(inspect({ secret })).not.toContain('hunter2');
    expect(secret.reveal()).toBe('hunter2');
  });

  it('come from env:NAME or file:PATH, with errors that name the source, not the value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-secret-'));
    writeFileSync(join(dir, 'token'), 'tk_abc\n');
    expect(resolveSecret('env:T', { T: 'x' }).reveal()).toBe('x');
    expect(resolveSecret(`file:${join(dir, 'token')}`, {}).reveal()).toBe('tk_abc');
    expect(resolveSecret('literal', {}).reveal()).toBe('literal');
    expect(() => resolveSecret('env:NOPE', {})).toThrow('environment variable NOPE is not set');
    expect(() => resolveSecret(`file:${join(dir, 'nope')}`, {})).toThrow(`cannot read ${join(dir, 'nope')} (ENOENT)`);
  });

  it('a notifier config problem is a config error naming the notifier and key', async () => {
    const config = await parseConfig('notifiers:\n  - type: ntfy\n    topic: t\n    token: env:NTFY_TOKEN\n  - type: webhook\n    url: not a url\n', 'c.yaml');
    let error: unknown;
    try {
      buildNotifiers(config.notifiers, {}, 'c.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).lines).toEqual([
      'c.yaml: notifiers[0] (ntfy): token: environment variable NTFY_TOKEN is not set',
      'c.yaml: notifiers[1] (webhook): url: is not a valid URL',
    ]);
  });

  it('duplicate names and unknown types are refused', async () => {
    const config = await parseConfig('notifiers:\n  - type: desktop\n  - type: desktop\n', 'c.yaml');
    expect(() => buildNotifiers(config.notifiers, {}, 'c.yaml')).toThrow('notifiers[1].name: "desktop" is used twice');
    await expect(parseConfig('notifiers:\n  - type: pager\n', 'c.yaml')).rejects.toThrow(/c\.yaml:2: notifiers\[0\]\.type: /);
  });
});
