import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Secret } from '../config/secret.js';
import { UsageError } from '../errors.js';
import { crypto } from '../lazy-crypto.js';
import { type CheckReport, toJson, worstStatus } from '../monitor/report.js';
import { badgeSvg, pageCsp } from './page.js';
import { type SnoozeGrant, verifyGrant } from './snooze-link.js';

/**
 * Limits that keep a misbehaving client from using up `watch`'s file descriptors (which the
 * checks need to start programs): few scrapers or browsers ever connect at once, and none needs long.
 */
export const WEB_LIMITS = { maxConnections: 32, headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, idleTimeoutMs: 5_000, maxBodyBytes: 4096 };

/** Who may see the page and its API: anyone on loopback, else only with the token or the password. */
export interface WebAccess {
  token?: Secret | undefined;
  basicAuth?: { username: Secret; password: Secret } | undefined;
}

export interface WebHandlers {
  /** The metrics text of the last check, or undefined before the first one. */
  metrics(): string | undefined;
  report(): CheckReport | undefined;
  /** The status page, or undefined before the first check. */
  page(): Promise<string | undefined>;
  /** The key that signs snooze links. */
  snoozeKey(): Buffer;
  /** Sets a snooze a signed link asked for. */
  snooze(grant: SnoozeGrant, from: string): Promise<void>;
  now(): number;
}

/** Whether an address only this host can reach: 127/8, ::1, or localhost. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '::ffff:127.0.0.1';
}

function same(given: string, expected: string): boolean {
  const [a, b] = [crypto().createHash('sha256').update(given).digest(), crypto().createHash('sha256').update(expected).digest()];
  return crypto().timingSafeEqual(a, b);
}

/** Whether the request may see the page: by token (Bearer) or basic auth when set; else only when bound to loopback. */
function allowed(req: IncomingMessage, access: WebAccess, loopback: boolean): boolean {
  if (!access.token && !access.basicAuth) return loopback;
  const header = req.headers.authorization ?? '';
  if (access.token && header.startsWith('Bearer ') && same(header.slice(7), access.token.reveal())) return true;
  if (access.basicAuth && header.startsWith('Basic ')) {
    const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    return same(user ?? '', access.basicAuth.username.reveal()) && same(rest.join(':'), access.basicAuth.password.reveal());
  }
  return false;
}

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > WEB_LIMITS.maxBodyBytes) return undefined;
  }
  return new URLSearchParams(body);
}

/** POST /api/snooze: a signed link, from a notification's button or the page's form. */
async function snoozeRoute(req: IncomingMessage, res: ServerResponse, handlers: WebHandlers): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const form = await readForm(req);
  if (!form) {
    res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('not snoozed: the request is too large\n');
    return;
  }
  for (const [k, v] of url.searchParams) if (!form.has(k)) form.set(k, v);
  const verdict = verifyGrant(handlers.snoozeKey(), form, handlers.now());
  if ('refused' in verdict) {
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end(`not snoozed: ${verdict.refused}\n`);
    return;
  }
  const fromPage = (req.headers.accept ?? '').includes('text/html');
  await handlers.snooze(verdict.grant, fromPage ? 'snoozed from the status page' : 'snoozed from a notification');
  if (fromPage) res.writeHead(303, { location: '/', ...SECURITY_HEADERS }).end();
  else res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end(`snoozed ${verdict.grant.id}\n`);
}

/**
 * `watch`'s HTTP server: `/metrics` (Prometheus) and `/healthz` for anyone, as before; `/` (the
 * status page), `/api/status` (the check --json document) and `/badge.svg` behind `access`; and
 * `POST /api/snooze` for signed links. Everything but the snooze answers 503 until the first check.
 */
async function route(req: IncomingMessage, res: ServerResponse, handlers: WebHandlers, access: WebAccess, loopback: boolean): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'POST' && path === '/api/snooze') return snoozeRoute(req, res, handlers);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const metrics = handlers.metrics();
  if (path === '/metrics') {
    if (metrics === undefined) res.writeHead(503, { 'content-type': 'text/plain' }).end('no check has finished yet\n');
    else res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(metrics);
    return;
  }
  if (path === '/healthz') {
    res.writeHead(metrics === undefined ? 503 : 200, { 'content-type': 'text/plain' }).end(metrics === undefined ? 'starting\n' : 'ok\n');
    return;
  }
  if (path === '/favicon.ico') {
    // Browsers ask for it; nothing to show, and not an error in their console.
    res.writeHead(204, SECURITY_HEADERS).end();
    return;
  }
  if (path !== '/' && path !== '/api/status' && path !== '/badge.svg') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('try /, /api/status, /badge.svg, /metrics or /healthz\n');
    return;
  }
  if (!allowed(req, access, loopback)) {
    const asks = access.basicAuth ? { 'www-authenticate': 'Basic realm="authwatch", charset="UTF-8"' } : {};
    const why =
      access.token || access.basicAuth
        ? 'sign in (web.token or web.basicAuth)\n'
        : 'the status page answers only on loopback unless web.token or web.basicAuth is set\n';
    res.writeHead(access.token || access.basicAuth ? 401 : 403, { 'content-type': 'text/plain', ...asks, ...SECURITY_HEADERS }).end(why);
    return;
  }
  const report = handlers.report();
  if (path === '/badge.svg') {
    res.writeHead(200, { 'content-type': 'image/svg+xml', ...SECURITY_HEADERS }).end(badgeSvg(report ? worstStatus(report.credentials) : 'starting'));
  } else if (!report) {
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end('no check has finished yet\n');
  } else if (path === '/api/status') {
    res.writeHead(200, { 'content-type': 'application/json', ...SECURITY_HEADERS }).end(`${JSON.stringify(toJson(report), null, 2)}\n`);
  } else {
    const page = await handlers.page();
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': pageCsp(), 'x-frame-options': 'DENY', ...SECURITY_HEADERS })
      .end(page);
  }
}

export async function startWebServer(
  listen: { host: string; port: number; flag: string },
  { handlers, access, onError }: { handlers: WebHandlers; access: WebAccess; onError: (error: NodeJS.ErrnoException) => void },
): Promise<Server> {
  const loopback = isLoopbackHost(listen.host);
  const server = createServer(
    { requestTimeout: WEB_LIMITS.requestTimeoutMs, headersTimeout: WEB_LIMITS.headersTimeoutMs, keepAliveTimeout: WEB_LIMITS.idleTimeoutMs },
    (req, res) => {
      route(req, res, handlers, access, loopback).catch((error: Error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`failed: ${error.message.split('\n')[0]}\n`);
      });
    },
  );
  server.maxConnections = WEB_LIMITS.maxConnections;
  // A connection that sends nothing is closed after this, whatever state it is in.
  server.setTimeout(WEB_LIMITS.idleTimeoutMs, (socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new UsageError(`${listen.flag}: cannot listen on ${listen.host}:${listen.port} (${error.code ?? error.message})`)),
    );
    server.listen(listen.port, listen.host, resolve);
  });
  // After listening, errors (EMFILE while accepting) must not crash watch: without a listener,
  // Node throws them.
  server.on('error', onError);
  return server;
}
