import { Command, CommanderError, Option } from 'commander';
import { ConfigError, UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { LOG_LEVELS, type LogLevel } from '../log-levels.js';
import { quoteForeign } from '../redact.js';
import { VERSION } from '../version.js';
import type { Io } from './io.js';

const EXIT_CODES_HELP = `
Exit codes (check, status):
  0   every credential is ok, or has no expiry
  1   a credential is expired, missing or unusable (notify test: a notifier failed)
  2   a credential expires within the warn window (and none is in trouble)
  3   the status could not be determined (a source failed, timed out or printed garbage)
  64  usage error    70 internal error    73 cannot create file    78 config error`;

interface CommonOptions {
  config?: string;
  logLevel?: LogLevel;
}

/**
 * Parses argv and runs one command. Returns the exit code; the bin script only sets it.
 * Commands are imported when they run, so `--help` and unused commands cost nothing.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = new Command('authwatch')
    .description('Keeps the model-provider credentials of an OpenClaw gateway from expiring unnoticed.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`authwatch: ${text.replace(/^error: /, '')}`),
    })
    .showHelpAfterError('(run authwatch --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);

  const configOption = () => new Option('-c, --config <file>', 'config file (default: $AUTHWATCH_CONFIG, else $XDG_CONFIG_HOME/authwatch/config.yaml)');
  const logLevelOption = () => new Option('--log-level <level>', 'diagnostics on stderr (default: warn, or logLevel in the config)').choices(LOG_LEVELS);
  const agentOption = () =>
    new Option('-a, --agent <id>', 'check only this OpenClaw agent (repeatable; default: all agents)').argParser((value: string, previous: string[] = []) => [
      ...previous,
      value,
    ]);

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
    command
      .addHelpText('after', EXIT_CODES_HELP)
      .action(
        async (
          options: CommonOptions & { json?: boolean; summary?: boolean; agent?: string[]; notify?: boolean; metricsTextfile?: string; format?: 'openclaw' },
        ) => {
          const { checkCommand } = await import('./commands/check.js');
          exitCode = await checkCommand({ ...options, agent: options.agent ?? [], view }, io);
        },
      );
  }

  program
    .command('watch')
    .description('keep running: check now, on the schedule, and the moment a credential crosses a threshold')
    .addOption(configOption())
    .addOption(agentOption())
    .addOption(logLevelOption())
    .option('--no-notify', 'do not send notifications')
    .option('--metrics-listen <host:port>', 'serve /metrics (Prometheus) and /healthz here, e.g. 127.0.0.1:9464')
    .option('--metrics-textfile <path>', "write Prometheus metrics to this file after every check (node_exporter's textfile collector)")
    .addHelpText('after', '\nSignals: SIGTERM/SIGINT stop (exit 0), SIGHUP reloads the config, SIGUSR1 checks now.')
    .action(async (options: CommonOptions & { agent?: string[]; notify?: boolean; metricsListen?: string; metricsTextfile?: string }) => {
      const { watchCommand } = await import('./commands/watch.js');
      exitCode = await watchCommand({ ...options, agent: options.agent ?? [] }, io);
    });

  type Deploy = import('./commands/deploy.js').DeployOptions;
  const deployOptions = (command: Command, generating: boolean) => {
    command
      .addOption(configOption())
      .option('-s, --schedule <cron>', 'cron schedule (default: schedule in the config, */15 * * * *)')
      .option('--timezone <zone>', 'time zone of the schedule (default: timezone in the config)')
      .option('--mode <mode>', 'timer (check on the schedule, default) or watch (a long-running service)')
      .option('--system', 'systemd: system units (default: user units)')
      .option('--wake-lock', 'termux: take a wake lock at boot')
      .option('--node <path>', 'node binary the files run (default: this one)')
      .option('--authwatch <path>', "authwatch's dist/cli.js the files run (default: this one)")
      .option('--path <dirs>', "PATH the job gets, colon-separated (default: node's and openclaw's directories, then /usr/local/bin:/usr/bin:/bin)")
      .option('--home <dir>', 'home directory the files go under (default: $HOME)')
      .option('--channel <channel>', "openclaw: the chat channel the automation posts to (default: the config's openclaw notifier)")
      .option('--to <target>', 'openclaw: who it posts to on that channel (a chat id, a number, …)')
      .option('--account <id>', 'openclaw: the channel account, when there are several');
    if (generating) command.option('-o, --out <dir>', 'write the files into this directory instead of printing them');
    else command.option('-n, --dry-run', 'print every file and command; change nothing');
    return command;
  };
  const deployCommands = [
    [
      'generate',
      'print the files that run authwatch on a schedule: systemd, termux, launchd or cron; or the OpenClaw automation (openclaw)',
      'generateCommand',
    ],
    ['install', 'write those files to their places and enable them (systemd, termux, launchd), or create the OpenClaw automation (openclaw)', 'installCommand'],
    ['uninstall', 'reverse what install did', 'uninstallCommand'],
  ] as const;
  for (const [name, description, run] of deployCommands) {
    deployOptions(program.command(`${name} <platform>`).description(description), name === 'generate').action(async (platform: string, options: Deploy) => {
      const commands = await import('./commands/deploy.js');
      exitCode = await commands[run](platform, options, io);
    });
  }

  program
    .command('reauth')
    .description("renew a credential where its gateway runs (over ssh -t for a remote one), step by step as OpenClaw's docs give it, then check")
    .addOption(configOption())
    .option('-g, --gateway <name>', 'the gateway (its name in sources.openclaw; default: the only one)')
    .option('-p, --provider <id>', 'the provider to renew', 'anthropic')
    .option('-a, --agent <id>', 'the OpenClaw agent (default: the default agent)')
    .option('--paste', 'paste a token made on another machine (paste-token) instead of making one there (setup-token)')
    .option('-n, --dry-run', 'print the commands; run nothing')
    .option('--list', "print the gateways' names, one per line")
    .action(async (options: CommonOptions & { gateway?: string; provider: string; agent?: string; paste?: boolean; dryRun?: boolean; list?: boolean }) => {
      const { reauthCommand } = await import('./commands/reauth.js');
      exitCode = await reauthCommand(options, io);
    });

  type GatewayOpts = CommonOptions & import('./commands/gateway.js').GatewayOptions;
  const gateway = program.command('gateway').description('pair with an OpenClaw gateway on another host (by wss:// URL), forget a pairing, or show them');
  const which = (command: Command) =>
    command
      .addOption(configOption())
      .option('-g, --gateway <name>', 'the configured gateway (its name in sources.openclaw; default: the only one)')
      .option('--url <url>', 'the gateway URL instead, e.g. wss://gateway.lan:18789');
  which(gateway.command('pair'))
    .description('pair authwatch with the gateway as a device (scope operator.read): prints the openclaw devices approve to run there, waits, stores the token')
    .option('--token <secret>', "the gateway's shared token for the first pairing: env:VAR or file:PATH")
    .option('--tls-fingerprint <sha256>', "pin the gateway's certificate (a self-signed wss:// gateway)")
    .option('--wait <duration>', 'how long to wait for the approval', '10m')
    .action(async (options: GatewayOpts) => {
      const { pairCommand } = await import('./commands/gateway.js');
      exitCode = await pairCommand(options, io);
    });
  which(gateway.command('unpair'))
    .description("forget this host's device token for the gateway (and print how to remove the device there)")
    .action(async (options: GatewayOpts) => {
      const { unpairCommand } = await import('./commands/gateway.js');
      exitCode = await unpairCommand(options, io);
    });
  gateway
    .command('status')
    .description("this host's device id and the gateways it is paired with")
    .action(async () => {
      const { gatewayStatusCommand } = await import('./commands/gateway.js');
      exitCode = await gatewayStatusCommand(io);
    });

  program
    .command('doctor')
    .description('check that the scheduled job can work: node and openclaw on its PATH, config, notifiers, schedule; exit 1 on a problem')
    .addOption(configOption())
    .action(async (options: CommonOptions) => {
      const { doctorCommand } = await import('./commands/doctor.js');
      exitCode = await doctorCommand(options, io);
    });

  const notify = program.command('notify').description('try the configured notifiers');
  notify
    .command('test')
    .description('send a test alert through every notifier (or one) and print what happened; exit 1 if any failed')
    .addOption(configOption())
    .option('-n, --notifier <name>', 'only this notifier (its name, or its type when unnamed)')
    .action(async (options: CommonOptions & { notifier?: string }) => {
      const { notifyTest } = await import('./commands/notify.js');
      exitCode = await notifyTest(options, io);
    });

  const config = program.command('config').description('write or validate the config file');
  config
    .command('init')
    .description('write a commented starter config (every value is the default)')
    .addOption(configOption())
    .option('-f, --force', 'overwrite an existing file')
    .action(async (options: CommonOptions & { force?: boolean }) => {
      const { configInit } = await import('./commands/config.js');
      exitCode = await configInit(options, io);
    });
  config
    .command('check')
    .description('validate the config file and show what is in effect')
    .addOption(configOption())
    .action(async (options: CommonOptions) => {
      const { configCheck } = await import('./commands/config.js');
      exitCode = await configCheck(options, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // Help and --version "fail" with exit code 0; anything else is a usage error, already printed.
    return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  if (error instanceof ConfigError) {
    for (const line of error.lines) io.stderr.write(`authwatch: config error: ${line}\n`);
    return error.exitCode;
  }
  if (error instanceof UserError) {
    io.stderr.write(`authwatch: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`authwatch: internal error: ${quoteForeign(message)}\n`);
  if (io.env.AUTHWATCH_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return ExitCode.Internal;
}
