import type { Env } from '../env.js';
import { shCommand } from '../shell.js';
import { sshRunArgv } from './ssh/argv.js';

/** Where OpenClaw's CLI runs: here, or on the gateway's host over SSH. */
export interface OpenclawCli {
  /** The argv that runs `openclaw <args>`. */
  argv(args: string[]): string[];
  /** `user@host[:port]` when it runs over SSH. */
  ssh: string | null;
  /** With `ssh`: the remote command, for remedies. */
  remoteCommand?: string;
}

/** `OPENCLAW_BIN` > the configured command > `openclaw` on PATH. */
export function openclawArgv(command: string | string[], env: Env): string[] {
  if (env.OPENCLAW_BIN) return [env.OPENCLAW_BIN];
  return Array.isArray(command) ? [...command] : [command];
}

export function localCli(command: string | string[], env: Env): OpenclawCli {
  const prefix = openclawArgv(command, env);
  return { argv: (args) => [...prefix, ...args], ssh: null };
}

/**
 * The CLI on another host: `ssh … -- host '<remoteCommand> <args>'`. ssh hands the remote shell
 * one string, so every argument is quoted for it here: an agent id is untrusted input (an id like
 * `x; rm -rf ~` or `$(…)` stays one literal word). `remoteCommand` is the user's own shell text.
 */
export function sshCli(destination: string, sshArgs: string[], remoteCommand: string, timeoutMs: number): OpenclawCli {
  return {
    argv: (args) => sshRunArgv({ destination, sshArgs, timeoutMs }, `${remoteCommand} ${shCommand(args)}`),
    ssh: destination,
    remoteCommand,
  };
}
