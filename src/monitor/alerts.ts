import { crypto } from '../lazy-crypto.js';
import type { Alert, AlertEvent } from '../notifiers/types.js';
import { sourceFor } from './sources/registry.js';
import type { Credential, Status } from './types.js';

/** What one credential's alert stream remembers between runs (state.json `alerts`). */
export interface AlertMemory {
  /** The status last notified. */
  status: Status;
  /** The worst status of this episode. */
  severity: Status;
  streamId: string;
  /** Events sent in this episode; part of each event's id. */
  seq: number;
  lastSentAt: number;
  /** The source (and agent) the credential comes from: it resolves only when that scope was read. */
  scope: string;
  /** Who the stream is about, kept so that a vanished credential's `resolved` can still name it. */
  credential: Alert['credential'];
  /** When the episode began (absent in states written before it was kept: see the stream id). */
  startedAt?: number;
  /**
   * The notifiers (by name) this episode was queued for. A configured one not among them, whose
   * route takes it, gets the open alert once (a channel added after it fired). Absent in states
   * from before it was kept: every channel configured then counts as told.
   */
  notified?: string[];
}

export interface LifecyclePolicy {
  remind: { warn: number; critical: number; expired: number };
  sourceErrorsAfter: number;
  /** Alert on credentials not in use as on the rest; otherwise one low-priority notice each. */
  alertOnUnused: boolean;
}

/** How bad a status is for alerting: ok/static < warn < critical (and failing sources) < the rest. */
export const ALERT_LEVEL: Record<Status, number> = { ok: 0, static: 0, warn: 1, critical: 2, error: 2, expired: 3, missing: 3, unusable: 3 };

export type Reason =
  | 'first notification'
  | 'got worse'
  | 'status changed'
  | 'reminder interval elapsed'
  | 'recovered'
  | 'no longer reported'
  | 'unchanged'
  | 'healthy'
  | 'source failing, below threshold'
  | 'unused, notice sent'
  | 'quiet hours'
  | 'snoozed';

export interface Decision {
  event: AlertEvent | null;
  reason: Reason;
  /** The memory to keep; undefined once resolved. */
  next: AlertMemory | undefined;
}

/** The scope a record belongs to, as its source defines it (for resolving vanished credentials). */
export function scopeOf(c: Pick<Credential, 'source' | 'agent' | 'gateway' | 'usage'>): string {
  return sourceFor(c.source)?.scopeOf(c) ?? c.source;
}

function remindAfter(status: Status, policy: LifecyclePolicy): number {
  if (status === 'warn') return policy.remind.warn;
  if (status === 'critical') return policy.remind.critical;
  return policy.remind.expired;
}

/**
 * Decides what one credential's alert stream does now. Pure: the previous memory, the current
 * credential (or undefined when its source no longer reports it), and the moment. Every outcome
 * carries a named reason, which is logged.
 */
export function decide(
  previous: AlertMemory | undefined,
  current: { credential: Credential; errorStreak: number } | { gone: true },
  { policy, now, quiet }: { policy: LifecyclePolicy; now: number; quiet: boolean },
): Decision {
  // A notice about a credential nobody uses is never more urgent than a warning (quiet hours hold it).
  const notice = !('gone' in current) && current.credential.inUse === false && !policy.alertOnUnused;
  const result = (event: AlertEvent | null, reason: Reason, next: AlertMemory | undefined): Decision => {
    // Quiet hours hold back warn-level news (including the end of a warn-level episode) until the
    // window ends; nothing is recorded, so the next run outside the window decides again.
    const level = notice ? ALERT_LEVEL.warn : event === 'resolved' ? ALERT_LEVEL[previous!.severity] : next ? ALERT_LEVEL[next.status] : 0;
    if (event && quiet && level <= ALERT_LEVEL.warn) return { event: null, reason: 'quiet hours', next: previous };
    return { event, reason, next };
  };

  if ('gone' in current) {
    return previous ? result('resolved', 'no longer reported', undefined) : { event: null, reason: 'healthy', next: undefined };
  }
  const { credential, errorStreak } = current;
  const status = credential.status;
  if (status === 'error' && errorStreak < policy.sourceErrorsAfter) {
    return { event: null, reason: 'source failing, below threshold', next: previous };
  }
  const level = ALERT_LEVEL[status];
  if (level === 0) {
    return previous ? result('resolved', 'recovered', undefined) : { event: null, reason: 'healthy', next: undefined };
  }
  const scope = scopeOf(credential);
  const who = describeCredential(credential);
  // Not in use: it cannot break anything. One notice (with how to remove it), then quiet until it
  // recovers, vanishes or is used again.
  if (credential.inUse === false && !policy.alertOnUnused && previous) return { event: null, reason: 'unused, notice sent', next: previous };
  if (!previous) {
    const streamId = `${credential.id}@${now}`;
    return result('firing', 'first notification', { status, severity: status, streamId, seq: 1, lastSentAt: now, scope, credential: who, startedAt: now });
  }
  const severity = level > ALERT_LEVEL[previous.severity] ? status : previous.severity;
  const fire = (event: AlertEvent, reason: Reason) =>
    result(event, reason, { ...previous, status, severity, seq: previous.seq + 1, lastSentAt: now, scope, credential: who });
  if (level > ALERT_LEVEL[previous.status]) return fire('firing', 'got worse');
  if (status !== previous.status) return fire('firing', 'status changed');
  if (now - previous.lastSentAt >= remindAfter(status, policy)) return fire('reminder', 'reminder interval elapsed');
  return { event: null, reason: 'unchanged', next: previous };
}

/** The credential fields every alert carries. */
export function describeCredential(c: Credential): Alert['credential'] {
  return {
    id: c.id,
    source: c.source,
    agent: c.agent,
    provider: c.provider,
    profileId: c.profileId,
    type: c.type,
    ...(c.gateway?.name ? { gateway: c.gateway.name } : {}),
    ...(c.usage ? { window: c.usage.window } : {}),
    ...(c.sharedWith?.length ? { sharedWith: c.sharedWith } : {}),
  };
}

/** An event's id: stable for (stream, sequence), so retries and the outbox reuse it. */
export function eventId(streamId: string, seq: number, event: AlertEvent): string {
  return `evt_${crypto().createHash('sha256').update(`${streamId}#${seq}#${event}`).digest('hex').slice(0, 24)}`;
}
