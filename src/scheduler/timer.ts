/** Longest single sleep. Node caps setTimeout at ~24.8 days; short slices also notice suspend. */
const SLICE_MS = 30_000;

/**
 * Calls `fire` once the wall clock reaches `at`, sleeping in slices of at most 30 s and reading
 * the wall clock after each: a laptop or phone that was suspended past `at` fires as soon as it
 * wakes, and a date years ahead never overflows setTimeout. Unref'd: it never keeps the process up.
 */
export class WallClockTimer {
  #handle: NodeJS.Timeout | undefined;

  constructor(
    readonly at: number,
    private readonly fire: () => void,
    private readonly now: () => number = Date.now,
  ) {
    this.#arm();
  }

  #arm(): void {
    const remaining = this.at - this.now();
    if (remaining <= 0) {
      this.#handle = undefined;
      this.fire();
      return;
    }
    this.#handle = setTimeout(() => this.#arm(), Math.min(remaining, SLICE_MS));
    this.#handle.unref();
  }

  cancel(): void {
    clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}

/**
 * Notices the wall clock jumping (a suspend and resume, or the clock being set) by comparing it
 * with the monotonic clock every `everyMs`, and calls `onJump` when they drift apart by more than
 * `toleranceMs`. A check then runs at once, since every time-based decision may be stale.
 */
export function watchClockJumps(onJump: (jumpMs: number) => void, everyMs = 10_000, toleranceMs = 5_000): () => void {
  let wall = Date.now();
  let mono = performance.now();
  const handle = setInterval(() => {
    const wallNow = Date.now();
    const monoNow = performance.now();
    const drift = wallNow - wall - (monoNow - mono);
    wall = wallNow;
    mono = monoNow;
    if (Math.abs(drift) > toleranceMs) onJump(drift);
  }, everyMs);
  handle.unref();
  return () => clearInterval(handle);
}
