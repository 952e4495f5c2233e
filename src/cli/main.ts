import { Command, CommanderError } from 'commander';
import { ConfigError, UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { quoteForeign } from '../redact.js';
import { VERSION } from '../version.js';
import type { Io } from './io.js';
import { registerCheck } from './register/check.js';
import { registerConfig } from './register/config.js';
import { registerDeploy } from './register/deploy.js';
import { registerDoctor } from './register/doctor.js';
import { registerGateway } from './register/gateway.js';
import { registerHistory } from './register/history.js';
import { registerNotify } from './register/notify.js';
import { registerReauth } from './register/reauth.js';
import { registerSnooze } from './register/snooze.js';
import { type CommandContext, EXIT_CODES_HELP, type Registration } from './register/shared.js';
import { registerWatch } from './register/watch.js';

/** Every command, in the order --help lists them. A new command is one file in register/ and one line here. */
const COMMANDS: Registration[] = [
  registerCheck,
  registerWatch,
  registerDeploy,
  registerReauth,
  registerGateway,
  registerDoctor,
  registerNotify,
  registerSnooze,
  registerHistory,
  registerConfig,
];

/**
 * Parses argv and runs one command. Returns the exit code; the bin script only sets it.
 * Commands are imported when they run, so `--help` and unused commands cost nothing.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const ctx: CommandContext = { io, exitCode: ExitCode.Ok };
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
  for (const register of COMMANDS) register(program, ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
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
