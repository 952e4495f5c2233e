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
 * Serves `/metrics` (Prometheus text format) and `/healthz`. Both answer 503 until the first
 * check has finished, so a scrape right after start does not look like "no credentials".
 */
export async function startMetricsServer(listen: { host: string; port: number }, render: () => string | undefined): Promise<Server> {
  const server = createServer((req, res) => {
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
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new UsageError(`--metrics-listen: cannot listen on ${listen.host}:${listen.port} (${error.code ?? error.message})`)),
    );
    server.listen(listen.port, listen.host, resolve);
  });
  return server;
}
