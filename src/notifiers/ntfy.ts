import type { Status } from '../monitor/types.js';
import { endpointOf, isPlaintextRemote, safeHost } from '../net/http.js';
import { postForDelivery } from './http.js';
import { alertBody, alertTitle } from './message.js';
import { resolveSecretAt } from '../config/secret.js';
import type { ChannelLinks } from './registry.js';
import type { Alert, Notifier } from './types.js';
import type { NtfyConfig } from './schemas.js';

/** ntfy priorities: 1 min … 5 max. */
const PRIORITY: Partial<Record<Status, number>> = { warn: 3, critical: 4, expired: 5, missing: 5, unusable: 5, error: 4 };
const TAGS: Partial<Record<Status, string>> = {
  warn: 'warning',
  critical: 'rotating_light',
  expired: 'x',
  missing: 'x',
  unusable: 'no_entry',
  error: 'question',
};

export function ntfyPriority(alert: Alert): number {
  return alert.event === 'resolved' || alert.inUse === false ? 2 : (PRIORITY[alert.status] ?? 3);
}

/**
 * A header value any HTTP client can send: printable ASCII as is, anything else (an agent named in
 * Cyrillic, an emoji) as an RFC 2047 encoded word, which ntfy decodes. Sent raw, such a value
 * made fetch refuse the request on every run.
 */
export function headerText(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/**
 * A topic on the public ntfy.sh that others could guess and read: topics there are open to anyone
 * who names them, and these alerts carry host and credential names. Guessable: shorter than 16
 * characters, or only letters and separators (words), with no digits to make it random.
 */
export function guessablePublicTopic(server: string, topic: string): boolean {
  const host = (() => {
    try {
      return new URL(server).hostname;
    } catch {
      return '';
    }
  })();
  return host === 'ntfy.sh' && (topic.length < 16 || /^[A-Za-z_-]+$/.test(topic));
}

/** Publishes to `server/topic` with ntfy's headers (Title, Priority, Tags, Click). */
export function createNtfy(config: NtfyConfig, env: Record<string, string | undefined>, links: ChannelLinks = {}): Notifier {
  const token = config.token === undefined ? undefined : resolveSecretAt('token', config.token, env);
  const url = `${config.server.replace(/\/+$/, '')}/${config.topic}`;
  try {
    new URL(url);
  } catch {
    throw new Error('server: is not a valid URL');
  }
  const name = config.name ?? 'ntfy';
  return {
    name,
    type: 'ntfy',
    timeoutMs: config.timeout,
    needs: { servers: [endpointOf(url)] },
    warnings: [
      ...(token && isPlaintextRemote(url)
        ? [`notifier ntfy "${name}": sends its access token over plain http:// to ${safeHost(url)}, readable on the way; use https://`]
        : []),
      ...(guessablePublicTopic(config.server, config.topic) && !token
        ? [
            `notifier ntfy "${name}": the topic "${config.topic}" on the public ntfy.sh is easy to guess, and anyone who names it reads these alerts (host and credential names); use a random one, e.g. authwatch-$(openssl rand -hex 8), or your own server`,
          ]
        : []),
    ],
    send(alert, signal) {
      const tags = [alert.event === 'resolved' ? 'white_check_mark' : (TAGS[alert.status] ?? 'key'), 'key', ...config.tags];
      const headers: Record<string, string> = {
        title: headerText(alertTitle(alert)),
        priority: String(ntfyPriority(alert)),
        tags: headerText(tags.join(',')),
        'content-type': 'text/plain; charset=utf-8',
      };
      if (config.click) headers.click = config.click;
      if (token) headers.authorization = `Bearer ${token.reveal()}`;
      // A button that snoozes it through watch's page (web.url): a link signed for this one credential, no password in it.
      const snooze = alert.event === 'resolved' || alert.test ? undefined : links.snooze?.(alert);
      if (snooze) headers.actions = `http, Snooze 4h, ${snooze}, method=POST, clear=true`;
      return postForDelivery(`ntfy "${name}"`, url, { body: alertBody(alert), headers }, signal);
    },
  };
}
