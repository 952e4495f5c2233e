import { Option } from 'commander';
import type { CheckCommandOptions } from '../commands/check.js';
import { agentOption, configOption, EXIT_CODES_HELP, logLevelOption, type Registration } from './shared.js';

/** `check` and `status`: one read, as problems for timers or as the full table. */
export const registerCheck: Registration = (program, ctx) => {
  for (const view of ['check', 'status'] as const) {
    const command = program
      .command(view)
      .description(
        view === 'check'
          ? 'check every credential once; print only what needs attention (for timers and scripts)'
          : 'show every credential in a table, then how to fix what is not ok',
      )
      .addOption(configOption())
      .option('--json', 'print the result as one JSON document (schema: README, "JSON output")')
      .option('--summary', 'print only the summary: one line per gateway (for a phone widget)')
      .addOption(agentOption())
      .addOption(logLevelOption());
    if (view === 'status') command.option('--explain', 'also say which thresholds judged each credential, and from which of thresholds.rules');
    if (view === 'check') {
      command
        .option('--no-notify', 'do not send notifications, and leave the alert state as it is')
        .option('--metrics-textfile <path>', "also write Prometheus metrics to this file (node_exporter's textfile collector), atomically")
        .addOption(
          new Option('--format <format>', "openclaw: this run's alerts as a chat message, or NO_REPLY (for an OpenClaw automation; exits 0)").choices([
            'openclaw',
          ]),
        );
    }
    command.addHelpText('after', EXIT_CODES_HELP).action(async (options: Omit<CheckCommandOptions, 'view' | 'agent'> & { agent?: string[] }) => {
      const { checkCommand } = await import('../commands/check.js');
      ctx.exitCode = await checkCommand({ ...options, agent: options.agent ?? [], view }, ctx.io);
    });
  }
};
