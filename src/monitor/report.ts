import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { AlertMemory } from './alerts.js';
import type { DeliveryReport } from './notify.js';
import type { Credential, SourceError, SourceReport, Status } from './types.js';

export interface CheckReport {
  checkedAt: number;
  credentials: Credential[];
  errors: SourceError[];
  /** Deliveries attempted in this run (new alerts and the outbox's). */
  notifications: DeliveryReport[];
  /** Cumulative delivery counts per notifier, across runs (for metrics). */
  notificationTotals: Record<string, { delivered: number; failed: number }>;
  /** How long the check took, sources included. */
  durationMs: number;
  /** Open alert streams after this run (for `watch` to schedule reminders). */
  alerts: Record<string, AlertMemory>;
  /** What went wrong around the check itself (state not saved, lock not taken); the result stands. */
  warnings: string[];
  /** Each enabled source: how it was read (OpenClaw: gateway or CLI) and how long that took. */
  sources: SourceReport[];
}

/** Worst first is the order people read a status list in; `error` sits below the known failures. */
const SEVERITY: Record<Status, number> = {
  ok: 0,
  static: 0,
  warn: 1,
  critical: 2,
  error: 3,
  unusable: 4,
  missing: 5,
  expired: 6,
};

/** The worst status among the credentials in use; `ok` when there is nothing to watch. */
export function worstStatus(credentials: readonly Credential[]): Status {
  let worst: Status = 'ok';
  for (const c of credentials) if (c.inUse !== false && SEVERITY[c.status] > SEVERITY[worst]) worst = c.status;
  return worst;
}

/**
 * 1 when something is known to be broken, else 3 when a source could not be read (what it would
 * have said may be worse than a warning), else 2 for warn/critical, else 0. Credentials not in
 * use do not count, as in `openclaw models status --check`.
 */
export function exitCodeFor(credentials: readonly Credential[]): ExitCodeValue {
  const has = (...statuses: Status[]) => credentials.some((c) => c.inUse !== false && statuses.includes(c.status));
  if (has('expired', 'missing', 'unusable')) return ExitCode.Problem;
  if (has('error')) return ExitCode.Unknown;
  if (has('warn', 'critical')) return ExitCode.Expiring;
  return ExitCode.Ok;
}

/** Sorts credentials in use first, worst first, then by agent, provider and profile, so output is stable. */
export function sortCredentials(credentials: Credential[]): Credential[] {
  // Keys built once and compared by code unit: localeCompare per comparison took seconds at
  // 100,000 records, and an Intl.Collator costs ~4 MB of ICU data on every run.
  const keyed = credentials.map((c) => ({ c, key: `${c.agent ?? ''}\u0000${c.provider ?? ''}\u0000${c.profileId ?? ''}\u0000${c.id}` }));
  // Unused credentials last: they cannot break anything.
  const unused = (c: Credential) => (c.inUse === false ? 1 : 0);
  keyed.sort((a, b) => unused(a.c) - unused(b.c) || SEVERITY[b.c.status] - SEVERITY[a.c.status] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.c);
}

/** The `check --json` document (version 1). Fields are a contract: add, never rename. */
export function toJson(report: CheckReport) {
  return {
    version: 1,
    checkedAt: new Date(report.checkedAt).toISOString(),
    status: worstStatus(report.credentials),
    exitCode: exitCodeFor(report.credentials),
    credentials: report.credentials.map((c) => ({
      id: c.id,
      source: c.source,
      agent: c.agent,
      provider: c.provider,
      profileId: c.profileId,
      type: c.type,
      // Not the remote command: it is the user's shell text and may carry an environment.
      ...(c.gateway ? { gateway: { name: c.gateway.name, ssh: c.gateway.ssh } } : {}),
      status: c.status,
      ...(c.openclawStatus === undefined ? {} : { openclawStatus: c.openclawStatus }),
      ...(c.refreshable ? { renewsOnUse: true } : {}),
      ...(c.thresholdRule === undefined ? {} : { thresholdRule: c.thresholdRule }),
      ...(c.snoozed ? { snoozed: { until: new Date(c.snoozed.until).toISOString(), reason: c.snoozed.reason, by: c.snoozed.pattern } } : {}),
      inUse: c.inUse !== false,
      ...(c.sharedWith ? { sharedWith: c.sharedWith } : {}),
      ...(c.usage
        ? {
            usage: {
              window: c.usage.window,
              usedPercent: c.usage.usedPercent,
              resetAt: c.usage.resetAt === null ? null : new Date(c.usage.resetAt).toISOString(),
            },
          }
        : {}),
      expiresAt: c.expiresAt === null ? null : new Date(c.expiresAt).toISOString(),
      remainingMs: c.remainingMs,
      detail: c.detail,
      remedy: c.remedyText,
    })),
    errors: report.errors,
    notifications: report.notifications,
    warnings: report.warnings,
    sources: report.sources.map((s) => ({
      source: s.source,
      ...(s.gateway === undefined ? {} : { gateway: s.gateway }),
      via: s.via,
      ...(s.url === undefined ? {} : { url: s.url }),
      ...(s.ssh === undefined ? {} : { ssh: s.ssh }),
      agents: s.agents ?? null,
      durationMs: Math.round(s.durationMs),
      fallbackReason: s.fallbackReason ?? null,
      ...(s.routesAgeMs === undefined ? {} : { routesAgeMs: s.routesAgeMs === null ? null : Math.round(s.routesAgeMs) }),
    })),
  };
}
