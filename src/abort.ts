/**
 * An abort signal that fires after `ms`, or when `parent` aborts, whichever comes first.
 *
 * Not `AbortSignal.timeout()`: its timer holds the signal only weakly, and once `fetch` has
 * resolved V8's idle GC may collect it, so reading a stalled body had no limit at all (seen: a
 * 10 s timeout waited 301 s). This timer is an ordinary, referenced `setTimeout` that keeps its
 * controller alive until `clear()` is called, which callers do only after the body is read.
 */
export function deadline(ms: number, parent?: AbortSignal): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(ms)), Math.max(0, ms));
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** The reason a `deadline()` signal aborts with when its time is up. */
export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** True when the signal was aborted by its own deadline (not by a parent, such as shutdown). */
export function timedOut(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof TimeoutError;
}

/** Resolves after `ms`, or at once when the signal aborts (the caller checks which). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    if (signal?.aborted) done();
    else signal?.addEventListener('abort', done, { once: true });
  });
}
