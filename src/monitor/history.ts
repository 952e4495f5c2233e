import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomic } from '../fs-atomic.js';
import { readRegularFile } from '../fs-read.js';
import { HISTORY_KINDS, type HistoryEvent } from './history-events.js';
import { STATUSES } from './types.js';

export type { HistoryEvent, HistoryKind } from './history-events.js';

const eventSchema = z.looseObject({
  at: z.number(),
  kind: z.enum(HISTORY_KINDS),
  id: z.string(),
  status: z.optional(z.enum(STATUSES)),
  from: z.optional(z.number()),
  to: z.optional(z.number()),
  via: z.optional(z.string()),
  was: z.optional(z.string()),
  until: z.optional(z.number()),
  reason: z.optional(z.string()),
});

/** Events older than this are dropped when the file is compacted. */
export const HISTORY_KEEP_MS = 90 * 86_400_000;
/**
 * The file never grows much past this: an append that finds it larger first rewrites it with the
 * events of the last 90 days, newest first, up to half of it (so compaction is rare: ~12,000
 * events of room between two). A fleet with more than that in 90 days keeps fewer days.
 */
export const MAX_HISTORY_BYTES = 4 * 1024 * 1024;

export function historyPath(stateDirectory: string): string {
  return join(stateDirectory, 'history.jsonl');
}

/**
 * Appends events, one JSON line each (0600, in the state directory). Errors are returned as a
 * warning, never thrown: history is a record, not part of alerting.
 */
export async function appendHistory(path: string, events: readonly HistoryEvent[], now: number): Promise<string | undefined> {
  if (events.length === 0) return undefined;
  const lines = events.map((e) => `${JSON.stringify(e)}\n`).join('');
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    let warning: string | undefined;
    if (size + lines.length > MAX_HISTORY_BYTES) {
      const kept = await compacted(path, now, MAX_HISTORY_BYTES / 2 - lines.length).catch(async (error: NodeJS.ErrnoException) => {
        // Unreadable (far too large, not a regular file): moved aside, never retried on every check.
        const aside = `${path}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
        await rename(path, aside);
        warning = `history ${path} could not be read (${error.code ?? error.message}); moved it to ${aside} and started a new one`;
        return '';
      });
      await writeFileAtomic(path, kept + lines);
    } else {
      await appendFile(path, lines, { mode: 0o600 });
    }
    return warning;
  } catch (error) {
    return `cannot write the history ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); this check's events are not in it`;
  }
}

/** The newest events of the last 90 days that fit in `budget` bytes, oldest first, as file text. */
async function compacted(path: string, now: number, budget: number): Promise<string> {
  const { events } = await readHistory(path, { since: now - HISTORY_KEEP_MS });
  const lines: string[] = [];
  let bytes = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    const line = `${JSON.stringify(events[i])}\n`;
    if (bytes + line.length > budget) break;
    lines.push(line);
    bytes += line.length;
  }
  return lines.reverse().join('');
}

/** Events from `since` on (and for ids a glob fits, when given), oldest first. Lines that are not events are skipped and counted. */
export async function readHistory(
  path: string,
  { since, match }: { since: number; match?: (id: string) => boolean },
): Promise<{ events: HistoryEvent[]; skipped: number }> {
  let text: string;
  try {
    text = await readRegularFile(path, MAX_HISTORY_BYTES * 4);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], skipped: 0 };
    throw error;
  }
  const events: HistoryEvent[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    let parsed: ReturnType<typeof eventSchema.safeParse>;
    try {
      parsed = eventSchema.safeParse(JSON.parse(line));
    } catch {
      skipped++;
      continue;
    }
    if (!parsed.success) {
      skipped++;
      continue;
    }
    const event = parsed.data as HistoryEvent;
    if (event.at >= since && (!match || match(event.id))) events.push(event);
  }
  return { events, skipped };
}
