import type { Remedy, RemedyStep } from './remedy-lines.js';
import type { SnoozeMark } from './snooze.js';

export type CredentialType = 'oauth' | 'token' | 'api_key';

/** Every status a credential can have, as printed and as used in `--json`. */
export const STATUSES = ['ok', 'static', 'warn', 'critical', 'expired', 'missing', 'unusable', 'error'] as const;
export type Status = (typeof STATUSES)[number];

/**
 * What a source knows about one credential, before thresholds are applied.
 * `condition` is what the source asserts outright; a `valid` credential is then judged by its expiry.
 */
export interface Observation {
  /** Stable across runs: alert state and the remembered expiry are keyed on it. */
  id: string;
  source: string;
  agent: string | null;
  /** Whether `agent` is OpenClaw's default agent. */
  agentIsDefault: boolean;
  provider: string | null;
  profileId: string | null;
  type: CredentialType | null;
  condition: 'valid' | 'expired' | 'missing' | 'unusable' | 'error';
  /** Epoch ms, or null when the credential has no expiry or the source does not say. */
  expiresAt: number | null;
  /** Whether the holder renews it by itself (an OAuth access token with a refresh token). */
  refreshable: boolean;
  /** A short reason in words, e.g. "disabled: billing" or "openclaw timed out after 60s". */
  detail: string | null;
  /**
   * OpenClaw: the profile's status as OpenClaw itself reports it (`ok`, `expiring`, `expired`,
   * `missing`, `static`), which its `models status --check` goes by. authwatch's own `status` differs
   * on purpose for OAuth (renewed on use): this keeps OpenClaw's answer in `--json`.
   */
  openclawStatus?: string;
  /** Why unusable, as OpenClaw says it (`cooldown`/`disabled` and a reason), to pick the remedy. */
  unusable?: { kind: string; reason: string | null; until: number | null; hint?: string | null };
  /** For `error`: whether the program was missing, timed out or failed, to pick the remedy. */
  failure?: 'not-found' | 'timeout' | 'failed';
  /** A remedy the source supplies itself (a command source's, a failed read's), used instead of the built-in ones. */
  remedy?: Remedy | null;
  /**
   * false: a credential its holder would not use (an OpenClaw profile of a provider no configured
   * model uses, or left out by the auth order). It keeps its true status, but neither decides the
   * exit code nor alerts beyond one low-priority notice. Absent means in use.
   */
  inUse?: boolean;
  /**
   * OpenClaw through its gateway: a provider's subscription usage window (`5h`, `Week`), judged by
   * `usedPercent` against `usage.warn`/`usage.critical` instead of an expiry; full means `unusable`
   * until `resetAt` (epoch ms).
   */
  usage?: { window: string; usedPercent: number; resetAt: number | null };
  /** A configured model OpenClaw cannot serve (a route record, not a profile), to pick the remedy. */
  route?: ModelRoute;
  /**
   * OpenClaw: the other agents that read this same credential from a store they share with
   * `agent` (the one its remedy writes through). One credential, one record, one alert.
   */
  sharedWith?: string[];
  /**
   * Ids this record stands for since it absorbed them (another agent's record of the same shared
   * credential): their alert streams continue under this id, never resolved and fired again.
   */
  replaces?: string[];
  /**
   * OpenClaw: the gateway it belongs to, when it is not the one unnamed local gateway. `ssh` is
   * where that gateway's CLI runs (`user@host[:port]`), so remedies run there; `command` is the
   * CLI's command on that host.
   */
  gateway?: { name: string | null; ssh: string | null; command?: string };
}

/** Why a configured model cannot be served, as OpenClaw's `models status` reports it. */
export interface ModelRoute {
  /** `incompatible` model, auth readiness `indeterminate`, or its agent `runtime` unavailable. */
  kind: 'incompatible' | 'indeterminate' | 'runtime';
  /** `provider/model`, when OpenClaw names it. */
  model: string | null;
  /** What the model is configured as (the remedy differs): default, fallback, image, image fallback, utility. */
  role: 'default' | 'fallback' | 'image' | 'image-fallback' | 'utility' | null;
  /** For `runtime`: the runtime (e.g. `codex`) and the plugins that could provide it. */
  runtime?: string;
  plugins?: string[];
}

/** An observation after evaluation: what `check --json` prints, one per credential. */
export interface Credential extends Observation {
  status: Status;
  /** expiresAt − now (negative once expired), or null without an expiry. */
  remainingMs: number | null;
  /** What to run to fix it, one step per line; null when nothing needs doing. */
  remedyText: string | null;
  /** The same steps with their commands apart (for channels that set commands on lines of their own). */
  remedySteps?: RemedyStep[];
  /** The index in `thresholds.rules` of the rule that judged it; absent: the top-level thresholds. */
  thresholdRule?: number;
  /** `authwatch snooze`: held back from firing and reminders until then. */
  snoozed?: SnoozeMark;
}

export interface SourceError {
  source: string;
  message: string;
}

/** What a source read: its observations, and the scopes it read in full (see alerts.ts `scopeOf`). */
export interface SourceResult {
  observations: Observation[];
  covered: string[];
  /** How it was read, when there is a choice (OpenClaw: the gateway or the CLI), one per gateway. */
  transports?: Transport[];
}

export interface Transport {
  /** `gateway` or `cli` for OpenClaw; `file` or `command` for the others. */
  via: string;
  /** OpenClaw: the gateway's name, when it has one. */
  gateway?: string;
  /** The gateway's URL, when read through it. */
  url?: string;
  /** Where the CLI ran, when over SSH (`user@host[:port]`). */
  ssh?: string;
  /** How long this part took (OpenClaw: one gateway); else the whole source's read. */
  durationMs?: number;
  /** How many agents were read (OpenClaw). */
  agents?: number;
  /** Why the preferred transport was not used (`auto` fell back to the CLI). */
  fallbackReason?: string | null;
  /** Through the gateway: the age of the route facts from the last CLI pass (0: this check ran it). */
  routesAgeMs?: number | null;
}

/** One line of `sources` in the report: which source was read how, and how long it took. */
export interface SourceReport extends Transport {
  source: string;
  durationMs: number;
}
