import type { WatchCommandOptions } from '../commands/watch.js';
import { agentOption, configOption, logLevelOption, type Registration } from './shared.js';

export const registerWatch: Registration = (program, ctx) => {
  program
    .command('watch')
    .description('keep running: check now, on the schedule, and the moment a credential crosses a threshold')
    .addOption(configOption())
    .addOption(agentOption())
    .addOption(logLevelOption())
    .option('--no-notify', 'do not send notifications')
    .option('--listen <host:port>', 'serve the status page (/), /api/status, /badge.svg, /metrics and /healthz here, e.g. 127.0.0.1:9464')
    .option('--metrics-listen <host:port>', 'the same server, by its older name')
    .option('--metrics-textfile <path>', "write Prometheus metrics to this file after every check (node_exporter's textfile collector)")
    .addHelpText('after', '\nSignals: SIGTERM/SIGINT stop (exit 0), SIGHUP reloads the config, SIGUSR1 checks now.')
    .action(async (options: Omit<WatchCommandOptions, 'agent'> & { agent?: string[] }) => {
      const { watchCommand } = await import('../commands/watch.js');
      ctx.exitCode = await watchCommand({ ...options, agent: options.agent ?? [] }, ctx.io);
    });
};
