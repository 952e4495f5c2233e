import type { Config } from '../config/schema.js';
import type { Env } from '../env.js';
import type { Logger } from '../log.js';
import { deadline } from '../abort.js';
import { httpRequest, isPlaintextRemote, safeHost } from '../net/http.js';
import { resolveSecretAt } from '../config/secret.js';

/**
 * Pings the dead-man's switch after a completed check: `url` when the status was determined,
 * `failUrl` (default: `/fail` appended to the URL's path, Healthchecks style) when a source
 * failed. A missed ping becomes the other service's alert, which covers authwatch itself
 * stopping. Never retried: the next check pings again. Never throws.
 */
export async function pingHeartbeat(
  heartbeat: NonNullable<Config['heartbeat']>,
  { determined, env, log, signal }: { determined: boolean; env: Env; log: Logger; signal?: AbortSignal | undefined },
): Promise<boolean> {
  let url: string;
  try {
    const base = resolveSecretAt('heartbeat.url', heartbeat.url, env).reveal();
    url = determined ? base : heartbeat.failUrl ? resolveSecretAt('heartbeat.failUrl', heartbeat.failUrl, env).reveal() : failUrlOf(base);
  } catch (error) {
    log.error({ reason: (error as Error).message }, 'heartbeat not sent');
    return false;
  }
  const limit = deadline(heartbeat.timeout, signal);
  try {
    const result = await httpRequest(url, { method: heartbeat.method }, limit.signal, 4096);
    if (!result.ok) log.warn({ host: safeHost(url), reason: result.message }, 'heartbeat ping failed');
    else if (result.response.status < 200 || result.response.status >= 300)
      log.warn({ host: safeHost(url), status: result.response.status }, 'heartbeat ping refused');
    return result.ok && result.response.status >= 200 && result.response.status < 300;
  } finally {
    limit.clear();
  }
}

/**
 * `/fail` appended to the path, keeping the query: `https://h/ping/ID?rid=1` → `https://h/ping/ID/fail?rid=1`.
 * Appending to the whole string would put it inside the query, and ping the success URL on failure.
 */
export function failUrlOf(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/fail`;
  return parsed.href;
}

/** The heartbeat URL is a credential (whoever has it can ping): say so when it goes over plain http://. */
export function heartbeatWarnings(heartbeat: Config['heartbeat'], env: Record<string, string | undefined>): string[] {
  if (!heartbeat) return [];
  try {
    const url = resolveSecretAt('heartbeat.url', heartbeat.url, env).reveal();
    return isPlaintextRemote(url) ? [`heartbeat: its URL (a credential) goes over plain http:// to ${safeHost(url)}, readable on the way; use https://`] : [];
  } catch {
    // Reported where the URL is used.
    return [];
  }
}
