import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { Cron } from 'croner';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { renderMetrics } from '../metrics/exposition.js';
import { startMetricsServer } from '../metrics/server.js';
import { writeMetricsTextfile } from '../metrics/textfile.js';
import { runCheck } from '../monitor/check.js';
import type { CheckReport } from '../monitor/report.js';
import { configuredSources } from '../monitor/sources/registry.js';
import type { Closeable, SourceSession } from '../monitor/sources/source.js';
import { killActivePrograms } from '../process/run.js';
import type { Notifier } from '../notifiers/types.js';
import { CredentialWatcher } from './credential-watcher.js';
import { onSignals } from './signals.js';
import { watchClockJumps, WallClockTimer } from './timer.js';
import { TriggerQueue } from './trigger-queue.js';
import { nextWakeup } from './wakeups.js';

/** What `watch` runs with; `load` is called again on SIGHUP. */
export interface WatchRuntime {
  config: Config;
  notifiers: Notifier[];
  /** Unsafe but working config (a secret over plain http://), logged at each (re)load. */
  warnings?: string[];
}

export interface WatchOptions {
  load: () => Promise<WatchRuntime>;
  agents: string[];
  metricsListen?: { host: string; port: number };
  metricsTextfile?: string;
  /** Ping the heartbeat after each check (not with --no-notify). */
  heartbeat: boolean;
  env: Record<string, string | undefined>;
  log: Logger;
  now: () => number;
}

/** On SIGTERM the in-flight check gets this long to finish before its programs are killed. */
const SHUTDOWN_GRACE_MS = 3_000;
/** A threshold is crossed at an exact instant; wake just after it. */
const CROSSING_MARGIN_MS = 50;

/**
 * The long-running mode. Checks at start, on the cron schedule, at the moment a credential
 * crosses a threshold (or an alert's reminder falls due), when OpenClaw's credential store
 * changes, after a wall-clock jump, and on SIGUSR1. Checks never overlap: a trigger that
 * arrives during a check runs one more check after it. SIGTERM/SIGINT stop it (resolving 0);
 * SIGHUP reloads the config, keeping the old one if the new one is bad.
 */
export async function runWatch(options: WatchOptions): Promise<number> {
  const { log } = options;
  let runtime = await options.load();
  for (const warning of runtime.warnings ?? []) log.warn({}, warning);
  let lastReport: CheckReport | undefined;
  let stopping = false;
  const abort = new AbortController();
  let cron: Cron | undefined;
  let wakeup: WallClockTimer | undefined;
  let server: Server | undefined;

  // Rendered once per check, however often /metrics, /healthz and the textfile ask for it.
  let rendered: { report: CheckReport; text: string } | undefined;
  const metrics = (): string | undefined => {
    if (!lastReport) return undefined;
    if (rendered?.report !== lastReport) rendered = { report: lastReport, text: renderMetrics(lastReport) };
    return rendered.text;
  };

  // What sources keep between checks: the gateway connection, which also asks for checks when
  // the gateway announces config.changed or comes back.
  const kept = new Map<string, Closeable>();
  const closeKept = () => Promise.all([...kept.values()].map((k) => k.close())).then(() => kept.clear());
  const session: SourceSession = {
    get: <T extends Closeable>(key: string) => kept.get(key) as T | undefined,
    set: (key, value) => {
      const old = kept.get(key);
      kept.set(key, value);
      if (old && old !== value) void old.close();
    },
    trigger: (reason) => {
      if (!stopping) queue.trigger(reason);
    },
  };

  const check = async (reason: string): Promise<void> => {
    try {
      lastReport = await runCheck(
        {
          config: runtime.config,
          agents: options.agents,
          notifiers: runtime.notifiers,
          trigger: reason,
          signal: abort.signal,
          heartbeat: options.heartbeat,
          session,
        },
        { env: options.env, log, now: options.now },
      );
      for (const warning of lastReport.warnings) log.warn({ trigger: reason }, warning);
      const text = metrics();
      if (options.metricsTextfile && text) await writeMetricsTextfile(options.metricsTextfile, text);
      scheduleWakeup(lastReport);
    } catch (error) {
      if (stopping) return;
      log.error({ trigger: reason, reason: error instanceof Error ? error.message : String(error) }, 'check failed');
    } finally {
      files.checked();
      if (!stopping) files.watch(credentialDirs(runtime.config, options.env));
    }
  };
  const queue = new TriggerQueue(check);
  const files = new CredentialWatcher(
    () => queue.trigger('credentials changed'),
    () => queue.running !== undefined,
    log,
  );

  const scheduleWakeup = (report: CheckReport): void => {
    wakeup?.cancel();
    const at = nextWakeup(
      { credentials: report.credentials, thresholds: runtime.config.thresholds, alerts: report.alerts, remind: runtime.config.remind },
      options.now(),
    );
    // Only when it comes before the next scheduled run; the schedule covers the rest.
    const scheduled = cron?.nextRun()?.getTime();
    // Measured on the same clock as `at`: with a different one (AUTHWATCH_NOW in tests) a moment
    // already past on the timer's clock would fire at once, every time, and spin.
    wakeup =
      at !== undefined && (scheduled === undefined || at < scheduled)
        ? new WallClockTimer(at + CROSSING_MARGIN_MS, () => queue.trigger('threshold'), options.now)
        : undefined;
  };

  const startCron = (): void => {
    cron?.stop();
    // protect: croner itself never overlaps runs either; the trigger queue coalesces the rest.
    cron = new Cron(runtime.config.schedule, { timezone: runtime.config.timezone, protect: true }, () => queue.trigger('schedule'));
  };

  const reload = async (): Promise<void> => {
    try {
      const next = await options.load();
      const rescheduled = next.config.schedule !== runtime.config.schedule || next.config.timezone !== runtime.config.timezone;
      runtime = next;
      for (const warning of runtime.warnings ?? []) log.warn({}, warning);
      if (rescheduled) startCron();
      log.info({ schedule: runtime.config.schedule, notifiers: runtime.notifiers.length }, 'config reloaded');
      queue.trigger('config reloaded');
    } catch (error) {
      const lines = (error as { lines?: string[] }).lines ?? [error instanceof Error ? error.message : String(error)];
      log.error({ problems: lines }, 'config reload failed; still running with the previous config');
    }
  };

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    queue.stop();
    cron?.stop();
    wakeup?.cancel();
    files.close();
    stopClockWatch();
    const running = queue.running;
    if (running) {
      const finished = await Promise.race([running.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), SHUTDOWN_GRACE_MS).unref())]);
      if (!finished) {
        // Abandon it: a check still reading its sources saves and sends nothing; deliveries in
        // flight are cut short and stay in the outbox.
        abort.abort();
        killActivePrograms();
        await Promise.race([running, new Promise((r) => setTimeout(r, 1_000).unref())]);
      }
    }
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await closeKept();
    stopSignals();
    resolveDone(0);
  };

  const stopSignals = onSignals({ stop: (signal) => void shutdown(signal), reload: () => void reload(), checkNow: () => queue.trigger('SIGUSR1') });
  const stopClockWatch = watchClockJumps((jumpMs) => {
    log.info({ jumpMs }, 'wall clock jumped (suspend or clock change)');
    queue.trigger('clock jumped');
  });

  if (options.metricsListen) {
    server = await startMetricsServer(options.metricsListen, metrics, (error) => log.warn({ code: error.code }, 'metrics server error'));
    const address = server.address();
    if (address && typeof address === 'object') log.info({ host: address.address, port: address.port }, 'serving /metrics and /healthz');
  }
  startCron();
  queue.trigger('start');
  return done;
}

/** The directories every enabled source says hold its credentials, where they exist. */
function credentialDirs(config: Config, env: Record<string, string | undefined>): string[] {
  const dirs = configuredSources(config.sources).flatMap(({ source, config: own }) => source.watchDirs(own, env));
  return [...new Set(dirs)].filter((dir) => existsSync(dir));
}
