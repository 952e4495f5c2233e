import type { Thresholds } from '../monitor/evaluate.js';
import type { AlertMemory } from '../monitor/alerts.js';
import type { Credential } from '../monitor/types.js';

export interface WakeupInputs {
  credentials: readonly Credential[];
  /** The thresholds that apply to each credential (threshold rules: thresholds.ts). */
  thresholdsFor: (c: Credential) => Thresholds;
  /** Open alert streams and the reminder intervals, so reminders go out on time too. */
  alerts: Readonly<Record<string, AlertMemory>>;
  remind: { warn: number; critical: number; expired: number };
}

/**
 * The next moment after `now` at which a check would see something new: a credential crossing
 * its warn or critical threshold or its expiry, or an open alert's reminder falling due. Pure.
 * A token expiring at 14:03 thus gets its critical and expired alerts at 14:03, not at the next
 * quarter hour. Undefined when nothing is ahead.
 */
export function nextWakeup({ credentials, thresholdsFor, alerts, remind }: WakeupInputs, now: number): number | undefined {
  const moments: number[] = [];
  for (const c of credentials) {
    if (c.expiresAt === null || c.condition !== 'valid') continue;
    const thresholds = thresholdsFor(c);
    if (c.refreshable) moments.push(c.expiresAt + thresholds.lapsed);
    else moments.push(c.expiresAt - thresholds.warn, c.expiresAt - thresholds.critical, c.expiresAt);
  }
  for (const memory of Object.values(alerts)) {
    const interval = memory.status === 'warn' ? remind.warn : memory.status === 'critical' ? remind.critical : remind.expired;
    moments.push(memory.lastSentAt + interval);
  }
  // A loop, not Math.min(...moments): one argument per moment overflows the stack at ~100,000.
  let earliest: number | undefined;
  for (const t of moments) if (t > now && (earliest === undefined || t < earliest)) earliest = t;
  return earliest;
}
