import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/monitor/evaluate.js';
import { observation } from '../helpers/records.js';

const H = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const D = 24 * H;
const thresholds = { warn: 24 * H, critical: 2 * H, lapsed: 7 * D };

describe('evaluate', () => {
  it.each([
    ['more than warn left', 24 * H + 1, 'ok'],
    ['exactly the warn threshold left', 24 * H, 'warn'],
    ['1 ms inside warn', 24 * H - 1, 'warn'],
    ['1 ms more than critical', 2 * H + 1, 'warn'],
    ['exactly the critical threshold left', 2 * H, 'critical'],
    ['1 ms left', 1, 'critical'],
    ['expiring right now', 0, 'expired'],
    ['expired by 1 ms', -1, 'expired'],
    ['expired a day ago', -24 * H, 'expired'],
  ])('%s → %s', (_name, remaining, status) => {
    const result = evaluate(observation({ expiresAt: NOW + remaining }), thresholds, NOW);
    expect(result.status).toBe(status);
    expect(result.remainingMs).toBe(remaining);
  });

  it('a credential with no expiry is static', () => {
    const result = evaluate(observation({ type: 'api_key', expiresAt: null }), thresholds, NOW);
    expect(result).toMatchObject({ status: 'static', remainingMs: null });
  });

  it.each(['expired', 'missing', 'unusable', 'error'] as const)('a source that says %s is believed, whatever the expiry', (condition) => {
    expect(evaluate(observation({ condition, expiresAt: NOW + 48 * H }), thresholds, NOW).status).toBe(condition);
  });

  it('an expired credential without a known expiry has no time left', () => {
    expect(evaluate(observation({ condition: 'expired' }), thresholds, NOW)).toMatchObject({ status: 'expired', remainingMs: null });
  });

  it('a login renewed on use is ok near and past its expiry, warn once it has lapsed `lapsed` long, never critical or expired', () => {
    const refreshable = (remaining: number) => evaluate(observation({ refreshable: true, expiresAt: NOW + remaining }), thresholds, NOW);
    expect(refreshable(H).status).toBe('ok');
    expect(refreshable(1).status).toBe('ok');
    expect(refreshable(0).status).toBe('ok');
    expect(refreshable(-48 * H).status).toBe('ok');
    expect(refreshable(-7 * D + 1).status).toBe('ok');
    expect(refreshable(-7 * D)).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/^its access token lapsed 7d ago and nothing has renewed it since/),
    });
    expect(refreshable(-30 * D).status).toBe('warn');
    // A source's own words win.
    expect(evaluate(observation({ refreshable: true, expiresAt: NOW - 8 * D, detail: 'said so' }), thresholds, NOW).detail).toBe('said so');
  });

  it('uses the configured thresholds', () => {
    const tight = { warn: 6 * H, critical: 30 * 60_000, lapsed: D };
    expect(evaluate(observation({ expiresAt: NOW + 10 * H }), tight, NOW).status).toBe('ok');
    expect(evaluate(observation({ expiresAt: NOW + 5 * H }), tight, NOW).status).toBe('warn');
    expect(evaluate(observation({ expiresAt: NOW + 29 * 60_000 }), tight, NOW).status).toBe('critical');
  });
});
