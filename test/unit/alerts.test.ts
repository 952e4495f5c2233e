import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decide, eventId, type AlertMemory, type LifecyclePolicy } from '../../src/monitor/alerts.js';
import { defaultConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { enqueue, planAlerts } from '../../src/monitor/notify.js';
import type { Notifier } from '../../src/notifiers/types.js';
import { inQuietHours } from '../../src/monitor/quiet-hours.js';
import { emptyState, type State } from '../../src/monitor/state.js';
import type { Status } from '../../src/monitor/types.js';
import { credential } from '../helpers/records.js';

const H = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 12);
const policy: LifecyclePolicy = { remind: { warn: 12 * H, critical: 2 * H, expired: H }, sourceErrorsAfter: 3, alertOnUnused: false };

function memory(over: Partial<AlertMemory> = {}): AlertMemory {
  const who = {
    id: 'openclaw:main:anthropic:manual',
    source: 'openclaw',
    agent: 'main',
    provider: 'anthropic',
    profileId: 'anthropic:manual',
    type: 'token' as const,
  };
  return { status: 'warn', severity: 'warn', streamId: 's@1', seq: 1, lastSentAt: NOW - H, scope: 'openclaw:main', credential: who, ...over };
}
const now = (status: Status, errorStreak = 0) => ({ credential: credential({ status }), errorStreak });

describe('decide: credentials not in use', () => {
  const unused = (status: Status) => ({ credential: credential({ status, inUse: false }), errorStreak: 0 });

  it('one notice, then nothing: no reminder, no escalation, while it stays unused', () => {
    const first = decide(undefined, unused('warn'), { policy, now: NOW, quiet: false });
    expect(first).toMatchObject({ event: 'firing', reason: 'first notification' });
    expect(decide(first.next, unused('warn'), { policy, now: NOW + 24 * H, quiet: false })).toEqual({
      event: null,
      reason: 'unused, notice sent',
      next: first.next,
    });
    expect(decide(first.next, unused('expired'), { policy, now: NOW + 48 * H, quiet: false })).toEqual({
      event: null,
      reason: 'unused, notice sent',
      next: first.next,
    });
  });

  it('quiet hours hold its notice back, whatever its status', () => {
    expect(decide(undefined, unused('expired'), { policy, now: NOW, quiet: true })).toEqual({ event: null, reason: 'quiet hours', next: undefined });
    expect(decide(undefined, now('expired'), { policy, now: NOW, quiet: true })).toMatchObject({ event: 'firing' });
  });

  it('its stream resolves when it recovers or vanishes', () => {
    const first = decide(undefined, unused('expired'), { policy, now: NOW, quiet: false });
    expect(decide(first.next, unused('ok'), { policy, now: NOW + H, quiet: false })).toMatchObject({ event: 'resolved', reason: 'recovered' });
    expect(decide(first.next, { gone: true }, { policy, now: NOW + H, quiet: false })).toMatchObject({ event: 'resolved', reason: 'no longer reported' });
  });

  it('alertOnUnused: true alerts on it like on the rest (reminders, escalation)', () => {
    const loud = { ...policy, alertOnUnused: true };
    const first = decide(undefined, unused('warn'), { policy: loud, now: NOW, quiet: false });
    expect(decide(first.next, unused('expired'), { policy: loud, now: NOW + H, quiet: false })).toMatchObject({ event: 'firing', reason: 'got worse' });
    expect(decide(first.next, unused('warn'), { policy: loud, now: NOW + 13 * H, quiet: false })).toMatchObject({ event: 'reminder' });
  });
});

describe('decide', () => {
  it('first bad status fires and opens a stream', () => {
    expect(decide(undefined, now('warn'), { policy, now: NOW, quiet: false })).toEqual({
      event: 'firing',
      reason: 'first notification',
      next: {
        status: 'warn',
        severity: 'warn',
        streamId: `openclaw:main:anthropic:manual@${NOW}`,
        seq: 1,
        lastSentAt: NOW,
        startedAt: NOW,
        scope: 'openclaw:main',
        credential: {
          id: 'openclaw:main:anthropic:manual',
          source: 'openclaw',
          agent: 'main',
          provider: 'anthropic',
          profileId: 'anthropic:manual',
          type: 'token',
        },
      },
    });
  });

  it('healthy and never alerted: nothing', () => {
    expect(decide(undefined, now('ok'), { policy, now: NOW, quiet: false })).toEqual({ event: null, reason: 'healthy', next: undefined });
    expect(decide(undefined, now('static'), { policy, now: NOW, quiet: false }).event).toBeNull();
  });

  it.each<[Status, Status, string]>([
    ['warn', 'critical', 'got worse'],
    ['critical', 'expired', 'got worse'],
    ['warn', 'missing', 'got worse'],
  ])('%s → %s fires again (%s) and raises the severity', (from, to, reason) => {
    const d = decide(memory({ status: from, severity: from }), now(to), { policy, now: NOW, quiet: false });
    expect(d).toMatchObject({ event: 'firing', reason, next: { status: to, severity: to, seq: 2, lastSentAt: NOW, streamId: 's@1' } });
  });

  it('better but still bad (a new token expiring soon) fires as a change; the severity stays the worst', () => {
    const d = decide(memory({ status: 'expired', severity: 'expired' }), now('warn'), { policy, now: NOW, quiet: false });
    expect(d).toMatchObject({ event: 'firing', reason: 'status changed', next: { status: 'warn', severity: 'expired' } });
  });

  it.each<[Status, number]>([
    ['warn', 12 * H],
    ['critical', 2 * H],
    ['expired', H],
    ['missing', H],
  ])('%s reminds exactly when its interval (%d ms) has passed, not 1 ms before', (status, interval) => {
    const before = decide(memory({ status, severity: status, lastSentAt: NOW - interval + 1 }), now(status), { policy, now: NOW, quiet: false });
    expect(before).toMatchObject({ event: null, reason: 'unchanged' });
    const at = decide(memory({ status, severity: status, lastSentAt: NOW - interval }), now(status), { policy, now: NOW, quiet: false });
    expect(at).toMatchObject({ event: 'reminder', reason: 'reminder interval elapsed', next: { seq: 2, lastSentAt: NOW } });
  });

  it('recovery resolves and forgets the stream', () => {
    expect(decide(memory(), now('ok'), { policy, now: NOW, quiet: false })).toEqual({ event: 'resolved', reason: 'recovered', next: undefined });
    expect(decide(memory(), now('static'), { policy, now: NOW, quiet: false }).event).toBe('resolved');
  });

  it('a vanished credential resolves; an unknown one does nothing', () => {
    expect(decide(memory(), { gone: true }, { policy, now: NOW, quiet: false })).toEqual({ event: 'resolved', reason: 'no longer reported', next: undefined });
    expect(decide(undefined, { gone: true }, { policy, now: NOW, quiet: false }).event).toBeNull();
  });

  it('a failing source alerts only at the Nth failure in a row', () => {
    expect(decide(undefined, now('error', 2), { policy, now: NOW, quiet: false })).toMatchObject({
      event: null,
      reason: 'source failing, below threshold',
      next: undefined,
    });
    expect(decide(undefined, now('error', 3), { policy, now: NOW, quiet: false })).toMatchObject({ event: 'firing', next: { status: 'error' } });
    // Below the threshold an active stream is left as it is, neither resolved nor reminded.
    const active = memory({ status: 'error', severity: 'error', lastSentAt: 0 });
    expect(decide(active, now('error', 1), { policy, now: NOW, quiet: false })).toEqual({
      event: null,
      reason: 'source failing, below threshold',
      next: active,
    });
  });

  it('quiet hours hold back warn-level firing, reminders and resolutions, and record nothing', () => {
    expect(decide(undefined, now('warn'), { policy, now: NOW, quiet: true })).toEqual({ event: null, reason: 'quiet hours', next: undefined });
    const warn = memory({ lastSentAt: 0 });
    expect(decide(warn, now('warn'), { policy, now: NOW, quiet: true })).toEqual({ event: null, reason: 'quiet hours', next: warn });
    expect(decide(warn, now('ok'), { policy, now: NOW, quiet: true })).toEqual({ event: null, reason: 'quiet hours', next: warn });
  });

  it('quiet hours let critical and worse through, and the end of a critical episode', () => {
    expect(decide(undefined, now('critical'), { policy, now: NOW, quiet: true }).event).toBe('firing');
    expect(decide(memory({ status: 'expired', severity: 'expired' }), now('ok'), { policy, now: NOW, quiet: true }).event).toBe('resolved');
    expect(decide(memory({ status: 'warn', severity: 'critical' }), now('ok'), { policy, now: NOW, quiet: true }).event).toBe('resolved');
  });

  it('event ids are stable per stream, sequence and event', () => {
    // Pinned: receivers deduplicate on this id across runs and versions, so it must never drift.
    expect(eventId('s@1', 2, 'reminder')).toBe(`evt_${createHash('sha256').update('s@1#2#reminder').digest('hex').slice(0, 24)}`);
    expect(eventId('s@1', 2, 'reminder')).not.toBe(eventId('s@1', 3, 'reminder'));
    expect(eventId('s@1', 2, 'reminder')).not.toBe(eventId('s@1', 2, 'firing'));
    expect(eventId('s@1', 2, 'reminder')).toMatch(/^evt_[0-9a-f]{24}$/);
  });
});

describe('inQuietHours', () => {
  const at = (iso: string) => Date.parse(iso);
  const night = { from: '22:00', to: '07:00', timezone: 'UTC' };
  it.each([
    ['2026-11-25T21:59:00Z', false],
    ['2026-11-25T22:00:00Z', true],
    ['2026-11-26T03:00:00Z', true],
    ['2026-11-26T06:59:00Z', true],
    ['2026-11-26T07:00:00Z', false],
    ['2026-11-26T12:00:00Z', false],
  ])('22:00-07:00 UTC at %s → %s', (iso, quiet) => {
    expect(inQuietHours(night, at(iso))).toBe(quiet);
  });

  it('reads the wall clock of its time zone', () => {
    // 21:30 UTC is 22:30 in Berlin (UTC+1 in November).
    expect(inQuietHours({ ...night, timezone: 'Europe/Berlin' }, at('2026-11-25T21:30:00Z'))).toBe(true);
    expect(inQuietHours({ ...night, timezone: 'UTC' }, at('2026-11-25T21:30:00Z'))).toBe(false);
  });

  it('a window within one day, and none at all', () => {
    expect(inQuietHours({ from: '12:00', to: '13:00', timezone: 'UTC' }, at('2026-11-25T12:30:00Z'))).toBe(true);
    expect(inQuietHours({ from: '12:00', to: '13:00', timezone: 'UTC' }, at('2026-11-25T13:30:00Z'))).toBe(false);
    expect(inQuietHours(undefined, at('2026-11-25T23:00:00Z'))).toBe(false);
  });
});

describe('planAlerts', () => {
  const config = defaultConfig();
  const log = createLogger('silent', () => {});
  const plan = (state: State, status: Status, at: number) =>
    planAlerts(
      state,
      { credentials: [credential({ status, remainingMs: status === 'ok' ? null : H })], covered: new Set(['openclaw:main']) },
      { config, now: at, log },
    );

  it('an event that leaves a status names it (lastStatus); the firing set holds open episodes without an event this run', () => {
    let state = emptyState();
    const first = plan(state, 'warn', NOW);
    expect(first.alerts.map((a) => [a.event, a.status, a.lastStatus, a.startedAt])).toEqual([['firing', 'warn', undefined, NOW]]);
    expect(first.firing).toEqual([]);
    state = { ...state, alerts: first.memory };

    const same = plan(state, 'warn', NOW + H);
    expect(same.alerts).toEqual([]);
    expect(same.firing.map((a) => [a.credential.id, a.status, a.startedAt])).toEqual([['openclaw:main:anthropic:manual', 'warn', NOW]]);

    const worse = plan(state, 'critical', NOW + H);
    expect(worse.alerts.map((a) => [a.event, a.status, a.lastStatus])).toEqual([['firing', 'critical', 'warn']]);
    expect(worse.firing).toEqual([]);
    state = { ...state, alerts: worse.memory };

    const resolved = plan(state, 'ok', NOW + 2 * H);
    expect(resolved.alerts.map((a) => [a.event, a.status, a.lastStatus])).toEqual([['resolved', 'ok', 'critical']]);
    expect(resolved.firing).toEqual([]);
  });

  describe('enqueue: a notifier that joined after the firing', () => {
    const hook = (name: string, minStatus: 'warn' | 'critical' | 'expired' = 'warn'): Notifier => ({
      name,
      type: 'webhook',
      timeoutMs: 1000,
      route: { minStatus, events: ['firing', 'reminder', 'resolved'] },
      send: async () => ({ ok: true }),
    });
    const open = (notified: string[] | undefined, extra: Partial<State> = {}) => {
      const state: State = {
        ...emptyState(),
        alerts: { 'openclaw:main:anthropic:manual': memory({ startedAt: NOW - H, ...(notified ? { notified } : {}) }) },
        ...extra,
      };
      return { state, planned: plan(state, 'warn', NOW) };
    };
    const queue = (state: State, planned: ReturnType<typeof plan>, notifiers: Notifier[], at = NOW) =>
      enqueue([], planned, notifiers, { now: at, log, snoozes: state.snoozes, quietHours: config.quietHours });

    it('is told once, as a firing with the start; the rest are not told again', () => {
      const { state, planned } = open(['a']);
      const queued = queue(state, planned, [hook('a'), hook('b'), hook('c', 'critical')]);
      expect(queued.outbox.map((e) => [e.notifier, e.alert.event, e.alert.startedAt])).toEqual([['b', 'firing', NOW - H]]);
      expect(queued.memory['openclaw:main:anthropic:manual']!.notified).toEqual(['a', 'b']);
    });

    it('a stream from before notifiers were recorded counts every channel as told: an upgrade sends nothing', () => {
      const { state, planned } = open(undefined);
      const queued = queue(state, planned, [hook('a'), hook('b')]);
      expect(queued.outbox).toEqual([]);
      expect(queued.memory['openclaw:main:anthropic:manual']!.notified).toEqual(['a', 'b']);
    });

    it('not while snoozed, nor warn-level news in quiet hours; a removed notifier is forgotten', () => {
      const snoozed = open(['gone'], { snoozes: { 'openclaw:*': { until: NOW + H, at: NOW } } });
      const held = queue(snoozed.state, snoozed.planned, [hook('b')]);
      expect(held.outbox).toEqual([]);
      expect(held.memory['openclaw:main:anthropic:manual']!.notified).toEqual([]);
      const night = { ...config, quietHours: { from: '00:00', to: '23:59', timezone: 'UTC' } };
      const { state, planned } = open(['a']);
      expect(inQuietHours(night.quietHours, NOW)).toBe(true);
      expect(enqueue([], planned, [hook('b')], { now: NOW, log, snoozes: state.snoozes, quietHours: night.quietHours }).outbox).toEqual([]);
    });
  });
});
