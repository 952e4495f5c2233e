import { hostname } from 'node:os';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { VANISHED } from '../notifiers/message.js';
import { deadline as attemptDeadline } from '../abort.js';
import { deliverWithRetry } from '../notifiers/retry.js';
import type { Alert, AlertEvent, DeliveryResult, Notifier } from '../notifiers/types.js';
import { ALERT_LEVEL, decide, describeCredential, eventId, scopeOf, type AlertMemory, type LifecyclePolicy } from './alerts.js';
import { inQuietHours } from './quiet-hours.js';
import { routes } from './routing.js';
import { snoozeOf } from './snooze.js';
import type { OutboxEntry, State } from './state.js';
import type { Credential } from './types.js';

export interface DeliveryReport {
  notifier: string;
  alertId: string;
  event: AlertEvent;
  credentialId: string;
  ok: boolean;
  /** Kept in the outbox for the next run. */
  queued: boolean;
  message?: string;
  /** A re-post of alerts still firing (Alertmanager), not an event: `alertId` and `credentialId` are `*`, `count` says how many. */
  refresh?: true;
  count?: number;
}

/**
 * Runs every alert stream's lifecycle: the current credentials, plus remembered streams whose
 * credential vanished from a scope that was read in full (a replaced profile). Returns the alerts
 * to send and the next alert memory. Pure apart from the log.
 */
export function planAlerts(
  state: State,
  read: { credentials: readonly Credential[]; covered: ReadonlySet<string> },
  { config, now, log }: { config: Config; now: number; log: Logger },
): { alerts: Alert[]; firing: Alert[]; memory: Record<string, AlertMemory>; errorStreaks: Record<string, number>; resolved: Set<string> } {
  const { credentials, covered } = read;
  const policy: LifecyclePolicy = { remind: config.remind, sourceErrorsAfter: config.sourceErrorsAfter, alertOnUnused: config.alertOnUnused };
  const quiet = inQuietHours(config.quietHours, now);
  const host = hostname();
  // The streams as they stand, with those of ids a record now stands for carried over to its id.
  const before = carriedOver(state.alerts, credentials, log);
  const memory: Record<string, AlertMemory> = { ...before };
  const errorStreaks: Record<string, number> = {};
  const alerts: Alert[] = [];

  const alertFor = (stream: AlertMemory, seq: number, event: AlertEvent, credential: Credential | undefined): Alert => ({
    id: eventId(stream.streamId, seq, event),
    streamId: stream.streamId,
    event,
    status: credential?.status ?? 'ok',
    severity: stream.severity,
    startedAt: episodeStart(stream),
    credential: credential ? describeCredential(credential) : stream.credential,
    expiresAt: credential?.expiresAt ?? null,
    remainingMs: credential?.remainingMs ?? null,
    ...(credential?.usage ? { usedPercent: credential.usage.usedPercent } : {}),
    ...(credential?.refreshable ? { renewsOnUse: true } : {}),
    detail: credential ? credential.detail : VANISHED,
    remedy: event === 'resolved' ? null : (credential?.remedyText ?? null),
    ...(event !== 'resolved' && credential?.remedySteps ? { remedySteps: credential.remedySteps } : {}),
    // A notice, sent at low priority; with alertOnUnused it is an alert like any other.
    ...(credential?.inUse === false && !policy.alertOnUnused ? { inUse: false } : {}),
    host,
    checkedAt: now,
  });

  const resolved = new Set<string>();
  const apply = (id: string, decided: ReturnType<typeof decide>, credential: Credential | undefined) => {
    const previous = before[id];
    // Snoozed: no firing and no reminder, and nothing recorded, so the first run after the snooze
    // decides afresh. A resolution still goes out.
    const held = (decided.event === 'firing' || decided.event === 'reminder') && snoozeOf(state.snoozes, id, now);
    const decision: ReturnType<typeof decide> = held ? { event: null, reason: 'snoozed', next: previous } : decided;
    if (decision.event === 'resolved') resolved.add(id);
    if (decision.event) log.info({ credential: id, event: decision.event, reason: decision.reason }, 'alert');
    else if (decision.reason !== 'healthy') log.debug({ credential: id, reason: decision.reason }, 'no alert');
    if (decision.next) memory[id] = decision.next;
    else delete memory[id];
    if (!decision.event) return;
    const stream = decision.next ?? previous!;
    const seq = decision.next ? decision.next.seq : previous!.seq + 1;
    const left = previous && (decision.event === 'resolved' || previous.status !== credential?.status) ? { lastStatus: previous.status } : {};
    alerts.push({ ...alertFor(stream, seq, decision.event, credential), ...left });
  };

  for (const credential of credentials) {
    const errorStreak = credential.status === 'error' ? (state.errorStreaks[credential.id] ?? 0) + 1 : 0;
    if (errorStreak) errorStreaks[credential.id] = errorStreak;
    apply(credential.id, decide(before[credential.id], { credential, errorStreak }, { policy, now, quiet }), credential);
  }
  // Every episode still open, as it stands now: what a channel that forgets (Alertmanager) is told again.
  // Not those with an event this run: the event tells them.
  const told = new Set(alerts.map((a) => a.credential.id));
  const firing = credentials.flatMap((c) => {
    const stream = told.has(c.id) ? undefined : memory[c.id];
    // As last notified: a change held back (quiet hours, a source error below the threshold) is not news yet.
    return stream ? [{ ...alertFor(stream, stream.seq, 'firing', c), status: stream.status }] : [];
  });
  const seen = new Set(credentials.map((c) => c.id));
  for (const [id, previous] of Object.entries(before)) {
    if (seen.has(id) || !covered.has(previous.scope)) continue;
    apply(id, decide(previous, { gone: true }, { policy, now, quiet }), undefined);
  }
  // Resolutions first: a receiver that tracks "current problems" then ends on the newest ones.
  alerts.sort((a, b) => Number(b.event === 'resolved') - Number(a.event === 'resolved'));
  return { alerts, firing, memory, errorStreaks, resolved };
}

/**
 * A record that absorbed others (one shared credential that several agents read, reported once)
 * takes over their alert streams: the first becomes its own when it has none, the rest end without
 * a word. An open alert is then neither resolved nor fired again because its id changed.
 */
function carriedOver(streams: Record<string, AlertMemory>, credentials: readonly Credential[], log: Logger): Record<string, AlertMemory> {
  const out = { ...streams };
  for (const credential of credentials) {
    for (const old of credential.replaces ?? []) {
      const stream = out[old];
      if (!stream || old === credential.id) continue;
      if (!out[credential.id]) out[credential.id] = { ...stream, scope: scopeOf(credential), credential: describeCredential(credential) };
      delete out[old];
      log.info({ credential: credential.id, from: old }, 'alert stream carried over');
    }
  }
  return out;
}

/** When an episode began: its first `firing` (older states only have it in the stream id, `<id>@<ms>`). */
function episodeStart(stream: AlertMemory): number | undefined {
  if (stream.startedAt !== undefined) return stream.startedAt;
  const at = Number(/@(\d+)$/.exec(stream.streamId)?.[1]);
  return Number.isFinite(at) && at > 0 ? at : undefined;
}

/**
 * Queues each alert once per notifier its route lets it reach ("sent" is then tracked per alert
 * and notifier), and tells a notifier that joined after an episode fired what is still open: once,
 * as a `firing` with the episode's start, as last notified. Each open stream remembers whom it
 * was queued for (`notified`, the names of notifiers configured now: a removed one is forgotten).
 * Not while snoozed, and not warn-level news in quiet hours, as for any firing.
 */
export function enqueue(
  outbox: readonly OutboxEntry[],
  plan: { alerts: readonly Alert[]; firing: readonly Alert[]; memory: Record<string, AlertMemory> },
  notifiers: readonly Notifier[],
  { now, log, snoozes, quietHours }: { now: number; log: Logger; snoozes: State['snoozes']; quietHours: Config['quietHours'] },
): { outbox: OutboxEntry[]; memory: Record<string, AlertMemory> } {
  const quiet = inQuietHours(quietHours, now);
  // What holds back a firing holds back telling a new channel: a snooze; quiet hours, for warn-level news.
  const held = (alert: Alert) =>
    snoozeOf(snoozes, alert.credential.id, now) !== undefined || (quiet && (alert.inUse === false || ALERT_LEVEL[alert.status] <= ALERT_LEVEL.warn));
  const memory = { ...plan.memory };
  const names = new Set(notifiers.map((n) => n.name));
  const queued: OutboxEntry[] = [];
  const queue = (alert: Alert, to: readonly Notifier[]) => {
    queued.push(...to.map((n) => ({ notifier: n.name, createdAt: now, attempts: 0, alert })));
    const stream = memory[alert.credential.id];
    if (!stream || stream.streamId !== alert.streamId) return;
    const told = new Set([...(stream.notified ?? []).filter((name) => names.has(name)), ...to.map((n) => n.name)]);
    memory[alert.credential.id] = { ...stream, notified: [...told] };
  };
  for (const alert of plan.alerts)
    queue(
      alert,
      notifiers.filter((n) => routes(n.route, alert)),
    );
  for (const alert of plan.firing) {
    const stream = memory[alert.credential.id]!;
    const taking = notifiers.filter((n) => routes(n.route, alert));
    if (stream.notified === undefined) {
      memory[alert.credential.id] = { ...stream, notified: taking.map((n) => n.name) };
      continue;
    }
    const told = new Set(stream.notified);
    const joined = taking.filter((n) => !told.has(n.name));
    if (joined.length === 0 || held(alert)) {
      memory[alert.credential.id] = { ...stream, notified: stream.notified.filter((name) => names.has(name)) };
      continue;
    }
    log.info({ credential: alert.credential.id, event: 'firing', reason: 'notifier added', notifiers: joined.map((n) => n.name) }, 'alert');
    queue(alert, joined);
  }
  return { outbox: [...outbox, ...queued], memory };
}

/**
 * Delivers the outbox. Entries that fail in a way worth retrying stay for the next run until
 * `delivery.outboxMaxAge`; delivered and hopeless ones leave it. Notifiers work in parallel, each
 * through its own entries in order, so one failing channel neither blocks nor re-sends another.
 */
export async function deliverOutbox(
  outbox: readonly OutboxEntry[],
  notifiers: readonly Notifier[],
  { delivery, now, log, signal }: { delivery: Config['delivery']; now: number; log: Logger; signal?: AbortSignal | undefined },
): Promise<{ outbox: OutboxEntry[]; reports: DeliveryReport[] }> {
  const byName = new Map(notifiers.map((n) => [n.name, n]));
  const deadline = Date.now() + delivery.deadline;
  const live: OutboxEntry[] = [];
  for (const entry of outbox) {
    if (now - entry.createdAt > delivery.outboxMaxAge) {
      log.warn(
        { notifier: entry.notifier, alert: entry.alert.id, credential: entry.alert.credential.id, attempts: entry.attempts },
        'dropped an undelivered alert older than delivery.outboxMaxAge',
      );
    } else if (!byName.has(entry.notifier)) {
      log.warn({ notifier: entry.notifier, alert: entry.alert.id }, 'dropped an undelivered alert for a notifier no longer configured');
    } else if (!routes(byName.get(entry.notifier)!.route, entry.alert)) {
      // Its route changed since it was queued: not this channel's any more, and not a failure.
      log.info({ notifier: entry.notifier, alert: entry.alert.id }, "dropped an undelivered alert the notifier's route no longer takes");
    } else {
      live.push(entry);
    }
  }
  const reports: DeliveryReport[] = [];
  // What each live entry becomes: updated and kept for the next run, or gone (absent).
  const kept = new Map<OutboxEntry, OutboxEntry>();
  await Promise.all(
    notifiers.map(async (notifier) => {
      for (const entry of live.filter((e) => e.notifier === notifier.name)) {
        const result = await deliverWithRetry(notifier, entry.alert, {
          attempts: delivery.attempts,
          backoffMs: delivery.backoff,
          timeoutMs: notifier.timeoutMs,
          deadline,
          signal,
          onRetry: (attempt, failure, waitMs) =>
            log.warn({ notifier: notifier.name, alert: entry.alert.id, attempt, retryInMs: Math.round(waitMs) }, `${failure.message} (trying again)`),
        });
        const base = { notifier: notifier.name, alertId: entry.alert.id, event: entry.alert.event, credentialId: entry.alert.credential.id };
        if (result.ok) {
          reports.push({ ...base, ok: true, queued: false });
          continue;
        }
        const queued = result.retryable;
        if (queued) kept.set(entry, { ...entry, attempts: entry.attempts + result.attempts, lastError: result.message });
        log.error({ ...base, attempts: result.attempts, queued }, result.message);
        reports.push({ ...base, ok: false, queued, message: result.message });
      }
    }),
  );
  return { outbox: live.flatMap((entry) => kept.get(entry) ?? []), reports };
}

/**
 * Tells each channel that forgets (Alertmanager) what is still firing, once per check, without
 * retries or the outbox: the next check tells it again. Failures are logged and reported.
 */
export async function refreshFiring(firing: readonly Alert[], notifiers: readonly Notifier[], log: Logger, signal?: AbortSignal): Promise<DeliveryReport[]> {
  // Each only what its route takes; one whose route takes none of it is not asked.
  const refreshing = notifiers.flatMap((notifier) => {
    const mine = notifier.refresh ? firing.filter((alert) => routes(notifier.route, alert)) : [];
    return mine.length ? [{ notifier, mine }] : [];
  });
  return Promise.all(
    refreshing.map(async ({ notifier, mine }) => {
      const limit = attemptDeadline(notifier.timeoutMs, signal);
      let result: DeliveryResult;
      try {
        result = await notifier.refresh!(mine, limit.signal);
      } catch (error) {
        result = { ok: false, retryable: true, message: `${notifier.name}: ${error instanceof Error ? error.message : String(error)}` };
      } finally {
        limit.clear();
      }
      const base = { notifier: notifier.name, alertId: '*', event: 'firing' as const, credentialId: '*', refresh: true as const, count: mine.length };
      if (result.ok) return { ...base, ok: true, queued: false };
      log.error({ notifier: notifier.name, firing: mine.length }, result.message);
      return { ...base, ok: false, queued: false, message: result.message };
    }),
  );
}
