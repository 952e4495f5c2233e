import { sleep } from '../abort.js';
import { stateDir } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Notifier } from '../notifiers/types.js';
import { evaluate } from './evaluate.js';
import { changesOfCheck, HISTORY_OF_EVENT, type HistoryEvent } from './history-events.js';
import { type SnoozeEnd, settleSnoozes, snoozeOf } from './snooze.js';
import { thresholdsResolver } from './thresholds.js';
import { withStateLock } from './lock.js';
import type { DeliveryReport } from './notify.js';
import { remedyFor, remedyStepsFor } from './remedy.js';
import { sortCredentials, worstStatus, type CheckReport } from './report.js';
import { collectObservations } from './sources/collect.js';
import type { SourceSession } from './sources/source.js';
import type { Credential, Observation } from './types.js';
import type { Alert } from '../notifiers/types.js';
import { loadState, recallExpiry, remember, saveState, statePath, type State } from './state.js';

function countDeliveries(totals: State['notificationTotals'], reports: readonly DeliveryReport[]): State['notificationTotals'] {
  const next = { ...totals };
  for (const r of reports) {
    const counts = { ...(next[r.notifier] ?? { delivered: 0, failed: 0 }) };
    if (r.ok) counts.delivered++;
    else counts.failed++;
    next[r.notifier] = counts;
  }
  return next;
}

export interface CheckDeps {
  env: Record<string, string | undefined>;
  log: Logger;
  now: () => number;
}

export interface CheckOptions {
  config: Config;
  agents?: string[];
  /** Channels to alert through; none (or `--no-notify`) leaves the alert state untouched. */
  notifiers?: readonly Notifier[];
  /** Why this check runs (`watch`: schedule, threshold, …), for the log line. */
  trigger?: string;
  /**
   * Aborted (watch's shutdown): a check still reading its sources stops there, deciding, sending
   * and saving nothing; deliveries in flight are cut short and stay in the outbox.
   */
  signal?: AbortSignal;
  /** Ping the heartbeat: only runs that do the job (check and watch, notifying) keep the switch happy. */
  heartbeat?: boolean;
  /** `watch`: what sources keep between checks (the gateway connection). */
  session?: SourceSession;
  /**
   * `watch`, reading ahead of a threshold crossing: once the sources are read, wait until `at`
   * (at most `maxMs`) before judging, so that the alert goes out at the crossing from a read made
   * just before it.
   */
  holdUntil?: { at: number; maxMs: number };
}

/**
 * One check: read every source, judge each credential against the thresholds, attach remedies,
 * turn changes into alerts and deliver them, and remember what was seen for the next run.
 * Sources are read before taking the state lock (OpenClaw is slow); deciding, sending and
 * saving happen under it, so two concurrent runs never send the same alert twice.
 */
export async function runCheck(
  { config, agents, notifiers = [], trigger, signal, heartbeat, session, holdUntil }: CheckOptions,
  { env, log, now }: CheckDeps,
): Promise<CheckReport> {
  const path = statePath(stateDir(env));
  // hrtime, not performance.now(): the `performance` global loads perf_hooks (~3 ms) on first use.
  const started = process.hrtime.bigint();
  const readFrom = now();
  const collected = await collectObservations({ config, env, log, agents, ...(session ? { session } : {}) });
  const { observations, covered } = withUsage(collected, config.usage.enabled);
  const { sources } = collected;
  signal?.throwIfAborted();
  const held = holdUntil ? Math.max(0, Math.min(holdUntil.at - now(), holdUntil.maxMs)) : 0;
  if (held > 0) await sleep(held, signal);
  signal?.throwIfAborted();
  const warnings: string[] = [];
  // What the file holds now, as JSON: a state that would not change it is not written.
  let onDisk: string | undefined;
  const save = async (state: State) => {
    const text = JSON.stringify(state);
    if (text === onDisk) return;
    const warning = await saveState(path, state);
    if (warning && !warnings.includes(warning)) warnings.push(warning);
    else if (!warning) onDisk = text;
  };

  const work = async (): Promise<CheckReport> => {
    const checkedAt = now();
    const loaded = await loadState(path, checkedAt);
    const state = loaded.state;
    warnings.push(...loaded.warnings);
    // Only a state read back whole counts as on disk (a moved-aside or missing file must be written).
    if (loaded.warnings.length === 0 && loaded.fromDisk) onDisk = JSON.stringify(state);
    const credentials = judge(observations, { config, state, env, now: checkedAt });
    let next = remember(state, credentials, checkedAt);
    let notifications: CheckReport['notifications'] = [];
    const history: HistoryEvent[] = [];
    if (notifiers.length > 0) {
      // Loaded only when there is someone to alert: most timer runs of a quiet setup never need it.
      const { deliverOutbox, enqueue, planAlerts, refreshFiring } = await import('./notify.js');
      const plan = planAlerts(state, { credentials, covered: new Set(covered) }, { config, now: checkedAt, log });
      const settled = settleSnoozes(state.snoozes, { credentials, resolved: plan.resolved, now: checkedAt });
      history.push(...decidedEvents(plan.alerts, settled.ended, { now: checkedAt, log }));
      const queued = enqueue(state.outbox, plan, notifiers, { now: checkedAt, log, snoozes: state.snoozes, quietHours: config.quietHours });
      next = {
        ...next,
        alerts: queued.memory,
        errorStreaks: plan.errorStreaks,
        outbox: queued.outbox,
        snoozes: settled.snoozes,
      };
      // Record the decisions before sending: a crash mid-delivery then re-sends from the outbox
      // (same alert ids, which receivers deduplicate) rather than deciding again.
      await save(next);
      const delivered = await deliverOutbox(next.outbox, notifiers, { delivery: config.delivery, now: checkedAt, log, signal });
      next = { ...next, outbox: delivered.outbox, notificationTotals: countDeliveries(next.notificationTotals, delivered.reports) };
      notifications = [...delivered.reports, ...(await refreshFiring(plan.firing, notifiers, log, signal))];
    }
    const seen = changesOfCheck(state, { credentials, sources, now: checkedAt });
    // What changed first, then what was decided about it: "renewed", then "resolved".
    history.unshift(...seen.events);
    next = { ...next, transports: seen.transports };
    await save(next);
    const historyWarning = await recordHistory(history, env, checkedAt);
    if (historyWarning) warnings.push(historyWarning);
    const errors = credentials.filter((c) => c.status === 'error').map((c) => ({ source: c.source, message: c.detail ?? 'failed' }));
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    return { checkedAt, credentials, errors, notifications, notificationTotals: next.notificationTotals, durationMs, alerts: next.alerts, warnings, sources };
  };
  // The lock exists so that two runs never send one alert twice. Without notifiers a run only
  // remembers expiries, written atomically (the last writer wins, harmlessly), and skipping the
  // lock spares every plain `check` the ~10 ms that loading proper-lockfile costs.
  const report = notifiers.length > 0 ? await withStateLock(path, { log, warn: (w) => warnings.push(w), signal }, work) : await work();
  // Outside the lock: a slow dead-man's switch must not hold up another run.
  if (heartbeat && config.heartbeat && !signal?.aborted)
    await (await import('./heartbeat.js')).pingHeartbeat(config.heartbeat, { determined: report.errors.length === 0, env, log, signal });
  log.info(
    {
      trigger,
      credentials: report.credentials.length,
      worst: worstStatus(report.credentials),
      errors: report.errors.length,
      notifications: report.notifications.length,
      via: report.sources.find((s) => s.source === 'openclaw')?.via,
      ms: Math.round(report.durationMs),
      ...(holdUntil ? { readFrom, heldMs: Math.round(held), crossing: holdUntil.at } : {}),
    },
    'check finished',
  );
  return report;
}

/** Appends this check's events to the history; loaded only when something happened (most checks of a quiet setup add nothing). */
async function recordHistory(history: readonly HistoryEvent[], env: CheckDeps['env'], now: number): Promise<string | undefined> {
  if (history.length === 0) return undefined;
  const { appendHistory, historyPath } = await import('./history.js');
  return appendHistory(historyPath(stateDir(env)), history, now);
}

/** Each observation judged by its thresholds (rules included), with its snooze and remedy, sorted for output. */
function judge(observations: Observation[], { config, state, env, now }: { config: Config; state: State; env: CheckDeps['env']; now: number }): Credential[] {
  const thresholdsFor = thresholdsResolver(config);
  return sortCredentials(
    recallExpiry(observations, state, now).map((o) => {
      const applied = thresholdsFor(o);
      const snoozed = snoozeOf(state.snoozes, o.id, now);
      const judged = {
        ...evaluate(o, applied.thresholds, now),
        ...(applied.rule === null ? {} : { thresholdRule: applied.rule }),
        ...(snoozed ? { snoozed } : {}),
      };
      const steps = remedyStepsFor(judged, env);
      return { ...judged, remedyText: remedyFor(judged, env), ...(steps ? { remedySteps: steps } : {}) };
    }),
  );
}

/** The history of what this check decided: snoozes that ended (logged too), then the alerts. */
function decidedEvents(alerts: readonly Alert[], ended: readonly SnoozeEnd[], { now, log }: { now: number; log: Logger }): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (const end of ended) {
    log.info({ snooze: end.pattern, why: end.why }, 'snooze ended');
    events.push({ at: now, kind: 'unsnoozed', id: end.pattern, reason: end.why });
  }
  for (const a of alerts) events.push({ at: now, kind: HISTORY_OF_EVENT[a.event], id: a.credential.id, status: a.status });
  return events;
}

/**
 * Usage windows switched off (`usage.enabled: false`): their records go, and every scope read counts
 * their scope as read too (`openclaw:main` → `openclaw:main:usage`), so open usage alerts resolve.
 */
function withUsage(read: { observations: Observation[]; covered: string[] }, enabled: boolean): { observations: Observation[]; covered: string[] } {
  if (enabled) return read;
  return { observations: read.observations.filter((o) => !o.usage), covered: [...read.covered, ...read.covered.map((scope) => `${scope}:usage`)] };
}
