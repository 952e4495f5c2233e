/** Where a command reads its environment and writes its output. Tests pass buffers. */
export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** The clock; tests pin it. */
  now: () => number;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, now: clock(process.env) };
}

/**
 * The wall clock, or for tests only the fixed instant in AUTHWATCH_NOW (ISO 8601 or epoch ms), so
 * that reminders and expiries can be tested across processes without sleeping.
 */
function clock(env: Record<string, string | undefined>): () => number {
  const fixed = env.AUTHWATCH_NOW;
  if (!fixed) return Date.now;
  const at = /^\d+$/.test(fixed) ? Number(fixed) : Date.parse(fixed);
  if (Number.isNaN(at)) throw new Error('AUTHWATCH_NOW is not an ISO 8601 date or epoch milliseconds');
  return () => at;
}

/** Colour on a terminal unless NO_COLOR is set; FORCE_COLOR forces it. */
export function useColor(io: Io): boolean {
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true && io.env.TERM !== 'dumb';
}
