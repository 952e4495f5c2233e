import { spawn, type ChildProcess } from 'node:child_process';
import { formatDuration } from '../config/duration.js';
import { quoteForeign } from '../redact.js';

export type RunOutcome = { ok: true; stdout: string; stderr: string; exitCode: number } | { ok: false; kind: FailureKind; message: string };

/** Why a source program gave no usable output; remedies differ for each. */
export type FailureKind = 'not-found' | 'timeout' | 'failed';

export interface RunOptions {
  timeoutMs: number;
  env: Record<string, string | undefined>;
  /** Written to the program's stdin (command notifiers get the alert JSON); none by default. */
  input?: string;
}

/** Process groups of programs still running, so a shutting-down `watch` can end them all. */
const active = new Set<number>();

/** Kills every program started by runProgram that is still running (their whole process groups). */
export function killActivePrograms(): void {
  for (const pid of active) signalGroup(pid, 'SIGKILL');
}

/** Grace between SIGTERM and SIGKILL once a source times out. */
const KILL_GRACE_MS = 2_000;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** What a finished child gave back. */
interface Finished {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not start: ENOENT, EACCES, EMFILE, E2BIG, … */
  spawnError?: string;
  overflow: boolean;
}

/**
 * Runs a program (no shell) and returns its stdout, or a one-line reason it could not.
 * A non-zero exit is not a failure here: OpenClaw exits 1 both for "expired" and for its own
 * errors, so callers decide by whether the output parses. The program runs in its own process
 * group, and a timeout kills the whole group: a wrapper script's children (`sh` → `node`) would
 * otherwise keep the pipes open and the run would hang past its timeout.
 *
 * `node:child_process`, not execa: this is on every `check`'s path, and loading execa cost 45-70 ms
 * per run on this 2-core machine (check 3.7-3.8x → 3.0x a bare `node -e 0`, measured in the commit
 * that made this change). What we need of it is small: spawn, collect, cap, time out, kill the group.
 */
export async function runProgram(argv: readonly string[], options: RunOptions): Promise<RunOutcome> {
  const [file, ...args] = argv;
  if (!file) return { ok: false, kind: 'failed', message: 'no command configured' };
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      env: options.env as NodeJS.ProcessEnv,
      detached: true,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    // Refused before anything ran: a NUL byte in an argument or the environment, say.
    return { ok: false, kind: 'failed', message: `cannot start ${file}: ${argumentProblem(error)}` };
  }
  const pid = child.pid;
  if (pid !== undefined) active.add(pid);
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
  }, options.timeoutMs);
  try {
    const result = await collect(child, options.input, () => signalGroup(pid, 'SIGKILL'));
    if (timedOut)
      return { ok: false, kind: 'timeout', message: `${file} timed out after ${formatDuration(Math.ceil(options.timeoutMs / 1000) * 1000)} and was killed` };
    if (result.spawnError === 'ENOENT') return { ok: false, kind: 'not-found', message: `${file} not found (not installed, or not on PATH)` };
    if (result.spawnError === 'EACCES') return { ok: false, kind: 'not-found', message: `${file} is not executable (permission denied)` };
    // The spawn itself failed (EMFILE: out of file descriptors; E2BIG: arguments or environment too large).
    if (result.spawnError) return { ok: false, kind: 'failed', message: `cannot start ${file} (${result.spawnError})` };
    if (result.overflow) return { ok: false, kind: 'failed', message: `${file} printed more than ${MAX_OUTPUT_BYTES} bytes` };
    if (result.exitCode === null) return { ok: false, kind: 'failed', message: `${file} was stopped by ${result.signal ?? 'a signal'}` };
    return { ok: true, stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
  } finally {
    if (pid !== undefined) active.delete(pid);
    clearTimeout(timer);
    // The group leader may be gone while a grandchild lingers: make sure nothing outlives the run.
    if (timedOut) {
      signalGroup(pid, 'SIGKILL');
      clearTimeout(killTimer);
    }
  }
}

/** Feeds stdin, gathers stdout and stderr (together at most MAX_OUTPUT_BYTES), and waits for the end. */
function collect(child: ChildProcess, input: string | undefined, kill: () => void): Promise<Finished> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let overflow = false;
    const gather = (into: Buffer[]) => (chunk: Buffer) => {
      if (overflow) return;
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        overflow = true;
        kill();
        return;
      }
      into.push(chunk);
    };
    child.stdout!.on('data', gather(out));
    child.stderr!.on('data', gather(err));
    if (input !== undefined) {
      // A program that exits without reading its stdin closes the pipe: not our failure.
      child.stdin!.on('error', () => {});
      child.stdin!.end(input);
    }
    const done = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string) =>
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode,
        signal,
        overflow,
        ...(spawnError ? { spawnError } : {}),
      });
    child.once('error', (error: NodeJS.ErrnoException) => {
      // Without a pid it never started; otherwise 'close' follows and says how it ended.
      if (child.pid === undefined) done(null, null, error.code ?? 'error');
    });
    child.once('close', (code, signal) => {
      if (child.pid !== undefined) done(code, signal);
    });
  });
}

/** Why spawn refused the arguments, without quoting them (they may hold anything). */
function argumentProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (/null bytes/i.test(message)) return 'an argument contains a NUL byte';
  return (error as NodeJS.ErrnoException).code ?? 'invalid arguments';
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** The last non-empty stderr line of a failed program, scrubbed, for a one-line error. */
export function describeStderr(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length ? quoteForeign(lines[lines.length - 1]!) : '';
}
