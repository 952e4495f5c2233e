import { existsSync, watch as watchFs, type FSWatcher } from 'node:fs';
import type { Server } from 'node:http';
import { basename } from 'node:path';
import { Cron } from 'croner';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { renderMetrics } from '../metrics/exposition.js';
import { startMetricsServer } from '../metrics/server.js';
import { writeMetricsTextfile } from '../metrics/textfile.js';
import { runCheck } from '../monitor/check.js';
import type { CheckReport } from '../monitor/report.js';
import { configuredSources } from '../monitor/sources/registry.js';
import { killActivePrograms } from '../process/run.js';
import type { Notifier } from '../notifiers/types.js';
import { watchClockJumps, WallClockTimer } from './timer.js';
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

/** Files whose change means credentials may have changed: OpenClaw's stores and config, the CLIs' logins. */
const CREDENTIAL_FILES = /(\.sqlite(-wal|-journal)?|auth-profiles\.json|openclaw\.json|\.env|\.credentials\.json|auth\.json|oauth_creds\.json)$/;
/** A change is acted on after this quiet period. */
const FS_DEBOUNCE_MS = 1_000;
/**
 * `openclaw models status` writes its SQLite store even though it only reads (measured: three
 * change events per run), so changes during our own check and this long after it are ignored;
 * otherwise every check would trigger the next.
 */
const OWN_WRITES_GRACE_MS = 2_000;
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
  let running: Promise<void> | undefined;
  let pending: string | undefined;
  let stopping = false;
  const abort = new AbortController();
  let cron: Cron | undefined;
  let wakeup: WallClockTimer | undefined;
  let fsWatchers: FSWatcher[] = [];
  let watchedDirs = '';
  let fsTimer: NodeJS.Timeout | undefined;
  let ownWritesUntil = 0;
  let server: Server | undefined;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  // Rendered once per check, however often /metrics, /healthz and the textfile ask for it.
  let rendered: { report: CheckReport; text: string } | undefined;
  const metrics = (): string | undefined => {
    if (!lastReport) return undefined;
    if (rendered?.report !== lastReport) rendered = { report: lastReport, text: renderMetrics(lastReport) };
    return rendered.text;
  };

  const trigger = (reason: string): void => {
    if (stopping) return;
    if (running) {
      pending ??= reason;
      return;
    }
    running = check(reason).finally(() => {
      running = undefined;
      const next = pending;
      pending = undefined;
      if (next) trigger(next);
    });
  };

  const check = async (reason: string): Promise<void> => {
    try {
      lastReport = await runCheck(
        { config: runtime.config, agents: options.agents, notifiers: runtime.notifiers, trigger: reason, signal: abort.signal, heartbeat: options.heartbeat },
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
      ownWritesUntil = Date.now() + OWN_WRITES_GRACE_MS;
      if (!stopping) watchCredentialFiles();
    }
  };

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
        ? new WallClockTimer(at + CROSSING_MARGIN_MS, () => trigger('threshold'), options.now)
        : undefined;
  };

  const startCron = (): void => {
    cron?.stop();
    // protect: croner itself never overlaps runs either; the trigger queue coalesces the rest.
    cron = new Cron(runtime.config.schedule, { timezone: runtime.config.timezone, protect: true }, () => trigger('schedule'));
  };

  /**
   * (Re)watches the directories that hold credentials, each on its own (not recursively: OpenClaw's
   * state directory also holds agent workspaces). They may appear after authwatch starts, so the
   * set is worked out again after every check.
   */
  const watchCredentialFiles = (): void => {
    const wanted = credentialDirs(runtime.config, options.env);
    if (wanted.join('\n') === watchedDirs) return;
    for (const w of fsWatchers) w.close();
    fsWatchers = [];
    watchedDirs = wanted.join('\n');
    for (const dir of wanted) {
      try {
        const watcher = watchFs(dir, { persistent: false }, (_event, file) => {
          if (running || Date.now() < ownWritesUntil) return;
          if (file && !CREDENTIAL_FILES.test(basename(String(file)))) return;
          clearTimeout(fsTimer);
          fsTimer = setTimeout(() => trigger('credentials changed'), FS_DEBOUNCE_MS);
          fsTimer.unref();
        });
        watcher.on('error', () => watcher.close());
        fsWatchers.push(watcher);
      } catch (error) {
        log.debug({ dir, reason: (error as NodeJS.ErrnoException).code }, 'cannot watch');
      }
    }
  };

  const reload = async (): Promise<void> => {
    try {
      const next = await options.load();
      const rescheduled = next.config.schedule !== runtime.config.schedule || next.config.timezone !== runtime.config.timezone;
      runtime = next;
      for (const warning of runtime.warnings ?? []) log.warn({}, warning);
      if (rescheduled) startCron();
      log.info({ schedule: runtime.config.schedule, notifiers: runtime.notifiers.length }, 'config reloaded');
      trigger('config reloaded');
    } catch (error) {
      const lines = (error as { lines?: string[] }).lines ?? [error instanceof Error ? error.message : String(error)];
      log.error({ problems: lines }, 'config reload failed; still running with the previous config');
    }
  };

  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    cron?.stop();
    wakeup?.cancel();
    clearTimeout(fsTimer);
    for (const w of fsWatchers) w.close();
    stopClockWatch();
    if (running) {
      const finished = await Promise.race([running.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), SHUTDOWN_GRACE_MS).unref())]);
      if (!finished) {
        // Abandon it: nothing it decided is saved or sent, since it stops right after its sources.
        abort.abort();
        killActivePrograms();
        await Promise.race([running, new Promise((r) => setTimeout(r, 1_000).unref())]);
      }
    }
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    process.off('SIGTERM', onTerm).off('SIGINT', onInt).off('SIGHUP', onHup).off('SIGUSR1', onUsr1);
    resolveDone(0);
  };

  const onTerm = () => void shutdown('SIGTERM');
  const onInt = () => void shutdown('SIGINT');
  const onHup = () => void reload();
  const onUsr1 = () => trigger('SIGUSR1');
  process.on('SIGTERM', onTerm).on('SIGINT', onInt).on('SIGHUP', onHup).on('SIGUSR1', onUsr1);
  const stopClockWatch = watchClockJumps((jumpMs) => {
    log.info({ jumpMs }, 'wall clock jumped (suspend or clock change)');
    trigger('clock jumped');
  });

  if (options.metricsListen) {
    server = await startMetricsServer(options.metricsListen, metrics, (error) => log.warn({ code: error.code }, 'metrics server error'));
    const address = server.address();
    if (address && typeof address === 'object') log.info({ host: address.address, port: address.port }, 'serving /metrics and /healthz');
  }
  startCron();
  trigger('start');
  return done;
}

/** The directories every enabled source says hold its credentials, where they exist. */
function credentialDirs(config: Config, env: Record<string, string | undefined>): string[] {
  const dirs = configuredSources(config.sources).flatMap(({ source, config: own }) => source.watchDirs(own, env));
  return [...new Set(dirs)].filter((dir) => existsSync(dir));
}
