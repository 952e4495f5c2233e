/**
 * Runs one job at a time. A trigger that arrives while the job runs is remembered (only the
 * first reason: one more run covers them all) and runs right after; after `stop()` triggers are
 * ignored. This is why checks never overlap, whatever fires them.
 */
export class TriggerQueue {
  #running: Promise<void> | undefined;
  #pending: string | undefined;
  #stopped = false;

  constructor(private readonly run: (reason: string) => Promise<void>) {}

  trigger(reason: string): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#pending ??= reason;
      return;
    }
    this.#running = this.run(reason).finally(() => {
      this.#running = undefined;
      const next = this.#pending;
      this.#pending = undefined;
      if (next) this.trigger(next);
    });
  }

  /** The run in progress, if any. */
  get running(): Promise<void> | undefined {
    return this.#running;
  }

  /** No new runs from now on; a pending one is dropped. */
  stop(): void {
    this.#stopped = true;
    this.#pending = undefined;
  }
}
