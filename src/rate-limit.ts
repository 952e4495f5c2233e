/**
 * Turns a burst of pokes into calls at most once per `intervalMs`: the first poke calls at once,
 * later ones within the interval are gathered into one call at its end, told how many it covers.
 * The timer is unref'd: a pending call never keeps the process alive, and the callers ignore it
 * once stopped (the trigger queue does).
 */
export class RateLimited {
  #last = Number.NEGATIVE_INFINITY;
  #pending = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly call: (pokes: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  poke(): void {
    this.#pending++;
    if (this.#timer) return;
    const wait = this.#last + this.intervalMs - this.now();
    if (wait <= 0) this.#fire();
    else this.#timer = setTimeout(() => this.#fire(), wait).unref();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#last = this.now();
    const pokes = this.#pending;
    this.#pending = 0;
    this.call(pokes);
  }

  /** Drops a gathered call (the link it served is closed). */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = 0;
  }
}
