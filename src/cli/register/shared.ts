import { type Command, Option } from 'commander';
import { LOG_LEVELS } from '../../log-levels.js';
import type { Io } from '../io.js';

/** What every command's action reads and writes: the Io, and the exit code it ends with (main returns it). */
export interface CommandContext {
  io: Io;
  exitCode: number;
}

/** One command (or group) of the CLI: adds itself to the program; its action imports the implementation when it runs. */
export type Registration = (program: Command, ctx: CommandContext) => void;

export const EXIT_CODES_HELP = `
Exit codes (check, status):
  0   every credential is ok, or has no expiry
  1   a credential is expired, missing or unusable (notify test: a notifier failed)
  2   a credential expires within the warn window (and none is in trouble)
  3   the status could not be determined (a source failed, timed out or printed garbage)
  64  usage error    70 internal error    73 cannot create file    78 config error`;

export const configOption = () => new Option('-c, --config <file>', 'config file (default: $AUTHWATCH_CONFIG, else $XDG_CONFIG_HOME/authwatch/config.yaml)');
export const logLevelOption = () => new Option('--log-level <level>', 'diagnostics on stderr (default: warn, or logLevel in the config)').choices(LOG_LEVELS);
export const agentOption = () =>
  new Option('-a, --agent <id>', 'check only this OpenClaw agent (repeatable; default: all agents)').argParser((value: string, previous: string[] = []) => [
    ...previous,
    value,
  ]);
