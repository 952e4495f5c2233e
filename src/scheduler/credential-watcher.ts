import { watch as watchFs, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';
import type { Logger } from '../log.js';

/** Files whose change means credentials may have changed: OpenClaw's stores and config, the CLIs' logins. */
const CREDENTIAL_FILES = /(\.sqlite(-wal|-journal)?|auth-profiles\.json|openclaw\.json|\.env|\.credentials\.json|auth\.json|oauth_creds\.json)$/;
/** A change is acted on after this quiet period. */
const DEBOUNCE_MS = 1_000;
/**
 * `openclaw models status` writes its SQLite store even though it only reads (measured: three
 * change events per run), so changes during our own check and this long after it are ignored;
 * otherwise every check would trigger the next.
 */
const OWN_WRITES_GRACE_MS = 2_000;

/**
 * Watches the directories that hold credentials, each on its own (not recursively: OpenClaw's
 * state directory also holds agent workspaces), and calls `onChange` once a burst of changes has
 * settled. Quiet while `busy()` (a check is running) and for a grace period after `checked()`.
 * Durations are measured on the monotonic clock: a pinned or jumping wall clock cannot stall them.
 */
export class CredentialWatcher {
  #watchers: FSWatcher[] = [];
  #watched = '';
  #timer: NodeJS.Timeout | undefined;
  #quietUntil = 0;

  constructor(
    private readonly onChange: () => void,
    private readonly busy: () => boolean,
    private readonly log: Logger,
    private readonly monotonic: () => number = () => performance.now(),
  ) {}

  /** A check just finished: its own writes are not changes. */
  checked(): void {
    this.#quietUntil = this.monotonic() + OWN_WRITES_GRACE_MS;
  }

  /** Watches exactly `dirs` (they may appear after start, so callers pass the set after every check). */
  watch(dirs: string[]): void {
    if (dirs.join('\n') === this.#watched) return;
    this.#closeWatchers();
    this.#watched = dirs.join('\n');
    for (const dir of dirs) {
      try {
        const watcher = watchFs(dir, { persistent: false }, (_event, file) => {
          if (this.busy() || this.monotonic() < this.#quietUntil) return;
          if (file && !CREDENTIAL_FILES.test(basename(String(file)))) return;
          clearTimeout(this.#timer);
          this.#timer = setTimeout(this.onChange, DEBOUNCE_MS);
          this.#timer.unref();
        });
        watcher.on('error', () => watcher.close());
        this.#watchers.push(watcher);
      } catch (error) {
        this.log.debug({ dir, reason: (error as NodeJS.ErrnoException).code }, 'cannot watch');
      }
    }
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#closeWatchers();
  }

  #closeWatchers(): void {
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
  }
}
