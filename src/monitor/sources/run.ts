import { execa } from 'execa';
import { formatDuration } from '../../config/duration.js';
import { quoteForeign } from '../../redact.js';

export type RunOutcome =
  | { ok: true; stdout: string; stderr: string; exitCode: number }
  | { ok: false; kind: FailureKind; message: string };

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

/**
 * Runs a source program (no shell) and returns its stdout, or a one-line reason it could not.
 * A non-zero exit is not a failure here: OpenClaw exits 1 both for "expired" and for its own
 * errors, so callers decide by whether the output parses. The program runs in its own process
 * group, and a timeout kills the whole group: a wrapper script's children (`sh` → `node`) would
 * otherwise keep the pipes open and the run would hang past its timeout.
 */
export async function runProgram(argv: readonly string[], options: RunOptions): Promise<RunOutcome> {
  const [file, ...args] = argv;
  if (!file) return { ok: false, kind: 'failed', message: 'no command configured' };
  let child: ReturnType<typeof start>;
  try {
    child = start(file, args, options);
  } catch (error) {
    // Refused before anything ran: a NUL byte in an argument, say (execa validates synchronously).
    return { ok: false, kind: 'failed', message: `cannot start ${file}: ${argumentProblem(error)}` };
  }
  if (child.pid !== undefined) active.add(child.pid);
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
  }, options.timeoutMs);
  try {
    const result = await child;
    if (timedOut) return { ok: false, kind: 'timeout', message: `${file} timed out after ${formatDuration(options.timeoutMs)} and was killed` };
    const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') return { ok: false, kind: 'not-found', message: `${file} not found (not installed, or not on PATH)` };
    if (code === 'EACCES') return { ok: false, kind: 'not-found', message: `${file} is not executable (permission denied)` };
    if (result.isMaxBuffer) return { ok: false, kind: 'failed', message: `${file} printed more than ${MAX_OUTPUT_BYTES} bytes` };
    // The spawn itself failed (EMFILE: out of file descriptors; E2BIG: arguments or environment too large).
    if (code && result.exitCode === undefined && !result.signal) return { ok: false, kind: 'failed', message: `cannot start ${file} (${code})` };
    if (result.exitCode === undefined) {
      return { ok: false, kind: 'failed', message: `${file} was stopped by ${result.signal ?? 'a signal'}` };
    }
    return { ok: true, stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode };
  } finally {
    if (child.pid !== undefined) active.delete(child.pid);
    clearTimeout(timer);
    // The group leader may be gone while a grandchild lingers: make sure nothing outlives the run.
    if (timedOut) {
      signalGroup(child.pid, 'SIGKILL');
      clearTimeout(killTimer);
    }
  }
}

function start(file: string, args: string[], options: RunOptions) {
  return execa(file, args, {
    env: options.env,
    extendEnv: false,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    reject: false,
    detached: true,
    maxBuffer: MAX_OUTPUT_BYTES,
    stripFinalNewline: false,
  });
}

/** Why execa refused the arguments, without quoting them (they may hold anything). */
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
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length ? quoteForeign(lines[lines.length - 1]!) : '';
}
