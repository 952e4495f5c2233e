import { httpRequest, safeHost } from '../net/http.js';
import type { DeliveryResult } from './types.js';

/**
 * POSTs and classifies the answer: 2xx delivered; 408, 429 and 5xx worth retrying (with the
 * server's Retry-After), as are timeouts and network failures; other 4xx, redirects and requests
 * that cannot be built are not, since only a config change fixes them. Error messages name the
 * notifier and the host only: the URL's path and query often are the secret (Slack, Discord).
 */
export async function postForDelivery(
  label: string,
  url: string,
  init: { body: string; headers: Record<string, string> },
  signal: AbortSignal,
): Promise<DeliveryResult> {
  const where = `${label} (${safeHost(url)})`;
  const result = await httpRequest(url, { method: 'POST', ...init }, signal);
  if (!result.ok)
    return { ok: false, retryable: result.kind !== 'invalid', message: `${where}: ${result.message}${result.kind === 'invalid' ? ' (not retried)' : ''}` };
  const { status, headers } = result.response;
  if (status >= 200 && status < 300) return { ok: true };
  if (status >= 300 && status < 400) {
    const location = headers.get('location');
    const target = location ? safeHost(URL.canParse(location, url) ? new URL(location, url).href : location) : 'elsewhere';
    return {
      ok: false,
      retryable: false,
      message: `${where}: HTTP ${status}, redirect to ${target} not followed (not retried: put the final URL in the config)`,
    };
  }
  const retryable = status === 408 || status === 429 || status >= 500;
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
  return {
    ok: false,
    retryable,
    message: `${where}: HTTP ${status}${retryable ? '' : ' (not retried: fix the notifier config)'}`,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/** Retry-After as seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
