import type { Credential, Observation, Status } from './types.js';

export interface Thresholds {
  /** Inside this much time before expiry a credential is `warn` (default 24h, as OpenClaw's window). */
  warn: number;
  /** Inside this much time before expiry it is `critical` (default 2h). */
  critical: number;
}

/**
 * Applies the thresholds to one observation. Pure: `now` is passed in so tests can pin both sides
 * of every boundary. A credential is expired *at* its expiry instant, and `warn`/`critical` include
 * their boundary ("within 24h").
 */
export function evaluate(observation: Observation, thresholds: Thresholds, now: number): Omit<Credential, 'remedyText'> {
  const remainingMs = observation.expiresAt === null ? null : observation.expiresAt - now;
  return { ...observation, remainingMs, status: statusOf(observation, remainingMs, thresholds) };
}

function statusOf(observation: Observation, remainingMs: number | null, thresholds: Thresholds): Status {
  if (observation.condition !== 'valid') return observation.condition;
  if (remainingMs === null) return 'static';
  if (observation.refreshable) {
    // An OAuth access token with a refresh token is renewed by its holder on next use (Claude Code's
    // last ~8h), so nearing expiry is routine. Past expiry nobody has renewed it: worth a look, but
    // not proof of an outage.
    return remainingMs > 0 ? 'ok' : 'warn';
  }
  if (remainingMs <= 0) return 'expired';
  if (remainingMs <= thresholds.critical) return 'critical';
  if (remainingMs <= thresholds.warn) return 'warn';
  return 'ok';
}
