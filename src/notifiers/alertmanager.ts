import type { Status } from '../monitor/types.js';
import { endpointOf, isPlaintextRemote, safeHost } from '../net/http.js';
import { VERSION } from '../version.js';
import { postForDelivery } from './http.js';
import { alertTitle } from './message.js';
import type { AlertmanagerConfig } from './schemas.js';
import { resolveSecretAt } from '../config/secret.js';
import type { Alert, DeliveryResult, Notifier } from './types.js';

/**
 * The alert names and severities of the shipped Prometheus rules (deploy/prometheus), so a fleet
 * sees the same alerts whether Prometheus scraped authwatch's metrics or authwatch posted them.
 */
const RULE: Record<Exclude<Status, 'ok' | 'static'>, { alertname: string; severity: string }> = {
  warn: { alertname: 'AuthwatchCredentialExpiringSoon', severity: 'warning' },
  critical: { alertname: 'AuthwatchCredentialExpiringCritical', severity: 'critical' },
  expired: { alertname: 'AuthwatchCredentialUnusable', severity: 'critical' },
  missing: { alertname: 'AuthwatchCredentialUnusable', severity: 'critical' },
  unusable: { alertname: 'AuthwatchCredentialUnusable', severity: 'critical' },
  error: { alertname: 'AuthwatchChecksFailing', severity: 'warning' },
};

/** One alert of Alertmanager's v2 API (`POST /api/v2/alerts` takes a list of them). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt?: string;
  endsAt: string;
  generatorURL?: string;
}

/**
 * The labels that identify one credential's alert in Alertmanager, for the status it was
 * notified with. They carry no secrets: ids, names and the host.
 */
export function alertLabels(alert: Alert, status: Status): Record<string, string> {
  const c = alert.credential;
  const rule = RULE[status as keyof typeof RULE] ?? RULE.warn;
  const optional = { agent: c.agent, provider: c.provider, profile: c.profileId, gateway: c.gateway ?? null, window: c.window ?? null };
  return {
    alertname: rule.alertname,
    // A notice about a credential nobody uses is never more than info.
    severity: alert.inUse === false ? 'info' : rule.severity,
    status,
    credential: c.id,
    source: c.source,
    ...Object.fromEntries(Object.entries(optional).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')),
    host: alert.host,
  };
}

/**
 * What one alert event becomes: a firing alert that ends `ttl` from now unless posted again, and,
 * when the event leaves a status (resolved, or warn → critical), that status's alert ended now,
 * since its labels differ.
 */
export function postableAlerts(alert: Alert, now: number, ttlMs: number, generatorURL?: string): PostableAlert[] {
  const at = (ms: number) => new Date(ms).toISOString();
  const base = {
    ...(alert.startedAt !== undefined ? { startsAt: at(alert.startedAt) } : {}),
    ...(generatorURL ? { generatorURL } : {}),
  };
  const annotations = (status: Status) => ({
    summary: alertTitle({ ...alert, event: 'firing', status }),
    ...(alert.detail ? { description: alert.detail } : {}),
    ...(alert.remedy ? { remedy: alert.remedy } : {}),
    ...(alert.expiresAt !== null ? { expires_at: at(alert.expiresAt) } : {}),
  });
  const ended = alert.event === 'resolved' ? (alert.lastStatus ?? alert.severity) : alert.lastStatus;
  const out: PostableAlert[] = [];
  if (ended !== undefined && ended !== alert.status) {
    out.push({ labels: alertLabels(alert, ended), annotations: annotations(ended), ...base, endsAt: at(now) });
  }
  if (alert.event !== 'resolved') {
    out.push({ labels: alertLabels(alert, alert.status), annotations: annotations(alert.status), ...base, endsAt: at(now + ttlMs) });
  }
  return out;
}

/**
 * Posts to Alertmanager's v2 API, every event and, on every check, every alert still firing:
 * Alertmanager ends an alert at its `endsAt`, so one that is not posted again resolves by itself.
 * Each configured Alertmanager (an HA pair does not share alerts, only silences and the
 * notification log) gets every post; a failure at any of them is a failure to retry, which is
 * safe, since re-posting the same labels only refreshes the alert.
 */
export function createAlertmanager(config: AlertmanagerConfig, env: Record<string, string | undefined>): Notifier {
  const name = config.name ?? 'alertmanager';
  const specs = config.urls ?? (config.url !== undefined ? [config.url] : []);
  const urls = specs.map((spec, i) => {
    const key = config.urls ? `urls[${i}]` : 'url';
    const base = resolveSecretAt(key, spec, env).reveal();
    let parsed: URL;
    try {
      parsed = new URL(base);
    } catch {
      throw new Error(`${key}: is not a valid URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${key}: use an http:// or https:// URL`);
    return `${base.replace(/\/+$/, '')}/api/v2/alerts`;
  });
  let authorization: string | undefined;
  if (config.basicAuth) {
    const user = resolveSecretAt('basicAuth.username', config.basicAuth.username, env).reveal();
    const password = resolveSecretAt('basicAuth.password', config.basicAuth.password, env).reveal();
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  } else if (config.bearerToken) {
    authorization = `Bearer ${resolveSecretAt('bearerToken', config.bearerToken, env).reveal()}`;
  }
  const headers = { 'content-type': 'application/json', 'user-agent': `authwatch/${VERSION}`, ...(authorization ? { authorization } : {}) };

  const post = async (alerts: PostableAlert[], signal: AbortSignal): Promise<DeliveryResult> => {
    if (alerts.length === 0) return { ok: true };
    const body = JSON.stringify(alerts);
    const results = await Promise.all(urls.map((url) => postForDelivery(`alertmanager "${name}"`, url, { body, headers }, signal)));
    const failed = results.filter((r): r is Extract<DeliveryResult, { ok: false }> => !r.ok);
    if (failed.length === 0) return { ok: true };
    return {
      ok: false,
      retryable: failed.some((f) => f.retryable),
      message: failed.map((f) => f.message).join('; '),
      ...(failed.some((f) => f.retryAfterMs !== undefined) ? { retryAfterMs: Math.max(...failed.map((f) => f.retryAfterMs ?? 0)) } : {}),
    };
  };

  return {
    name,
    type: 'alertmanager',
    timeoutMs: config.timeout,
    needs: { servers: urls.map(endpointOf) },
    warnings: authorization
      ? urls
          .filter((u) => isPlaintextRemote(u))
          .map((u) => `notifier alertmanager "${name}": sends its credentials over plain http:// to ${safeHost(u)}, readable on the way; use https://`)
      : [],
    send: (alert, signal) => post(postableAlerts(alert, Date.now(), config.ttl, config.generatorURL), signal),
    refresh: (firing, signal) =>
      post(
        firing.flatMap((a) => postableAlerts(a, Date.now(), config.ttl, config.generatorURL)),
        signal,
      ),
  };
}
