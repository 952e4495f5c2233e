import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['2h', 7_200_000],
    ['7d', 7 * 86_400_000],
    ['1h30m', 5_400_000],
    ['30s', 30_000],
    ['250ms', 250],
    ['1w', 604_800_000],
    ['1.5h', 5_400_000],
    [' 2h ', 7_200_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '24', 'h', '2x', '2 h', '-1h', '1h-', 'tomorrow', '1h 30m'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [60_000, '1m'],
    [2 * 3_600_000 + 14 * 60_000 + 5_000, '2h 14m'],
    [2 * 3_600_000, '2h'],
    [3 * 86_400_000 + 4 * 3_600_000, '3d 4h'],
    [86_400_000 + 30_000, '1d'],
    [-(3 * 60_000), '3m'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
