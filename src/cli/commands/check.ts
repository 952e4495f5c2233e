import { loadConfig } from '../../config/load.js';
import { createLogger, type LogLevel } from '../../log.js';
import { runCheck } from '../../monitor/check.js';
import { exitCodeFor, toJson } from '../../monitor/report.js';
import type { Io } from '../io.js';
import { useColor } from '../io.js';
import { renderNotifications, renderProblems, renderSummary, renderTable } from '../render.js';

export interface CheckCommandOptions {
  config?: string;
  json?: boolean;
  agent: string[];
  logLevel?: LogLevel;
  /** `check` prints problems only (for timers and logs); `status` prints the full table. */
  view: 'check' | 'status';
  /** `check` notifies unless `--no-notify`; `status` never does. */
  notify?: boolean;
}

/** `authwatch check` and `authwatch status`: one check, printed, mapped to an exit code. */
export async function checkCommand(options: CheckCommandOptions, io: Io): Promise<number> {
  const { config, path } = await loadConfig(options.config, io.env);
  const level = options.logLevel ?? (io.env.AUTHWATCH_LOG_LEVEL as LogLevel | undefined) ?? config.logLevel;
  const log = createLogger(level, (line) => io.stderr.write(line));
  const notifiers = options.view === 'check' && options.notify !== false && config.notifiers.length > 0
    ? (await import('../../notifiers/registry.js')).buildNotifiers(config.notifiers, io.env, path ?? 'config')
    : [];
  const report = await runCheck({ config, agents: options.agent, notifiers }, { env: io.env, log, now: io.now }).finally(() => log.flush());

  if (options.json) {
    io.stdout.write(`${JSON.stringify(toJson(report), null, 2)}\n`);
  } else {
    const color = useColor(io);
    const problems = renderProblems(report, color);
    if (options.view === 'status') {
      if (report.credentials.length) io.stdout.write(renderTable(report, color));
      if (problems) io.stdout.write(`\nTo fix:\n${problems.replace(/^(?=.)/gm, '  ')}`);
      io.stdout.write(`\n${renderSummary(report)}`);
    } else {
      io.stdout.write(problems + renderSummary(report) + renderNotifications(report));
    }
  }
  return exitCodeFor(report.credentials);
}
