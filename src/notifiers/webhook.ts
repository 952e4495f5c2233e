import { crypto } from '../lazy-crypto.js';
import { VERSION } from '../version.js';
import { endpointOf, isPlaintextRemote, safeHost } from '../net/http.js';
import { postForDelivery } from './http.js';
import { alertBody, alertPayload, alertTitle, markdownLiteral, markupLiteral } from './message.js';
import { resolveSecretAt, type Secret } from '../config/secret.js';
import type { Alert, Notifier } from './types.js';
import type { WebhookConfig } from './schemas.js';

/**
 * POSTs the alert as JSON. `generic` sends the versioned authwatch document, signed per the
 * Standard Webhooks spec when a secret is set; `slack` and `discord` send those services'
 * incoming-webhook shapes (they authenticate by URL, so no signature).
 */
export function createWebhook(config: WebhookConfig, env: Record<string, string | undefined>): Notifier {
  const url = resolveSecretAt('url', config.url, env);
  try {
    new URL(url.reveal());
  } catch {
    throw new Error('url: is not a valid URL');
  }
  const secret = config.secret === undefined ? undefined : signingKey(resolveSecretAt('secret', config.secret, env));
  const headers = Object.fromEntries(Object.entries(config.headers).map(([k, v]) => [k, resolveSecretAt(`headers.${k}`, v, env)] as const));
  const name = config.name ?? 'webhook';
  const parsed = new URL(url.reveal());
  // What would travel in the clear: a signature made with the secret, headers (tokens), or a URL
  // that is itself the credential (Slack, Discord, a key in the query or user info).
  const carriesSecret =
    secret !== undefined || Object.keys(headers).length > 0 || config.format !== 'generic' || parsed.search !== '' || parsed.username !== '';
  return {
    name,
    type: 'webhook',
    timeoutMs: config.timeout,
    needs: { servers: [endpointOf(url.reveal())] },
    warnings:
      carriesSecret && isPlaintextRemote(url.reveal())
        ? [`notifier webhook "${name}": sends its secret over plain http:// to ${safeHost(url.reveal())}, readable on the way; use https://`]
        : [],
    async send(alert, signal) {
      const body = JSON.stringify(bodyFor(config.format, alert));
      const sent: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': `authwatch/${VERSION}`,
        ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.reveal()])),
      };
      if (secret) Object.assign(sent, signatureHeaders(secret, alert.id, Math.floor(Date.now() / 1000), body));
      return postForDelivery(`webhook "${name}"`, url.reveal(), { body, headers: sent }, signal);
    },
  };
}

function bodyFor(format: WebhookConfig['format'], alert: Alert) {
  const text = `${alertTitle(alert)}\n${alertBody(alert)}`;
  // Slack: formatting off, and `&`, `<`, `>` escaped as Slack requires, so no name becomes a link or a mention.
  if (format === 'slack') return { text: markupLiteral(text), mrkdwn: false };
  // Discord: Markdown shown literally, no mentions (a name of "@everyone" pings no one), at most 2000 characters.
  if (format === 'discord') return { content: discordContent(markdownLiteral(text)), allowed_mentions: { parse: [] } };
  return alertPayload(alert);
}

/** Discord rejects content over 2000 characters: cut, never inside an escape. */
function discordContent(text: string): string {
  if (text.length <= 2000) return text;
  const cut = text.slice(0, 1999);
  const trailing = /\\*$/.exec(cut)![0].length;
  return `${trailing % 2 ? cut.slice(0, -1) : cut}…`;
}

/** The key bytes of a `whsec_<base64>` secret (the prefix is optional, as in the reference libraries). */
function signingKey(secret: Secret): Buffer {
  const text = secret.reveal();
  const key = Buffer.from(text.startsWith('whsec_') ? text.slice(6) : text, 'base64');
  if (key.length === 0) throw new Error('secret: expected whsec_ followed by base64');
  return key;
}

/**
 * Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. The id is
 * the alert event's, the same on every retry, so receivers can deduplicate; the timestamp is the
 * attempt's, so receivers can refuse replays.
 */
export function signatureHeaders(key: Buffer, id: string, timestamp: number, body: string): Record<string, string> {
  const signature = crypto().createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}
