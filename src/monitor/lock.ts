import { mkdir, readFile, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { sleep } from '../abort.js';
import { UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { Logger } from '../log.js';

export interface LockOptions {
  log: Logger;
  /** Told when the lock cannot be taken at all (read-only or full disk): the work runs unlocked. */
  warn: (message: string) => void;
  /** Stops waiting (watch's shutdown). */
  signal?: AbortSignal;
  /** How long to wait for another run; long enough for its deliveries (delivery.deadline, 60 s by default). */
  waitMs?: number;
}

/**
 * Holds `state.json.lock` while a run reads, decides, notifies and writes state, so that a timer
 * run and a manual run never both send the same alert. The second waits for the first and then
 * sees what it recorded.
 *
 * Only contention waits. A lock that cannot be made (EROFS, EACCES, ENOSPC) is no reason to wait:
 * the run goes on unlocked, with a warning, since printing and alerting matter more than dedupe.
 * A lock whose owner is provably dead (same host, pid gone: `kill -9`) is taken over at once;
 * one whose owner cannot be checked (another host, no owner record) goes stale after 30 s
 * without its mtime being refreshed, which a live owner does every 5 s.
 */
export async function withStateLock<T>(statePath: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  const { default: lockfile } = await import('proper-lockfile');
  const lockDir = `${statePath}.lock`;
  const ownerPath = `${statePath}.lock-owner`;
  const until = Date.now() + (options.waitMs ?? 120_000);
  let release: (() => Promise<void>) | undefined;
  try {
    await mkdir(dirname(statePath), { recursive: true, mode: 0o700 });
    for (let delay = 50; ; delay = Math.min(delay * 1.5, 1_000)) {
      try {
        release = await lockfile.lock(statePath, {
          realpath: false,
          stale: 30_000,
          update: 5_000,
          retries: 0,
          onCompromised: (error) => options.log.error({ path: statePath, reason: error.message }, 'lost the state lock; another run may send duplicates'),
        });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
        if (await takeOverFromDeadOwner(lockDir, ownerPath, options.log)) continue;
        if (Date.now() >= until) {
          throw new UserError(
            `another authwatch run has held ${lockDir} for over ${Math.round((options.waitMs ?? 120_000) / 1000)} s; try again later`,
            ExitCode.Unknown,
          );
        }
        await sleep(delay, options.signal);
        options.signal?.throwIfAborted();
      }
    }
    await writeFile(ownerPath, JSON.stringify({ pid: process.pid, host: hostname() }), { mode: 0o600 }).catch(() => {});
  } catch (error) {
    if (error instanceof UserError || options.signal?.aborted) throw error;
    options.warn(
      `cannot lock ${lockDir} (${(error as NodeJS.ErrnoException).code ?? 'error'}); running without the lock, so a concurrent run could repeat an alert`,
    );
    return work();
  }
  try {
    return await work();
  } finally {
    await unlink(ownerPath).catch(() => {});
    await release().catch(() => {});
  }
}

/**
 * Removes the lock when its recorded owner ran on this host and is gone. The lock directory's
 * inode is compared before removal, so a lock that a third run took in between is left alone.
 */
async function takeOverFromDeadOwner(lockDir: string, ownerPath: string, log: Logger): Promise<boolean> {
  const before = await stat(lockDir).catch(() => undefined);
  if (!before) return true; // Released meanwhile: try again at once.
  let owner: { pid?: unknown; host?: unknown };
  try {
    owner = JSON.parse(await readFile(ownerPath, 'utf8')) as typeof owner;
  } catch {
    return false;
  }
  if (owner.host !== hostname() || typeof owner.pid !== 'number' || !Number.isInteger(owner.pid) || owner.pid <= 0 || isAlive(owner.pid)) return false;
  const now = await stat(lockDir).catch(() => undefined);
  if (!now || now.ino !== before.ino) return true;
  await rmdir(lockDir).catch(() => {});
  await unlink(ownerPath).catch(() => {});
  log.warn({ path: lockDir, pid: owner.pid }, 'took over a state lock left by a run that no longer exists');
  return true;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
