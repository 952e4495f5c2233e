import { existsSync } from 'node:fs';
import { describeStderr, runProgram } from '../process/run.js';
import { shCommand } from '../shell.js';

type Env = Record<string, string | undefined>;

/**
 * Whether systemctl reaches the manager that would run the units (the user's, with `--user`).
 * Without a user session (a container, `su`, some SSH setups) it answers "Failed to connect to
 * bus", and a user timer written there would never run.
 */
export async function reachManager(ctl: readonly string[], env: Env): Promise<{ ok: true } | { ok: false; why: string }> {
  const run = await runProgram([...ctl, 'show-environment'], { timeoutMs: 10_000, env });
  if (!run.ok) return { ok: false, why: run.message };
  if (run.exitCode !== 0) return { ok: false, why: describeStderr(run.stderr) || `exit ${run.exitCode}` };
  return { ok: true };
}

/** A unit's ActiveState, or why systemctl could not say (its manager unreachable, or no systemctl). */
export async function unitState(ctl: readonly string[], unit: string, env: Env): Promise<{ ok: true; state: string } | { ok: false; why: string }> {
  const run = await runProgram([...ctl, 'show', unit, '--property=ActiveState'], { timeoutMs: 10_000, env });
  if (!run.ok) return { ok: false, why: run.message };
  const state = run.exitCode === 0 ? /ActiveState=(\S+)/.exec(run.stdout)?.[1] : undefined;
  return state ? { ok: true, state } : { ok: false, why: describeStderr(run.stderr) || `exit ${run.exitCode}` };
}

/** The command that turns lingering on for `user`, quoted for pasting whatever the name holds. */
export const enableLinger = (user: string): string => shCommand(['loginctl', 'enable-linger', user]);

/** What logind says of a user (`Linger`, `State`, …), or undefined when loginctl cannot say. */
export async function loginProperties(user: string, properties: readonly string[], env: Env): Promise<Record<string, string> | undefined> {
  const run = await runProgram(['loginctl', 'show-user', user, ...properties.map((p) => `--property=${p}`)], { timeoutMs: 10_000, env });
  if (!run.ok || run.exitCode !== 0) return undefined;
  const answer: Record<string, string> = {};
  for (const [, key, value] of run.stdout.matchAll(/^(\w+)=(.*)$/gm)) answer[key!] = value!;
  return answer;
}

/** What to do instead when the manager is out of reach, said by `install systemd` and `doctor` alike: the problem, then the fixes. */
export function withoutManager(ctl: readonly string[], user: string, why: string): { problem: string; fixes: string[] } {
  const where = ctl.includes('--user') ? 'your systemd user manager' : 'systemd';
  // sd_booted(3): systemd is the init system exactly when this directory exists.
  const booted = existsSync('/run/systemd/system');
  return {
    problem: `${ctl.join(' ')} cannot reach ${where} (${why})${booted ? '' : '; systemd is not running on this host'}, so a timer there would never run`,
    fixes: [
      ...(booted && ctl.includes('--user') ? [`turn on lingering, then log in again (it starts your user manager): ${enableLinger(user)}`] : []),
      'add the line `authwatch generate cron` prints to your crontab (crontab -e)',
      'run `authwatch watch` under the supervisor you have (docs/scheduling.md)',
    ],
  };
}
