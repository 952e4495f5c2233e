import { formatDuration, parseDuration } from '../../config/duration.js';
import { stateDir } from '../../config/paths.js';
import { UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { type HistoryEvent, historyPath, readHistory } from '../../monitor/history.js';
import { renewalCadence } from '../../monitor/history-events.js';
import { globMatches } from '../../monitor/match.js';
import { printable } from '../../text.js';
import type { Io } from '../io.js';
import { localTime } from '../../local-time.js';

export interface HistoryOptions {
  since?: string;
  json?: boolean;
}

/** `authwatch history [ID] [--since 7d] [--json]`: what happened, oldest first, and how often each credential was renewed. */
export async function historyCommand(id: string | undefined, options: HistoryOptions, io: Io): Promise<number> {
  const sinceMs = parseDuration(options.since ?? '7d');
  if (sinceMs === undefined || sinceMs <= 0)
    throw new UsageError(`history: --since "${printable(options.since ?? '')}" is not a duration (use e.g. 24h, 7d, 90d)`);
  const now = io.now();
  const path = historyPath(stateDir(io.env));
  const { events, skipped } = await readHistory(path, { since: now - sinceMs, ...(id ? { match: (e: string) => globMatches(id, e) } : {}) }).catch(
    (error: NodeJS.ErrnoException) => {
      // Said, and shown as empty: the next check moves an unreadable history aside.
      io.stderr.write(`authwatch: warning: cannot read the history ${path} (${error.code ?? error.message})\n`);
      return { events: [], skipped: 0 };
    },
  );
  if (skipped) io.stderr.write(`authwatch: warning: skipped ${skipped} unreadable line${skipped === 1 ? '' : 's'} in ${path}\n`);
  const cadence = renewalCadence(events);
  if (options.json) {
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
    const document = {
      version: 1,
      since: new Date(now - sinceMs).toISOString(),
      events: events.map((e) => ({ ...e, at: iso(e.at), from: iso(e.from), to: iso(e.to), until: iso(e.until) })),
      renewals: [...cadence].map(([credential, c]) => ({ id: credential, renewals: c.renewals, typicalMs: c.typicalMs })),
    };
    io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return ExitCode.Ok;
  }
  if (events.length === 0) {
    io.stdout.write(`Nothing happened in the last ${formatDuration(sinceMs)}${id ? ` for ${printable(id)}` : ''}.\n`);
    return ExitCode.Ok;
  }
  for (const e of events) io.stdout.write(`${printable(eventLine(e))}\n`);
  if (cadence.size) {
    io.stdout.write('\nRenewals:\n');
    for (const [credential, c] of cadence) {
      const every = c.typicalMs === null ? '' : `, every ~${formatDuration(c.typicalMs)}`;
      io.stdout.write(`  ${printable(credential)}: renewed ${c.renewals} time${c.renewals === 1 ? '' : 's'} in ${formatDuration(sinceMs)}${every}\n`);
    }
  }
  return ExitCode.Ok;
}

/** `2026-12-06 13:00  renewed  command:lab:claude  expiry 2026-12-06 17:00 → 2026-12-07 01:00`. */
function eventLine(e: HistoryEvent): string {
  const what = (() => {
    switch (e.kind) {
      case 'renewed':
        return `expiry ${e.from === undefined ? '?' : localTime(e.from)} → ${e.to === undefined ? '?' : localTime(e.to)}`;
      case 'snoozed':
        return `until ${e.until === undefined ? '?' : localTime(e.until)}${e.reason ? `: ${e.reason}` : ''}`;
      case 'unsnoozed':
        return e.reason ?? '';
      case 'transport switched':
        return `${e.was ?? '?'} → ${e.via ?? '?'}`;
      default:
        return e.status ?? '';
    }
  })();
  return `${localTime(e.at)}  ${e.kind.padEnd(18)}  ${e.id}${what ? `  ${what}` : ''}`;
}
