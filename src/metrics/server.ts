import { createServer, type Server } from 'node:http';
import { UsageError } from '../errors.js';

/** `HOST:PORT`, `[IPv6]:PORT`, or just `PORT` (meaning 127.0.0.1). */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? (/^(\d+)$/.test(text) ? [text, undefined, '127.0.0.1', text] : null);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--metrics-listen: expected HOST:PORT or PORT, got "${text}"`);
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

/**
 * Limits that keep a misbehaving client from using up `watch`'s file descriptors (which the
 * checks need to start programs): few scrapers ever connect at once, and none needs long.
 */
export const METRICS_LIMITS = { maxConnections: 32, headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, idleTimeoutMs: 5_000 };

/**
 * Serves `/metrics` (Prometheus text format) and `/healthz`. Both answer 503 until the first
 * check has finished, so a scrape right after start does not look like "no credentials".
 * Connections beyond METRICS_LIMITS.maxConnections are closed at once; an error accepting one
 * (EMFILE) is logged, never fatal.
 */
export async function startMetricsServer(
  listen: { host: string; port: number },
  render: () => string | undefined,
  onError: (error: NodeJS.ErrnoException) => void,
): Promise<Server> {
  const server = createServer(
    { requestTimeout: METRICS_LIMITS.requestTimeoutMs, headersTimeout: METRICS_LIMITS.headersTimeoutMs, keepAliveTimeout: METRICS_LIMITS.idleTimeoutMs },
    (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const body = render();
      if (path === '/metrics') {
        if (body === undefined) res.writeHead(503, { 'content-type': 'text/plain' }).end('no check has finished yet\n');
        else res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
      } else if (path === '/healthz') {
        res.writeHead(body === undefined ? 503 : 200, { 'content-type': 'text/plain' }).end(body === undefined ? 'starting\n' : 'ok\n');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics or /healthz\n');
      }
    },
  );
  server.maxConnections = METRICS_LIMITS.maxConnections;
  // A connection that sends nothing is closed after this, whatever state it is in.
  server.setTimeout(METRICS_LIMITS.idleTimeoutMs, (socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new UsageError(`--metrics-listen: cannot listen on ${listen.host}:${listen.port} (${error.code ?? error.message})`)),
    );
    server.listen(listen.port, listen.host, resolve);
  });
  // After listening, errors (EMFILE while accepting) must not crash watch: without a listener,
  // Node throws them.
  server.on('error', onError);
  return server;
}
