import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { Logger } from '../log.js';

/**
 * Holds `state.json.lock` while a run reads, decides, notifies and writes state, so that a timer
 * run and a manual run never both send the same alert. The second waits for the first and then
 * sees what it recorded. A lock left by a killed run goes stale after two minutes.
 */
export async function withStateLock<T>(statePath: string, log: Logger, work: () => Promise<T>): Promise<T> {
  const { default: lockfile } = await import('proper-lockfile');
  await mkdir(dirname(statePath), { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(statePath, {
      realpath: false,
      stale: 120_000,
      update: 10_000,
      // Up to ~2 minutes: long enough for another run's deliveries (delivery.deadline, 60 s by default).
      retries: { retries: 150, minTimeout: 100, maxTimeout: 1_000, factor: 1.5 },
      onCompromised: (error) => log.error({ path: statePath, reason: error.message }, 'lost the state lock; another run may send duplicates'),
    });
  } catch {
    throw new UserError(`another authwatch run has held ${statePath}.lock for over 2 minutes; try again later`, ExitCode.Unknown);
  }
  try {
    return await work();
  } finally {
    await release().catch(() => {});
  }
}
