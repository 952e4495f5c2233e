import { timedOut } from '../abort.js';
import { holdSecret } from '../redact.js';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The body as text, cut at `maxBodyBytes`: we only ever need the start of an answer. */
  body: string;
}

/** Why a request got no answer; callers decide what is worth retrying. */
export type HttpFailure =
  /** The signal's own deadline passed, while waiting for the headers or for the body. */
  | { kind: 'timeout'; message: string }
  /** The caller gave up (shutdown). */
  | { kind: 'aborted'; message: string }
  /** The request could not even be built (an invalid header value): trying again cannot help. */
  | { kind: 'invalid'; message: string }
  /** DNS, refused, reset, TLS. */
  | { kind: 'network'; message: string };

const DEFAULT_MAX_BODY = 64 * 1024;

/**
 * One HTTP request with one limit over the whole exchange: `signal` bounds the headers **and** the
 * body, which is read here (up to `maxBodyBytes`, the rest cancelled) so that no caller can leave a
 * stalled or trickling body unbounded. Redirects are returned, never followed: a redirect would
 * carry our headers, secrets among them, to another host. Never throws.
 */
export async function httpRequest(
  url: string,
  request: HttpRequest,
  signal: AbortSignal,
  maxBodyBytes = DEFAULT_MAX_BODY,
): Promise<{ ok: true; response: HttpResponse } | ({ ok: false } & HttpFailure)> {
  let response: Response;
  try {
    const { target, headers } = basicAuthFromUrl(url, request.headers);
    response = await fetch(target, { method: request.method, headers, body: request.body, signal, redirect: 'manual' });
  } catch (error) {
    return { ok: false, ...failure(error, signal) };
  }
  try {
    const body = await readCapped(response, signal, maxBodyBytes);
    return { ok: true, response: { status: response.status, headers: response.headers, body } };
  } catch (error) {
    return { ok: false, ...failure(error, signal) };
  }
}

/**
 * `https://user:pass@host/…`, which fetch refuses to send: the credentials become the basic auth they
 * stand for (as curl sends them), unless the request already carries an authorization header.
 */
function basicAuthFromUrl(url: string, headers: Record<string, string> | undefined): { target: string; headers: Record<string, string> | undefined } {
  const match = /^(https?:\/\/)([^@/?#]*)@/i.exec(url);
  if (!match) return { target: url, headers };
  const target = `${match[1]}${url.slice(match[0].length)}`;
  if (Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'authorization')) return { target, headers };
  holdSecret(match[2]!);
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const [user = '', password = ''] = match[2]!.split(/:(.*)/s).map(decode);
  return { target, headers: { ...headers, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } };
}

/** Reads at most `max` bytes of the body, racing every read against the signal. */
async function readCapped(response: Response, signal: AbortSignal, max: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  let onAbort: (() => void) | undefined;
  // The stream should error on abort by itself; this race makes sure a read never outlives the signal.
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    signal.removeEventListener('abort', onAbort!);
    // Releases the connection whether the body was read to the end, cut, or abandoned.
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

function failure(error: unknown, signal: AbortSignal): HttpFailure {
  if (timedOut(signal)) return { kind: 'timeout', message: 'timed out' };
  if (signal.aborted) return { kind: 'aborted', message: 'stopped before it finished' };
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  // undici reports network failures as "fetch failed" with a cause; a request it refuses to build
  // (a header value that is not a ByteString, CR/LF in a header) is a TypeError without one.
  if (error instanceof TypeError && cause === undefined)
    return { kind: 'invalid', message: 'the request is not valid HTTP (a header value has characters HTTP cannot carry)' };
  const code = cause?.code ?? (cause as { errors?: Array<{ code?: string }> } | undefined)?.errors?.[0]?.code;
  return { kind: 'network', message: code ? `connection failed (${code})` : 'connection failed' };
}

/** `host[:port]` of a URL, for messages: the path and query are often the secret (Slack, Discord). */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}

/** The server a URL connects to (host without IPv6 brackets, port with the scheme's default), for doctor to try. */
export function endpointOf(url: string): { host: string; port: number } {
  const { hostname, port, protocol } = new URL(url);
  return { host: hostname.replace(/^\[(.*)\]$/, '$1'), port: port ? Number(port) : protocol === 'https:' ? 443 : 80 };
}

/** True when the URL is plain http:// to somewhere other than this machine. */
export function isPlaintextRemote(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol !== 'http:') return false;
    return !(hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname));
  } catch {
    return false;
  }
}
