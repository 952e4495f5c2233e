import type { CheckReport } from './report.js';
import type { State } from './state.js';
import type { Credential, Status } from './types.js';

export const HISTORY_KINDS = [
  'fired',
  'reminded',
  'resolved',
  'renewed',
  'snoozed',
  'unsnoozed',
  'source failing',
  'source recovered',
  'transport switched',
] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** One line of history.jsonl. `id` is a credential id, a snooze's id or glob, or `<source>[@<gateway>]` for a transport. */
export interface HistoryEvent {
  at: number;
  kind: HistoryKind;
  id: string;
  status?: Status;
  /** renewed: the expiry before and after. */
  from?: number;
  to?: number;
  /** transport switched: the transport before and after (`gateway`, `cli`). */
  via?: string;
  was?: string;
  /** snoozed: until when; unsnoozed: why it ended. */
  until?: number;
  reason?: string;
}

/** An alert event as the history names it. */
export const HISTORY_OF_EVENT = { firing: 'fired', reminder: 'reminded', resolved: 'resolved' } as const;

/** A renewal is an expiry that moved later by more than this (clock noise and re-reads move it by nothing). */
const RENEWAL_MIN_MS = 60_000;

/**
 * What one check saw change, for the history (its alert decisions are added where they are made):
 * renewals (an expiry later than the one remembered), sources that started or stopped failing,
 * and transports that switched. Pure.
 */
export function changesOfCheck(
  before: State,
  { credentials, sources, now }: { credentials: readonly Credential[]; sources: CheckReport['sources']; now: number },
): { events: HistoryEvent[]; transports: Record<string, string> } {
  const events: HistoryEvent[] = [];
  for (const c of credentials) {
    const previous = before.credentials[c.id];
    if (!previous) continue;
    if (c.expiresAt !== null && previous.expiresAt !== undefined && c.expiresAt - previous.expiresAt > RENEWAL_MIN_MS && !c.usage) {
      events.push({ at: now, kind: 'renewed', id: c.id, from: previous.expiresAt, to: c.expiresAt });
    }
    if (c.status === 'error' && previous.status !== 'error') events.push({ at: now, kind: 'source failing', id: c.id, status: 'error' });
    if (c.status !== 'error' && previous.status === 'error') events.push({ at: now, kind: 'source recovered', id: c.id, status: c.status });
  }
  const transports = { ...before.transports };
  for (const s of sources) {
    const key = `${s.source}${s.gateway ? `@${s.gateway}` : ''}`;
    const was = transports[key];
    if (was !== undefined && was !== s.via) events.push({ at: now, kind: 'transport switched', id: key, via: s.via, was });
    transports[key] = s.via;
  }
  return { events, transports };
}

/** How often a credential was renewed: `{ renewals: 21, typicalMs: 8h }`, the median gap between renewals. */
export function renewalCadence(events: readonly HistoryEvent[]): Map<string, { renewals: number; typicalMs: number | null }> {
  const byId = new Map<string, number[]>();
  for (const e of events) if (e.kind === 'renewed') byId.set(e.id, [...(byId.get(e.id) ?? []), e.at]);
  const out = new Map<string, { renewals: number; typicalMs: number | null }>();
  for (const [id, times] of byId) {
    const gaps = times
      .slice(1)
      .map((t, i) => t - times[i]!)
      .sort((a, b) => a - b);
    out.set(id, { renewals: times.length, typicalMs: gaps.length ? gaps[Math.floor(gaps.length / 2)]! : null });
  }
  return out;
}
