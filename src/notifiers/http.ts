import type { DeliveryResult } from './types.js';

/**
 * POSTs and classifies the answer: 2xx delivered; 408, 429 and 5xx worth retrying (with the
 * server's Retry-After); other 4xx not. Error messages name the notifier and the host only: the
 * URL's path and query often are the secret (Slack and Discord webhook URLs).
 */
export async function postForDelivery(
  label: string,
  url: string,
  init: { body: string; headers: Record<string, string> },
  signal: AbortSignal,
): Promise<DeliveryResult> {
  const where = `${label} (${safeHost(url)})`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body: init.body, headers: init.headers, signal, redirect: 'error' });
  } catch (error) {
    const reason = signal.aborted ? 'timed out' : networkReason(error);
    return { ok: false, retryable: true, message: `${where}: ${reason}` };
  }
  // Drain the body so the connection is released; its content is not needed.
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return { ok: true };
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return {
    ok: false,
    retryable,
    message: `${where}: HTTP ${response.status}${retryable ? '' : ' (not retried: fix the notifier config)'}`,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ? `connection failed (${cause.code})` : 'connection failed';
}

/** Retry-After as seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
