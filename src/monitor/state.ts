import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomic } from '../fs-atomic.js';
import type { Logger } from '../log.js';
import type { Alert } from '../notifiers/types.js';
import type { AlertMemory } from './alerts.js';
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
});

/** One alert waiting for one notifier. The alert itself is our own JSON; only its shape's core is checked. */
const outboxEntrySchema = z.looseObject({
  notifier: z.string(),
  createdAt: z.number(),
  attempts: z.number(),
  lastError: z.optional(z.string()),
  alert: z.looseObject({ id: z.string(), event: z.enum(['firing', 'reminder', 'resolved']), credential: z.looseObject({ id: z.string() }) }),
});

const stateSchema = z.looseObject({
  version: z.literal(1),
  credentials: z.record(z.string(), memorySchema),
  alerts: z._default(z.record(z.string(), alertMemorySchema), {}),
  /** Consecutive failed checks per source record id. */
  errorStreaks: z._default(z.record(z.string(), z.number()), {}),
  outbox: z._default(z.array(outboxEntrySchema), []),
  /** Cumulative delivery counts per notifier, for authwatch_notifications_total. */
  notificationTotals: z._default(z.record(z.string(), z.looseObject({ delivered: z.number(), failed: z.number() })), {}),
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
}

/** Entries not seen for this long are dropped, so removed profiles do not pile up. */
const FORGET_AFTER_MS = 30 * 86_400_000;

export function emptyState(): State {
  return { version: 1, credentials: {}, alerts: {}, errorStreaks: {}, outbox: [], notificationTotals: {} };
}

export function statePath(dir: string): string {
  return join(dir, 'state.json');
}

/**
 * Loads the state file. Missing means empty. A corrupt or foreign file is moved aside
 * (`state.json.corrupt-<time>`) with a warning and the run goes on with empty state.
 */
export async function loadState(path: string, log: Logger, now: number): Promise<State> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw error;
  }
  let parsed: State | undefined;
  try {
    const result = stateSchema.safeParse(JSON.parse(text));
    // Outbox alerts are our own JSON, written by this code: their core fields are checked, the rest trusted.
    if (result.success) parsed = result.data as unknown as State;
  } catch {
    // Not JSON: handled below like any other corruption.
  }
  if (parsed) return parsed;
  const aside = `${path}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  await rename(path, aside);
  log.warn({ path, movedTo: aside }, 'state file was corrupt; moved it aside and started with empty state');
  return emptyState();
}

export async function saveState(path: string, state: State): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
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
    const { expiresAt: previousExpiry, ...kept } = next.credentials[c.id] ?? {};
    // Keep a remembered expiry only while the credential stays expired without one of its own.
    const expiresAt = c.expiresAt ?? (c.status === 'expired' ? previousExpiry : undefined);
    next.credentials[c.id] = { ...kept, status: c.status, lastSeenAt: now, ...(expiresAt === undefined ? {} : { expiresAt }) };
  }
  return next;
}
