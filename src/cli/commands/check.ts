import type { LogLevel } from '../../log-levels.js';
import { createLogger } from '../../log.js';
import type { Notifier } from '../../notifiers/types.js';
import { runCheck } from '../../monitor/check.js';
import { exitCodeFor, toJson } from '../../monitor/report.js';
import type { Io } from '../io.js';
import { loadRuntime, logLevelFor } from '../runtime.js';
import { useColor } from '../io.js';
import { renderExplain, renderNotifications, renderProblems, renderSummaries, renderSummary, renderTable, renderTransport } from '../render.js';

export interface CheckCommandOptions {
  config?: string;
  json?: boolean;
  agent: string[];
  logLevel?: LogLevel;
  /** `check` prints problems only (for timers and logs); `status` prints the full table. */
  view: 'check' | 'status';
  /** `check` notifies unless `--no-notify`; `status` never does. */
  notify?: boolean;
  /** Only the summary: one line per gateway (the phone widget toasts each). */
  summary?: boolean;
  /** Also write the metrics for node_exporter's textfile collector here. */
  metricsTextfile?: string;
  /** `status`: also say which thresholds (and which rule) judged each credential. */
  explain?: boolean;
  /** `openclaw`: for an OpenClaw automation, the alerts of this run as a chat message, or NO_REPLY. */
  format?: 'openclaw';
}

/**
 * The channel of `check --format openclaw`: the alerts this run decides (firing, reminders,
 * resolutions), collected for stdout, where OpenClaw's scheduler announces them. Its name is fixed,
 * so the alert state and the outbox know it from run to run.
 */
async function automationChannel(): Promise<Notifier & { texts: string[] }> {
  const { chatText } = await import('../../notifiers/message.js');
  const texts: string[] = [];
  return {
    name: 'openclaw-automation',
    type: 'stdout',
    timeoutMs: 1000,
    texts,
    send: async (alert) => {
      texts.push(chatText(alert));
      return { ok: true };
    },
  };
}

/** `authwatch check` and `authwatch status`: one check, printed, mapped to an exit code. */
export async function checkCommand(options: CheckCommandOptions, io: Io): Promise<number> {
  const runtime = await loadRuntime(options.config, io.env, options.view === 'check' && options.notify !== false);
  const { config, warnings } = runtime;
  const chat = options.format === 'openclaw' ? await automationChannel() : undefined;
  // The automation's own announcement is the chat delivery: an `openclaw` notifier as well would post it twice.
  const notifiers = chat ? [...runtime.notifiers.filter((n) => n.type !== 'openclaw'), chat] : runtime.notifiers;
  const log = createLogger(logLevelFor(options.logLevel, io.env, config, 'warn'), (line) => io.stderr.write(line));
  // Only a run that does the job pings the dead-man's switch: a `status` by hand must not keep it
  // happy while the timer is broken.
  const heartbeat = options.view === 'check' && options.notify !== false;
  const report = await runCheck({ config, agents: options.agent, notifiers, trigger: options.view, heartbeat }, { env: io.env, log, now: io.now }).finally(() =>
    log.flush(),
  );
  for (const warning of [...warnings, ...report.warnings]) io.stderr.write(`authwatch: warning: ${warning}\n`);
  if (options.metricsTextfile) {
    const [{ renderMetrics }, { writeMetricsTextfile }] = await Promise.all([import('../../metrics/exposition.js'), import('../../metrics/textfile.js')]);
    await writeMetricsTextfile(options.metricsTextfile, renderMetrics(report));
  }

  if (chat) {
    // OpenClaw suppresses a run that prints only NO_REPLY: healthy and unchanged runs post nothing.
    io.stdout.write(`${chat.texts.length ? chat.texts.join('\n\n') : 'NO_REPLY'}\n`);
    // A job that exits non-zero is a failed run in OpenClaw; the message says how bad it is.
    return 0;
  }
  if (options.summary) {
    io.stdout.write(renderSummaries(report));
  } else if (options.json) {
    io.stdout.write(`${JSON.stringify(toJson(report), null, 2)}\n`);
  } else {
    const color = useColor(io);
    const problems = renderProblems(report, color);
    if (options.view === 'status') {
      if (report.credentials.length) io.stdout.write(renderTable(report, color));
      if (problems) io.stdout.write(`\nTo fix:\n${problems.replace(/^(?=.)/gm, '  ')}`);
      if (options.explain) io.stdout.write(renderExplain(report, config));
      io.stdout.write(`\n${renderSummary(report)}${renderTransport(report)}`);
    } else {
      io.stdout.write(problems + renderSummary(report) + renderNotifications(report));
    }
  }
  return exitCodeFor(report.credentials);
}
