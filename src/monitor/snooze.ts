import { globMatches } from './match.js';
import type { Credential } from './types.js';

/** One snooze (state.json `snoozes`, keyed by the id or glob it was given). */
export interface Snooze {
  until: number;
  reason?: string;
  /** When it was set (epoch ms). */
  at: number;
}

/** A credential's snooze as shown in status, --json and metrics. */
export interface SnoozeMark {
  pattern: string;
  until: number;
  reason: string | null;
}

/**
 * Whether a snooze button can name this credential alone: a snooze's id is read as a glob, so an
 * id holding `*` or `?` would snooze others too. Such a credential gets no button.
 */
export function snoozableAlone(id: string): boolean {
  return !/[*?]/.test(id);
}

/** The snooze that holds `id` at `now` (the one that lasts longest when several do), if any. */
export function snoozeOf(snoozes: Readonly<Record<string, Snooze>>, id: string, now: number): SnoozeMark | undefined {
  let best: SnoozeMark | undefined;
  for (const [pattern, snooze] of Object.entries(snoozes)) {
    if (snooze.until <= now || !globMatches(pattern, id)) continue;
    if (!best || snooze.until > best.until) best = { pattern, until: snooze.until, reason: snooze.reason ?? null };
  }
  return best;
}

export type SnoozeEnd = { pattern: string; why: 'time is up' | 'recovered' };

/**
 * The snoozes to keep after a check: one whose time is up goes, and so does one whose credentials
 * recovered this check (a resolution was decided for one) with none of them still bad. A snooze
 * set ahead of trouble, on credentials that are fine, stays until its time is up.
 */
export function settleSnoozes(
  snoozes: Readonly<Record<string, Snooze>>,
  { credentials, resolved, now }: { credentials: readonly Credential[]; resolved: ReadonlySet<string>; now: number },
): { snoozes: Record<string, Snooze>; ended: SnoozeEnd[] } {
  const kept: Record<string, Snooze> = {};
  const ended: SnoozeEnd[] = [];
  for (const [pattern, snooze] of Object.entries(snoozes)) {
    if (snooze.until <= now) {
      ended.push({ pattern, why: 'time is up' });
      continue;
    }
    const recovered = [...resolved].some((id) => globMatches(pattern, id));
    const stillBad = credentials.some((c) => globMatches(pattern, c.id) && c.status !== 'ok' && c.status !== 'static');
    if (recovered && !stillBad) ended.push({ pattern, why: 'recovered' });
    else kept[pattern] = snooze;
  }
  return { snoozes: kept, ended };
}
