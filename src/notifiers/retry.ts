import type { Alert, DeliveryResult, Notifier } from './types.js';

export interface RetryPolicy {
  /** Attempts within one run, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles each time, with ±20% jitter. */
  backoffMs: number;
  /** Timeout of each attempt. */
  timeoutMs: number;
  /** When the whole delivery must give up (epoch ms); what is left goes to the outbox. */
  deadline: number;
}

/**
 * The only retry loop: tries a notifier until it delivers, fails for good, runs out of attempts
 * or would pass the deadline. A server's Retry-After replaces the backoff when it is longer.
 */
export async function deliverWithRetry(
  notifier: Notifier,
  alert: Alert,
  policy: RetryPolicy,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<DeliveryResult & { attempts: number }> {
  let result: DeliveryResult = { ok: false, retryable: true, message: `${notifier.name}: not attempted (no time left)` };
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const remaining = policy.deadline - Date.now();
    if (remaining <= 0) return { ...result, attempts: attempt - 1 };
    const signal = AbortSignal.timeout(Math.min(policy.timeoutMs, remaining));
    try {
      result = await notifier.send(alert, signal);
    } catch (error) {
      // A channel should return failures, not throw them; treat a throw as a transient failure.
      result = { ok: false, retryable: true, message: `${notifier.name}: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (result.ok || !result.retryable || attempt === policy.attempts) return { ...result, attempts: attempt };
    const backoff = policy.backoffMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
    const wait = Math.max(backoff, result.retryAfterMs ?? 0);
    if (Date.now() + wait >= policy.deadline) return { ...result, attempts: attempt };
    await sleep(wait);
  }
  return { ...result, attempts: policy.attempts };
}
