import type { Command } from 'commander';
import { PLATFORM_HELP } from '../../deploy/platform-names.js';
import type { DeployOptions } from '../commands/deploy.js';
import { configOption, type Registration } from './shared.js';

function deployOptions(command: Command, generating: boolean): Command {
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
}

/** `generate`, `install`, `uninstall`: one platform of the table in src/deploy/platforms.ts. */
export const registerDeploy: Registration = (program, ctx) => {
  const commands = [
    ['generate', PLATFORM_HELP.generate, 'generateCommand'],
    ['install', PLATFORM_HELP.install, 'installCommand'],
    ['uninstall', 'reverse what install did', 'uninstallCommand'],
  ] as const;
  for (const [name, description, run] of commands) {
    deployOptions(program.command(`${name} <platform>`).description(description), name === 'generate').action(
      async (platform: string, options: DeployOptions) => {
        const implementation = await import('../commands/deploy.js');
        ctx.exitCode = await implementation[run](platform, options, ctx.io);
      },
    );
  }
};
