import * as z from 'zod/mini';

/** 9999-12-31T23:59:59.999Z: the last instant an ISO date shows with a four-digit year. */
export const LATEST_MS = 253_402_300_799_999;

/** A time a source may report: epoch milliseconds from 1970 to 9999 (1e300 or NaN is no time at all). */
export function isEpochMs(value: number): boolean {
  return Number.isFinite(value) && value >= 0 && value <= LATEST_MS;
}

export const EPOCH_MS_SHAPE = 'expected a time in epoch milliseconds, from 1970 to 9999';

/** A foreign time field, checked where it enters: out of range, it makes its record an error naming the field. */
export const epochMs = () => z.number().check(z.refine(isEpochMs, EPOCH_MS_SHAPE));
