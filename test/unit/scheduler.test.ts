import { describe, expect, it, vi } from 'vitest';
import { renderMetrics } from '../../src/metrics/exposition.js';
import { parseListen } from '../../src/web/listen.js';
import { WallClockTimer } from '../../src/scheduler/timer.js';
import { TriggerQueue } from '../../src/scheduler/trigger-queue.js';
import { nextWakeup } from '../../src/scheduler/wakeups.js';
import { credential } from '../helpers/records.js';

const H = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 12);
const thresholds = { warn: 24 * H, critical: 2 * H, lapsed: 7 * 24 * H };
const base = { thresholdsFor: () => thresholds, alerts: {}, remind: { warn: 12 * H, critical: 2 * H, expired: H } };

describe('nextWakeup', () => {
  it('is the next threshold crossing: warn, then critical, then expiry', () => {
    const c = credential({ expiresAt: NOW + 30 * H });
    expect(nextWakeup({ ...base, credentials: [c] }, NOW)).toBe(NOW + 6 * H);
    expect(nextWakeup({ ...base, credentials: [c] }, NOW + 6 * H)).toBe(NOW + 28 * H);
    expect(nextWakeup({ ...base, credentials: [c] }, NOW + 28 * H)).toBe(NOW + 30 * H);
    expect(nextWakeup({ ...base, credentials: [c] }, NOW + 30 * H)).toBeUndefined();
  });

  it("takes the earliest across credentials and open alerts' reminders", () => {
    const alerts = {
      x: {
        status: 'expired' as const,
        severity: 'expired' as const,
        streamId: 's',
        seq: 1,
        lastSentAt: NOW - 30 * 60_000,
        scope: 'openclaw:main',
        credential: { id: 'x', source: 'openclaw', agent: null, provider: null, profileId: null, type: null },
      },
    };
    const far = credential({ expiresAt: NOW + 100 * H });
    expect(nextWakeup({ ...base, credentials: [far], alerts }, NOW)).toBe(NOW + 30 * 60_000);
  });

  it('ignores credentials without an expiry, or that a source already called bad', () => {
    expect(
      nextWakeup({ ...base, credentials: [credential({ expiresAt: null }), credential({ condition: 'expired', expiresAt: NOW + H })] }, NOW),
    ).toBeUndefined();
  });

  it('a login renewed on use only matters once it has lapsed `lapsed` long', () => {
    expect(nextWakeup({ ...base, credentials: [credential({ refreshable: true, expiresAt: NOW + 3 * H })] }, NOW)).toBe(NOW + 3 * H + 7 * 24 * H);
  });
});

describe('WallClockTimer', () => {
  it('sleeps in slices of at most 30 s and fires once the wall clock has passed the target', () => {
    vi.useFakeTimers();
    try {
      let now = NOW;
      const fired: number[] = [];
      const timer = new WallClockTimer(
        NOW + 40 * 86_400_000,
        () => fired.push(now),
        () => now,
      );
      // A timeout longer than 24.8 days would overflow; the slices never do.
      vi.advanceTimersByTime(30_000);
      expect(fired).toEqual([]);
      // The machine sleeps past the target; the next slice notices.
      now = NOW + 41 * 86_400_000;
      vi.advanceTimersByTime(30_000);
      expect(fired).toEqual([NOW + 41 * 86_400_000]);
      timer.cancel();
    } finally {
      vi.useRealTimers();
    }
  });

  it('fires at once for a time already past, and not after cancel', () => {
    vi.useFakeTimers();
    try {
      const fired: string[] = [];
      new WallClockTimer(
        NOW - 1,
        () => fired.push('past'),
        () => NOW,
      );
      const later = new WallClockTimer(
        NOW + 1000,
        () => fired.push('later'),
        () => NOW,
      );
      later.cancel();
      vi.advanceTimersByTime(60_000);
      expect(fired).toEqual(['past']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('metrics', () => {
  it('escapes label values and reports every status', () => {
    const text = renderMetrics({
      credentials: [credential({ agent: 'a"b\\c\nd', status: 'warn', expiresAt: 1_800_000_000_500 })],
      errors: [],
      durationMs: 1234,
      checkedAt: 1_795_000_000_000,
      notificationTotals: { ops: { delivered: 3, failed: 1 } },
    });
    expect(text).toContain(
      'authwatch_credential_expiry_timestamp_seconds{agent="a\\"b\\\\c\\nd",provider="anthropic",profile="anthropic:manual",type="token",in_use="true"} 1800000000.5\n',
    );
    expect(text.match(/^authwatch_credential_status\{/gm)).toHaveLength(8);
    expect(text).toContain('authwatch_check_duration_seconds 1.234\n');
    expect(text).toContain('authwatch_notifications_total{notifier="ops",result="delivered"} 3\n');
    expect(text).toContain('authwatch_notifications_total{notifier="ops",result="failed"} 1\n');
  });

  it('--metrics-listen accepts HOST:PORT, [IPv6]:PORT and PORT', () => {
    expect(parseListen('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseListen('9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen(':9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(() => parseListen('localhost')).toThrow('--metrics-listen: expected HOST:PORT or PORT, got "localhost"');
    expect(() => parseListen('h:99999')).toThrow();
  });
});

describe('TriggerQueue', () => {
  it('runs one job at a time; triggers during a run coalesce into one more run, with the first reason', async () => {
    const runs: string[] = [];
    let active = 0;
    let most = 0;
    const release: Array<() => void> = [];
    const queue = new TriggerQueue(async (reason) => {
      runs.push(reason);
      most = Math.max(most, ++active);
      await new Promise<void>((r) => release.push(r));
      active--;
    });
    queue.trigger('start');
    queue.trigger('schedule');
    queue.trigger('SIGUSR1');
    expect(runs).toEqual(['start']);
    release.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(runs).toEqual(['start', 'schedule']);
    release.shift()!();
    await queue.running;
    expect(runs).toEqual(['start', 'schedule']);
    expect(most).toBe(1);
  });

  it('after stop, a pending run is dropped and new triggers are ignored', async () => {
    const runs: string[] = [];
    let release!: () => void;
    const queue = new TriggerQueue(async (reason) => {
      runs.push(reason);
      await new Promise<void>((r) => (release = r));
    });
    queue.trigger('start');
    queue.trigger('schedule');
    queue.stop();
    queue.trigger('SIGUSR1');
    release();
    await queue.running;
    await new Promise((r) => setImmediate(r));
    expect(runs).toEqual(['start']);
    expect(queue.running).toBeUndefined();
  });
});
