import { readFileSync } from 'node:fs';

/**
 * Every OpenClaw start the tests make (CLI runs and gateways, here or over SSH) goes through the
 * wrapper scripts/ensure-openclaw.mjs writes, which appends its arguments to the file named by
 * AUTHWATCH_OPENCLAW_LOG: one file per test file (test/setup/openclaw-starts.ts sets it).
 *
 * The budget per file is what a full run of the file makes, plus about 20%. A file that starts
 * OpenClaw more often fails; raise its budget only with the reason in the commit.
 */
export const OPENCLAW_START_BUDGETS: Record<string, number> = {
  // 28 measured: 21 CLI runs, and 7 runs of OpenClaw's own code for the OAuth states (helpers/openclaw-sdk.mjs).
  '(states)': 34,
  // 58 measured, with the four OAuth rows.
  'parity.test.ts': 70,
  'real-openclaw.test.ts': 16,
  'states.test.ts': 6,
  'gateway.test.ts': 24,
  'gateway-health.test.ts': 14,
  'gateway-notify.test.ts': 19,
  'gateway-pairing.test.ts': 10,
  'gateway-ssh.test.ts': 26,
  // Timing-dependent: on a loaded machine the gateway comes back later, and more checks read the CLI meanwhile (16-22 seen).
  'gateway-watch.test.ts': 26,
};

/** The log of the starts that built the shared states (test/setup/openclaw-states.ts). */
export const STATES_LOG = '(states).log';

/** The starts recorded in one log. */
export function startsIn(log: string): string[] {
  try {
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The OpenClaw starts this test file has made so far, as their argument strings. */
export function openclawStarts(): string[] {
  const log = process.env.AUTHWATCH_OPENCLAW_LOG;
  if (!log) throw new Error('AUTHWATCH_OPENCLAW_LOG is not set: the openclaw project sets it (test/setup/openclaw-starts.ts)');
  return startsIn(log);
}

/** What a child environment needs to be counted: the log of this test file. */
export function countedEnv(): Record<string, string> {
  const log = process.env.AUTHWATCH_OPENCLAW_LOG;
  return log ? { AUTHWATCH_OPENCLAW_LOG: log } : {};
}

/** Runs `fn` and returns the OpenClaw starts made meanwhile, with its result. */
export async function startsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; starts: string[] }> {
  const before = openclawStarts().length;
  const result = await fn();
  return { result, starts: openclawStarts().slice(before) };
}
