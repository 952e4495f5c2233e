import { formatDuration } from '../config/duration.js';
import type { Credential, Observation, Status } from './types.js';

export interface Thresholds {
  /** Inside this much time before expiry a credential is `warn` (default 24h, as OpenClaw's window). */
  warn: number;
  /** Inside this much time before expiry it is `critical` (default 2h). */
  critical: number;
  /**
   * A login its holder renews on use (`refreshable`) stays `ok` past its access token's expiry
   * until it has lapsed this long (default 7d): then nothing has used or renewed it for a while,
   * and its refresh token may have aged out too.
   */
  lapsed: number;
  /** Usage windows (`usage`): `warn` and `critical` from this percentage used; 100% is `unusable`. */
  usage?: { warn: number; critical: number };
}

/**
 * Applies the thresholds to one observation. Pure: `now` is passed in so tests can pin both sides
 * of every boundary. A credential is expired *at* its expiry instant, and `warn`/`critical` include
 * their boundary ("within 24h").
 */
export function evaluate(observation: Observation, thresholds: Thresholds, now: number): Omit<Credential, 'remedyText'> {
  const remainingMs = observation.expiresAt === null ? null : observation.expiresAt - now;
  const status = statusOf(observation, remainingMs, thresholds);
  if (status === 'warn' && observation.refreshable && remainingMs !== null && !observation.detail) {
    const detail = `its access token lapsed ${formatDuration(-remainingMs)} ago and nothing has renewed it since; its refresh token may have aged out too`;
    return { ...observation, remainingMs, status, detail };
  }
  return { ...observation, remainingMs, status };
}

function statusOf(observation: Observation, remainingMs: number | null, thresholds: Thresholds): Status {
  if (observation.condition !== 'valid') return observation.condition;
  if (observation.usage) {
    const { usedPercent } = observation.usage;
    if (usedPercent >= 100) return 'unusable';
    if (usedPercent >= (thresholds.usage?.critical ?? 95)) return 'critical';
    if (usedPercent >= (thresholds.usage?.warn ?? 80)) return 'warn';
    return 'ok';
  }
  if (remainingMs === null) return 'static';
  if (observation.refreshable) {
    // An OAuth access token with a refresh token is renewed by its holder on next use (OpenClaw's
    // gateway 5 minutes before expiry; Claude Code's last ~8h), so nearing or passing expiry on an
    // idle host is routine. A failed refresh is a different record (OpenClaw's fence: `expired`).
    // Lapsed for long, nothing has used it: worth a look, not proof of an outage.
    return remainingMs > -thresholds.lapsed ? 'ok' : 'warn';
  }
  if (remainingMs <= 0) return 'expired';
  if (remainingMs <= thresholds.critical) return 'critical';
  if (remainingMs <= thresholds.warn) return 'warn';
  return 'ok';
}
