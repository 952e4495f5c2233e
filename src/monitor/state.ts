import { chmod, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomic } from '../fs-atomic.js';
import { readFailure, readRegularFile } from '../fs-read.js';
import type { Alert } from '../notifiers/types.js';
import type { AlertMemory } from './alerts.js';
import type { Snooze } from './snooze.js';
import { STATUSES, type Credential, type Observation, type Status } from './types.js';

const memorySchema = z.looseObject({
  status: z.enum(STATUSES),
  lastSeenAt: z.number(),
  expiresAt: z.optional(z.number()),
});

const alertMemorySchema = z.looseObject({
  status: z.enum(STATUSES),
  severity: z.enum(STATUSES),
  streamId: z.string(),
  seq: z.number(),
  lastSentAt: z.number(),
  scope: z.string(),
  credential: z.looseObject({ id: z.string(), source: z.string() }),
  startedAt: z.optional(z.number()),
  notified: z.optional(z.array(z.string())),
});

const nullableString = () => z.nullable(z.string());
const nullableNumber = () => z.nullable(z.number());

/**
 * One alert waiting for one notifier. Every field a channel reads is checked: an entry that lacks
 * one would make its channel throw on every run until it aged out, so it is dropped instead.
 */
const outboxEntrySchema = z.looseObject({
  notifier: z.string(),
  createdAt: z.number(),
  attempts: z.number(),
  lastError: z.optional(z.string()),
  alert: z.looseObject({
    id: z.string(),
    streamId: z.string(),
    event: z.enum(['firing', 'reminder', 'resolved']),
    status: z.enum(STATUSES),
    severity: z.enum(STATUSES),
    credential: z.looseObject({
      id: z.string(),
      source: z.string(),
      agent: nullableString(),
      provider: nullableString(),
      profileId: nullableString(),
      type: z.nullable(z.enum(['oauth', 'token', 'api_key'])),
    }),
    expiresAt: nullableNumber(),
    remainingMs: nullableNumber(),
    detail: nullableString(),
    remedy: nullableString(),
    host: z.string(),
    checkedAt: z.number(),
    test: z.optional(z.boolean()),
    lastStatus: z.optional(z.enum(STATUSES)),
    startedAt: z.optional(z.number()),
  }),
});

const stateSchema = z.looseObject({
  version: z.literal(1),
  credentials: z.record(z.string(), memorySchema),
  alerts: z._default(z.record(z.string(), alertMemorySchema), {}),
  /** Consecutive failed checks per source record id. */
  errorStreaks: z._default(z.record(z.string(), z.number()), {}),
  /** Checked entry by entry below, so that one bad entry does not cost the whole state. */
  outbox: z._default(z.array(z.unknown()), []),
  /** Cumulative delivery counts per notifier, for authwatch_notifications_total. */
  notificationTotals: z._default(z.record(z.string(), z.looseObject({ delivered: z.number(), failed: z.number() })), {}),
  /** `authwatch snooze`: per id or glob, until when no firing or reminder goes out. */
  snoozes: z._default(z.record(z.string(), z.looseObject({ until: z.number(), reason: z.optional(z.string()), at: z.number() })), {}),
  /** How each source (per gateway) was last read, so a switch is one history event. */
  transports: z._default(z.record(z.string(), z.string()), {}),
});

export interface CredentialMemory {
  status: Status;
  lastSeenAt: number;
  expiresAt?: number;
}

/** One alert waiting for one notifier. */
export interface OutboxEntry {
  notifier: string;
  createdAt: number;
  attempts: number;
  lastError?: string;
  alert: Alert;
}

export interface State {
  version: 1;
  credentials: Record<string, CredentialMemory>;
  alerts: Record<string, AlertMemory>;
  errorStreaks: Record<string, number>;
  outbox: OutboxEntry[];
  notificationTotals: Record<string, { delivered: number; failed: number }>;
  snoozes: Record<string, Snooze>;
  transports: Record<string, string>;
}

/**
 * A state file larger than this is not read (it is moved aside like a corrupt one). 100,000
 * credentials with open alerts take about 60 MiB; V8 cannot hold a string much over 512 MiB.
 */
export const MAX_STATE_BYTES = 256 * 1024 * 1024;

/** Entries not seen for this long are dropped, so removed profiles do not pile up. */
const FORGET_AFTER_MS = 30 * 86_400_000;
/**
 * `lastSeenAt` only serves FORGET_AFTER_MS, so it moves in steps of a day: a check that sees
 * what the last one saw then leaves the state as it was, and `runCheck` skips the write (and its
 * two fsyncs) — most timer runs on a phone.
 */
const SEEN_STEP_MS = 86_400_000;

export function emptyState(): State {
  return { version: 1, credentials: {}, alerts: {}, errorStreaks: {}, outbox: [], notificationTotals: {}, snoozes: {}, transports: {} };
}

export function statePath(dir: string): string {
  return join(dir, 'state.json');
}

export interface LoadedState {
  state: State;
  /** True when `state` is what the file holds (not empty state for a missing or moved-aside file). */
  fromDisk: boolean;
  /** What went wrong with the file, each a sentence for people; the run goes on regardless. */
  warnings: string[];
}

/**
 * Loads the state file. Missing means empty. A file that cannot be used (corrupt, foreign, not a
 * regular file, unreadable, over MAX_STATE_BYTES) is moved aside (`state.json.corrupt-<time>`)
 * and the run goes on with empty state; when it cannot even be moved, that is reported too.
 * Never throws: losing the alert memory means repeated alerts, never silence.
 */
export async function loadState(path: string, now: number): Promise<LoadedState> {
  let text: string;
  try {
    text = await readRegularFile(path, MAX_STATE_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState(), warnings: [], fromDisk: false };
    return moveAside(path, now, `cannot be read (${readFailure(error)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return moveAside(path, now, 'is corrupt (not JSON)');
  }
  const result = stateSchema.safeParse(raw);
  if (!result.success) return moveAside(path, now, 'is corrupt (not the expected shape)');
  const warnings: string[] = [];
  const outbox: OutboxEntry[] = [];
  let dropped = 0;
  for (const entry of result.data.outbox) {
    const parsed = outboxEntrySchema.safeParse(entry);
    // Outbox alerts are our own JSON, written by this code; the shape is checked, values trusted.
    if (parsed.success) outbox.push(parsed.data as unknown as OutboxEntry);
    else dropped++;
  }
  if (dropped) warnings.push(`dropped ${dropped} malformed outbox entr${dropped === 1 ? 'y' : 'ies'} from ${path}`);
  return { state: { ...(result.data as unknown as State), outbox }, warnings, fromDisk: true };
}

async function moveAside(path: string, now: number, why: string): Promise<LoadedState> {
  const aside = `${path}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(path, aside);
    return { state: emptyState(), warnings: [`state file ${path} ${why}; moved it to ${aside} and started with empty state`], fromDisk: false };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { state: emptyState(), warnings: [`state file ${path} ${why}, and could not be moved aside (${code}); running with empty state`], fromDisk: false };
  }
}

/**
 * Saves the state atomically (0600, in a 0700 directory). Returns a warning instead of throwing
 * (read-only or full disk): the run still prints and delivers; the next one may repeat alerts.
 */
export async function saveState(path: string, state: State): Promise<string | undefined> {
  const dir = dirname(path);
  try {
    await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof RangeError ? 'too large' : 'error');
    return `cannot save state to ${path} (${code}); alerts may repeat until it can be saved`;
  }
  // A directory made by hand, or by an older version, may let others read what we remember.
  const mode = await stat(dir).then(
    (s) => s.mode & 0o777,
    () => undefined,
  );
  if (mode !== undefined && (mode & 0o077) !== 0) {
    try {
      await chmod(dir, 0o700);
    } catch (error) {
      return `state directory ${dir} is readable by others (mode ${mode.toString(8)}) and could not be tightened (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    }
  }
  return undefined;
}

/**
 * OpenClaw drops `expiresAt` once a profile has expired. Fill it in from the last run that saw it,
 * so people are told *when* it expired. A remembered expiry still in the future belongs to a token
 * that has been replaced since (by one that expired before any run saw it): not used.
 */
export function recallExpiry(observations: Observation[], state: State, now: number): Observation[] {
  return observations.map((o) => {
    if (o.expiresAt !== null || o.condition !== 'expired') return o;
    const remembered = state.credentials[o.id]?.expiresAt;
    return remembered === undefined || remembered > now ? o : { ...o, expiresAt: remembered };
  });
}

/** The next state: what this run saw, merged over what earlier runs saw. Pure. */
export function remember(state: State, credentials: readonly Credential[], now: number): State {
  const next: State = { ...state, credentials: {} };
  for (const [id, memory] of Object.entries(state.credentials)) {
    if (now - memory.lastSeenAt < FORGET_AFTER_MS) next.credentials[id] = memory;
  }
  for (const c of credentials) {
    const previous: Partial<CredentialMemory> = next.credentials[c.id] ?? {};
    const { expiresAt: previousExpiry, ...kept } = previous;
    // Keep a remembered expiry only while the credential stays expired without one of its own.
    const expiresAt = c.expiresAt ?? (c.status === 'expired' ? previousExpiry : undefined);
    const seen = kept.lastSeenAt;
    const lastSeenAt = seen !== undefined && now >= seen && now - seen < SEEN_STEP_MS ? seen : now;
    next.credentials[c.id] = { ...kept, status: c.status, lastSeenAt, ...(expiresAt === undefined ? {} : { expiresAt }) };
  }
  return next;
}
