import type * as z from 'zod/mini';
import type { Logger } from '../../log.js';
import type { Credential, Observation, SourceResult } from '../types.js';
import type { Remedy } from '../remedy-lines.js';
import type { Env } from '../../env.js';

export interface ReadContext {
  env: Env;
  log: Logger;
  /** `--agent` on the command line (only the OpenClaw source has agents). */
  agents?: string[];
  /** `watch` only: what outlives one check. */
  session?: SourceSession;
}

/**
 * What `watch` lends its sources between checks: a place to keep a connection open, and a way to
 * ask for a check when the source hears of a change. A one-shot check has none.
 */
export interface SourceSession {
  /** The resource kept under `key` by an earlier check, if any. */
  get<T extends Closeable>(key: string): T | undefined;
  /** Keeps `value` under `key` until `watch` stops, closing the one it replaces. */
  set(key: string, value: Closeable): void;
  /** Runs a check soon (queued behind a running one). */
  trigger(reason: string): void;
}

export interface Closeable {
  close(): Promise<void>;
}

/**
 * One kind of credential source: everything the rest of authwatch needs to know about it, in one
 * place. Register it once in `registry.ts`; nothing else compares source names.
 */
export interface Source<C> {
  /** Its config under `sources.<key>`, with defaults (an existing config keeps working). */
  readonly schema: z.ZodMiniType<C, unknown>;
  /** Reads it. Failures are `error` records, never exceptions. */
  read(config: C, ctx: ReadContext): Promise<SourceResult>;
  /** Whether a record's `source` field was written by this source. */
  owns(recordSource: string): boolean;
  /**
   * The scope a record belongs to: an alert about a credential that vanished is resolved only
   * when its scope was read in full (`covered` in the read's result).
   */
  scopeOf(record: Pick<Credential, 'source' | 'agent' | 'gateway' | 'usage'>): string;
  /** What to do about a record in trouble (status not ok/static), one step per line. */
  remedy(credential: Omit<Credential, 'remedyText'>, env: Env): Remedy | null;
  /** Directories `watch` watches: a change there means credentials may have changed. */
  watchDirs(config: C, env: Env): string[];
  /** What `config check` lists as enabled (empty when off). */
  describe(config: C): string[];
}

/**
 * The record a source gives when it could not be read (status `error`): no provider, profile,
 * type or expiry, only why, how it failed (to pick the remedy) and, if the source knows, the fix.
 */
export function failedRead(
  fields: Pick<Observation, 'id' | 'source' | 'agent' | 'agentIsDefault' | 'detail'> & {
    failure: NonNullable<Observation['failure']>;
    remedy?: Remedy | undefined;
  },
): Observation {
  const { remedy, ...rest } = fields;
  return {
    ...rest,
    provider: null,
    profileId: null,
    type: null,
    condition: 'error',
    expiresAt: null,
    refreshable: false,
    ...(remedy ? { remedy } : {}),
  };
}
