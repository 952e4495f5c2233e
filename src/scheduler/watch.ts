import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { Cron } from 'croner';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { renderMetrics } from '../metrics/exposition.js';
import { writeMetricsTextfile } from '../metrics/textfile.js';
import { runCheck } from '../monitor/check.js';
import type { CheckReport } from '../monitor/report.js';
import { configuredSources } from '../monitor/sources/registry.js';
import { thresholdsResolver } from '../monitor/thresholds.js';
import type { Closeable, SourceSession } from '../monitor/sources/source.js';
import { killActivePrograms } from '../process/run.js';
import type { Notifier } from '../notifiers/types.js';
import type { WebAccess } from '../web/server.js';
import { CredentialWatcher } from './credential-watcher.js';
import { onSignals, stopWithNpmExec } from './signals.js';
import { watchClockJumps, WallClockTimer } from './timer.js';
import { TriggerQueue } from './trigger-queue.js';
import { nextWakeup } from './wakeups.js';

/** What `watch` runs with; `load` is called again on SIGHUP. */
export interface WatchRuntime {
  config: Config;
  notifiers: Notifier[];
  /** Unsafe but working config (a secret over plain http://), logged at each (re)load. */
  warnings?: string[];
  /** Who may see the status page (`web.token`, `web.basicAuth`), resolved. */
  webAccess?: WebAccess;
}

export interface WatchOptions {
  load: () => Promise<WatchRuntime>;
  agents: string[];
  /** `--listen` or `--metrics-listen`: the status page, its API, /metrics and /healthz. */
  listen?: { host: string; port: number; flag: string };
  metricsTextfile?: string;
  /** Ping the heartbeat after each check (not with --no-notify). */
  heartbeat: boolean;
  env: Record<string, string | undefined>;
  log: Logger;
  now: () => number;
}

/** On SIGTERM the in-flight check gets this long to finish before its programs are killed. */
const SHUTDOWN_GRACE_MS = 3_000;
/** A threshold is crossed at an exact instant; judge just after it. */
const CROSSING_MARGIN_MS = 50;
/**
 * Reading ahead of a crossing: start this much before it, over the slowest of the last few reads
 * (the CLI takes 4-7 s, the gateway ~50 ms), so the read is done when the crossing comes.
 */
const READ_AHEAD_FACTOR = 1.25;
const READ_AHEAD_EXTRA_MS = 500;
const READS_REMEMBERED = 5;

/**
 * The long-running mode. Checks at start, on the cron schedule, at the moment a credential
 * crosses a threshold (or an alert's reminder falls due), when OpenClaw's credential store
 * changes, after a wall-clock jump, and on SIGUSR1. Checks never overlap: a trigger that
 * arrives during a check runs one more check after it. SIGTERM/SIGINT stop it (resolving 0);
 * SIGHUP reloads the config, keeping the old one if the new one is bad.
 */
export class Watch {
  readonly #options: WatchOptions;
  /** The config and notifiers in effect: replaced by a reload that succeeds. */
  #runtime: WatchRuntime | undefined;
  #lastReport: CheckReport | undefined;
  /** The metrics text of `#lastReport`, rendered once per check however often it is asked for. */
  #rendered: { report: CheckReport; text: string } | undefined;
  #stopping = false;
  /** How long the last checks took to read their sources (ms), newest last. */
  readonly #reads: number[] = [];
  /** The crossing the pending `threshold` check is for: it reads ahead, then judges at this moment. */
  #crossingAt: number | undefined;
  /** Aborts a check that outlives the shutdown grace. */
  readonly #abort = new AbortController();
  readonly #queue: TriggerQueue;
  readonly #files: CredentialWatcher;
  /**
   * What sources keep between checks: the gateway connection, which also asks for checks when
   * the gateway announces config.changed or comes back.
   */
  readonly #kept = new Map<string, Closeable>();
  readonly #session: SourceSession;
  #cron: Cron | undefined;
  #wakeup: WallClockTimer | undefined;
  #server: Server | undefined;
  #stopSignals: (() => void) | undefined;
  #stopParentWatch: () => void = () => {};
  #stopClockWatch: (() => void) | undefined;
  readonly #done: Promise<number>;
  #resolveDone: (code: number) => void = () => {};

  constructor(options: WatchOptions) {
    this.#options = options;
    this.#queue = new TriggerQueue((reason) => this.check(reason));
    this.#files = new CredentialWatcher(
      () => this.#queue.trigger('credentials changed'),
      () => this.#queue.running !== undefined,
      options.log,
    );
    this.#session = {
      get: <T extends Closeable>(key: string) => this.#kept.get(key) as T | undefined,
      set: (key, value) => {
        const old = this.#kept.get(key);
        this.#kept.set(key, value);
        if (old && old !== value) void old.close();
      },
      trigger: (reason) => {
        if (!this.#stopping) this.#queue.trigger(reason);
      },
    };
    this.#done = new Promise<number>((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  /** Loads the config, listens for signals (and metrics), starts the schedule and checks once; resolves with the exit code when stopped. */
  async start(): Promise<number> {
    const { log } = this.#options;
    this.#runtime = await this.#options.load();
    for (const warning of this.#runtime.warnings ?? []) log.warn({}, warning);
    this.#stopSignals = onSignals({
      stop: (signal) => void this.shutdown(signal),
      reload: () => void this.reload(),
      checkNow: () => this.#queue.trigger('SIGUSR1'),
    });
    this.#stopParentWatch = stopWithNpmExec(this.#options.env, () => void this.shutdown('npm exec exited'));
    log.info({ pid: process.pid }, 'watch started: SIGUSR1 checks now, SIGHUP reloads the config, SIGTERM stops');
    this.#stopClockWatch = watchClockJumps((jumpMs) => {
      log.info({ jumpMs }, 'wall clock jumped (suspend or clock change)');
      this.#queue.trigger('clock jumped');
    });
    if (this.#options.listen) {
      const { startWeb } = await import('../web/watch-web.js');
      this.#server = await startWeb(this.#options.listen, {
        runtime: () => this.#runtime!,
        report: () => this.#lastReport,
        metrics: () => this.#metrics(),
        checkSoon: (reason) => this.#session.trigger(reason),
        env: this.#options.env,
        log,
        now: this.#options.now,
      });
    }
    this.#startCron();
    this.#queue.trigger('start');
    return this.#done;
  }

  /** One check (the trigger queue calls it, never two at once); then the next wakeup and the watched directories. */
  async check(reason: string): Promise<void> {
    const { log } = this.#options;
    const runtime = this.#runtime!;
    const crossing = reason === 'threshold' ? this.#crossingAt : undefined;
    if (reason === 'threshold') this.#crossingAt = undefined;
    try {
      const report = await runCheck(
        {
          config: runtime.config,
          agents: this.#options.agents,
          notifiers: runtime.notifiers,
          trigger: reason,
          signal: this.#abort.signal,
          heartbeat: this.#options.heartbeat,
          session: this.#session,
          ...(crossing === undefined ? {} : { holdUntil: { at: crossing, maxMs: this.#readAheadMs() + CROSSING_MARGIN_MS } }),
        },
        { env: this.#options.env, log, now: this.#options.now },
      );
      this.#lastReport = report;
      this.#reads.push(Math.max(0, ...report.sources.map((s) => s.durationMs)));
      if (this.#reads.length > READS_REMEMBERED) this.#reads.shift();
      for (const warning of report.warnings) log.warn({ trigger: reason }, warning);
      const text = this.#metrics();
      if (this.#options.metricsTextfile && text) await writeMetricsTextfile(this.#options.metricsTextfile, text);
      this.#scheduleWakeup(report);
    } catch (error) {
      if (this.#stopping) return;
      log.error({ trigger: reason, reason: error instanceof Error ? error.message : String(error) }, 'check failed');
    } finally {
      this.#files.checked();
      if (!this.#stopping) this.#files.watch(credentialDirs(this.#runtime!.config, this.#options.env));
    }
  }

  /** SIGHUP: the new config if it loads (the schedule restarted when it changed), else the old one, said why. */
  async reload(): Promise<void> {
    const { log } = this.#options;
    try {
      const next = await this.#options.load();
      const previous = this.#runtime!.config;
      const rescheduled = next.config.schedule !== previous.schedule || next.config.timezone !== previous.timezone;
      this.#runtime = next;
      for (const warning of next.warnings ?? []) log.warn({}, warning);
      if (rescheduled) this.#startCron();
      log.info({ schedule: next.config.schedule, notifiers: next.notifiers.length }, 'config reloaded');
      this.#queue.trigger('config reloaded');
    } catch (error) {
      const lines = (error as { lines?: string[] }).lines ?? [error instanceof Error ? error.message : String(error)];
      log.error({ problems: lines }, 'config reload failed; still running with the previous config');
    }
  }

  /** Stops every trigger, lets a running check finish within the grace (else abandons it), closes what sources kept. */
  async shutdown(signal: string): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#options.log.info({ signal }, 'stopping');
    this.#queue.stop();
    this.#cron?.stop();
    this.#wakeup?.cancel();
    this.#files.close();
    this.#stopClockWatch?.();
    await this.#finishRunning();
    const server = this.#server;
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await Promise.all([...this.#kept.values()].map((k) => k.close()));
    this.#kept.clear();
    this.#stopSignals?.();
    this.#stopParentWatch();
    this.#resolveDone(0);
  }

  async #finishRunning(): Promise<void> {
    const running = this.#queue.running;
    if (!running) return;
    const finished = await Promise.race([running.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), SHUTDOWN_GRACE_MS).unref())]);
    if (finished) return;
    // Abandon it: a check still reading its sources saves and sends nothing; deliveries in
    // flight are cut short and stay in the outbox.
    this.#abort.abort();
    killActivePrograms();
    await Promise.race([running, new Promise((r) => setTimeout(r, 1_000).unref())]);
  }

  /** How far ahead of a crossing to start reading: the slowest recent read, and some. */
  #readAheadMs(): number {
    return this.#reads.length ? Math.round(Math.max(...this.#reads) * READ_AHEAD_FACTOR + READ_AHEAD_EXTRA_MS) : 0;
  }

  #metrics(): string | undefined {
    const report = this.#lastReport;
    if (!report) return undefined;
    if (this.#rendered?.report !== report) this.#rendered = { report, text: renderMetrics(report) };
    return this.#rendered.text;
  }

  /** A timer for the next threshold crossing or reminder, when it comes before the next scheduled run (the schedule covers the rest). */
  #scheduleWakeup(report: CheckReport): void {
    this.#wakeup?.cancel();
    const { config } = this.#runtime!;
    const now = this.#options.now;
    const resolve = thresholdsResolver(config);
    const at = nextWakeup(
      { credentials: report.credentials, thresholdsFor: (c) => resolve(c).thresholds, alerts: report.alerts, remind: config.remind },
      now(),
    );
    const scheduled = this.#cron?.nextRun()?.getTime();
    // Measured on the same clock as `at`: with a different one (AUTHWATCH_NOW in tests) a moment
    // already past on the timer's clock would fire at once, every time, and spin.
    //
    // Started ahead by the time a read takes, so that the alert goes out at the crossing itself;
    // never before now on that clock (at once is now + 1, which a pinned clock never reaches).
    const crossing = at === undefined ? undefined : at + CROSSING_MARGIN_MS;
    this.#wakeup =
      crossing !== undefined && (scheduled === undefined || crossing < scheduled)
        ? new WallClockTimer(
            Math.max(crossing - this.#readAheadMs(), now() + 1),
            () => {
              this.#crossingAt = crossing;
              this.#queue.trigger('threshold');
            },
            now,
          )
        : undefined;
  }

  #startCron(): void {
    this.#cron?.stop();
    const { schedule, timezone } = this.#runtime!.config;
    // protect: croner itself never overlaps runs either; the trigger queue coalesces the rest.
    this.#cron = new Cron(schedule, { timezone, protect: true }, () => this.#queue.trigger('schedule'));
  }
}

/** `watch`: runs until SIGTERM/SIGINT, then resolves with the exit code. */
export function runWatch(options: WatchOptions): Promise<number> {
  return new Watch(options).start();
}

/** The directories every enabled source says hold its credentials, where they exist. */
function credentialDirs(config: Config, env: Record<string, string | undefined>): string[] {
  const dirs = configuredSources(config.sources).flatMap(({ source, config: own }) => source.watchDirs(own, env));
  return [...new Set(dirs)].filter((dir) => existsSync(dir));
}
