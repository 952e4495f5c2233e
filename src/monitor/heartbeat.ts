import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { safeHost } from '../notifiers/http.js';
import { resolveSecretAt } from '../notifiers/secret.js';

/**
 * Pings the dead-man's switch after a completed check: `url` when the status was determined,
 * `failUrl` (default `url/fail`, Healthchecks style) when a source failed. A missed ping becomes
 * the other service's alert, which covers authwatch itself stopping. Never retried: the next
 * check pings again. Never throws.
 */
export async function pingHeartbeat(
  heartbeat: NonNullable<Config['heartbeat']>,
  determined: boolean,
  env: Record<string, string | undefined>,
  log: Logger,
): Promise<boolean> {
  let url: string;
  try {
    const base = resolveSecretAt('heartbeat.url', heartbeat.url, env).reveal();
    url = determined ? base : heartbeat.failUrl ? resolveSecretAt('heartbeat.failUrl', heartbeat.failUrl, env).reveal() : `${base.replace(/\/+$/, '')}/fail`;
  } catch (error) {
    log.error({ reason: (error as Error).message }, 'heartbeat not sent');
    return false;
  }
  try {
    const response = await fetch(url, { method: heartbeat.method, signal: AbortSignal.timeout(heartbeat.timeout) });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) log.warn({ host: safeHost(url), status: response.status }, 'heartbeat ping refused');
    return response.ok;
  } catch {
    log.warn({ host: safeHost(url) }, 'heartbeat ping failed');
    return false;
  }
}
