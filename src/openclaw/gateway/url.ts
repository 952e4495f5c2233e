import { isIP } from 'node:net';
import { holdSecret } from '../../redact.js';

// A gateway's URL: what may be shown of it, whether it is another host's, and whether OpenClaw's client would refuse it.

/**
 * A URL as it may be shown: `ws://user:pw@host` → `ws://host`, and the `user:pw` apart (remembered
 * as a secret) for the connection itself.
 */
export function withoutCredentials(url: string): { url: string; credentials?: string } {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i.exec(url);
  if (!match) return { url };
  const credentials = match[2]!;
  holdSecret(credentials);
  const password = credentials.slice(credentials.indexOf(':') + 1);
  if (credentials.includes(':')) holdSecret(password);
  return { url: `${match[1]}${url.slice(match[0].length)}`, credentials };
}

/** The URL to connect to: the credentials put back where `withoutCredentials` took them from. */
export function withCredentials(url: string, credentials: string | undefined): string {
  return credentials ? url.replace(/^([a-z][a-z0-9+.-]*:\/\/)/i, `$1${credentials}@`) : url;
}

/** One pairing per gateway endpoint: scheme, host and port (`wss://gw.lan:18789`). */
export function gatewayKey(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`.toLowerCase();
}

/** Not this host: a URL whose host is neither `localhost` nor a loopback address needs pairing. */
export function isRemoteUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return false;
  if (isIP(host) === 4) return !host.startsWith('127.');
  // IPv4-mapped loopback: URL writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
  if (isIP(host) === 6) return host !== '::1' && !/^::ffff:(?:127\.|7f[0-9a-f]{2}:)/.test(host);
  return true;
}

/**
 * Whether OpenClaw's client refuses plaintext `ws://` to this URL's host, as its policy reads: only
 * loopback, private, link-local and CGNAT (tailnet) addresses, `.local` and `.ts.net` names are
 * allowed. Asked first, so that a public `ws://` gateway is reported as what it is, not as unpaired.
 */
export function plaintextRefused(url: string): boolean {
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'ws:') return false;
    host = parsed.hostname
      .replace(/^\[|\]$/g, '')
      .toLowerCase()
      .replace(/\.+$/, '');
  } catch {
    return false;
  }
  if (!isRemoteUrl(url) || host.endsWith('.local') || host.endsWith('.ts.net')) return false;
  if (isIP(host) === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    const privateV4 =
      a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
    return !privateV4;
  }
  if (isIP(host) === 6) return !/^(f[cd]|fe[89ab])/.test(host);
  return true;
}

/** The host of a gateway URL on another host (a paired device), else undefined. */
export function urlHost(url: string | undefined): string | undefined {
  return url && isRemoteUrl(url) ? new URL(url).hostname.replace(/^\[|\]$/g, '') : undefined;
}
