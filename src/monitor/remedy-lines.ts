import { pastable, shCommand, shWord } from '../shell.js';
import { sshLogin } from '../openclaw/ssh/destination.js';

/**
 * A remedy as data: lines of prose and commands, each command an argv. It becomes text once, in
 * `renderRemedy`, for the host the commands must run on, so every name in a command (a profile id,
 * an agent id, a host) is quoted by construction and never by reading text back.
 */
export interface Command {
  argv: readonly Word[];
  /** `gateway`: runs where the gateway's OpenClaw CLI is (over `ssh -t` for another host); `here`: where authwatch runs. */
  on: 'gateway' | 'here';
}
/** A word the person fills in, shown as `<name>` (unquoted: pasted unfilled, the shell refuses the `<`). */
export interface Blank {
  blank: string;
}
export type Word = string | Blank;
export const blank = (name: string): Blank => ({ blank: name });
export type Line = ReadonlyArray<string | Command>;
export type Remedy = readonly Line[];

/** A command for the gateway's host (`openclaw …`, `claude setup-token`). */
export const onGateway = (...argv: Word[]): Command => ({ argv, on: 'gateway' });
/** A command for the host authwatch runs on (`authwatch …`, `ssh-keygen …`). */
export const onThisHost = (...argv: Word[]): Command => ({ argv, on: 'here' });

/** Text that carries no command (a command source's own remedy, a config hint), one line per line. */
export function prose(text: string): Remedy {
  return text.split('\n').map((line) => [line]);
}

/** Where a remedy's gateway commands run: here, or over SSH (`user@host[:port]`) with OpenClaw's command there (shell text). */
export interface RemedyHost {
  ssh: string | null;
  command?: string | undefined;
}

const UNPASTABLE = '(command not shown: a name in it has characters that cannot be pasted safely)';

/**
 * One command as a person pastes it. On another host: `ssh -t -- host '<command>'`, the command
 * quoted once for the login shell there and once more, as one word, for the shell it is pasted
 * into. `openclaw` becomes the configured command on that host (the user's own shell text, such as
 * a full path). A word that no paste can carry makes the whole command unprintable.
 */
export function renderCommand(command: Command, host: RemedyHost): string {
  const remote = command.on === 'gateway' && host.ssh ? host.ssh : null;
  if (!command.argv.every((w) => typeof w !== 'string' || pastable(w)) || (remote !== null && !pastable(remote))) return UNPASTABLE;
  const [program, ...args] = command.argv;
  const words = [program === 'openclaw' && remote !== null && host.command ? host.command : word(program ?? ''), ...args.map(word)].join(' ');
  return remote === null ? words : shCommand([...sshLogin(remote, true), words]);
}

function word(w: Word): string {
  return typeof w === 'string' ? shWord(w) : `<${w.blank}>`;
}

export function renderRemedy(remedy: Remedy, host: RemedyHost): string {
  return remedy.map((line) => line.map((part) => (typeof part === 'string' ? part : renderCommand(part, host))).join('')).join('\n');
}

/** One remedy line with its commands apart: `say` is its words, `run` each command as pasted. */
export interface RemedyStep {
  say: string;
  run: string[];
}

export function renderRemedySteps(remedy: Remedy, host: RemedyHost): RemedyStep[] {
  return remedy.map((line) => ({
    say: line
      .filter((part) => typeof part === 'string')
      .join('')
      .trim(),
    run: line.filter((part) => typeof part !== 'string').map((command) => renderCommand(command, host)),
  }));
}
