import { deadline as attemptDeadline, sleep as abortableSleep } from '../abort.js';
import type { Alert, DeliveryResult, Notifier } from './types.js';

export interface RetryPolicy {
  /** Attempts within one run, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles each time, with ±20% jitter. */
  backoffMs: number;
  /** Timeout of each attempt, covering the whole exchange (for HTTP: headers and body). */
  timeoutMs: number;
  /** When the whole delivery must give up (epoch ms); what is left goes to the outbox. */
  deadline: number;
  /** Aborts the attempt in flight and stops retrying (watch's shutdown). */
  signal?: AbortSignal;
  /** Told of each failed attempt that will be tried again, with the wait before it. */
  onRetry?: (attempt: number, failure: Extract<DeliveryResult, { ok: false }>, waitMs: number) => void;
}

/**
 * The only retry loop: tries a notifier until it delivers, fails for good, runs out of attempts,
 * would pass the deadline, or is aborted. A server's Retry-After replaces the backoff when longer.
 */
export async function deliverWithRetry(
  notifier: Notifier,
  alert: Alert,
  policy: RetryPolicy,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
): Promise<DeliveryResult & { attempts: number }> {
  let result: DeliveryResult = { ok: false, retryable: true, message: `${notifier.name}: not attempted (no time left)` };
  let previous: DeliveryResult = { ok: true };
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const remaining = policy.deadline - Date.now();
    if (remaining <= 0 || policy.signal?.aborted) return { ...result, attempts: attempt - 1 };
    const limit = attemptDeadline(Math.min(policy.timeoutMs, remaining), policy.signal);
    try {
      result = await notifier.send(alert, limit.signal);
    } catch (error) {
      // A channel should return failures, not throw them; treat a throw as a transient failure.
      result = { ok: false, retryable: true, message: `${notifier.name}: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      limit.clear();
    }
    if (result.ok || !result.retryable || attempt === policy.attempts) return { ...result, attempts: attempt };
    // The same failure twice in a row (a program that cannot reach its daemon): a third try would
    // only say it again. It stays queued for the next run.
    if (result.program && !previous.ok && previous.message === result.message) return { ...result, attempts: attempt };
    previous = result;
    const backoff = policy.backoffMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
    const wait = Math.max(backoff, result.retryAfterMs ?? 0);
    if (Date.now() + wait >= policy.deadline) return { ...result, attempts: attempt };
    policy.onRetry?.(attempt, result, wait);
    await sleep(wait, policy.signal);
  }
  return { ...result, attempts: policy.attempts };
}
