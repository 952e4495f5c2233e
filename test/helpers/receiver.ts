import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP server on 127.0.0.1 (port 0: the kernel picks a free one, no probing race) that
 * records every request. `respond` queues status codes (and headers) for the next requests;
 * after the queue, it answers 200.
 */
export async function startReceiver() {
  const requests: Received[] = [];
  const queue: Array<{ status: number; headers?: Record<string, string>; delayMs?: number }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const next = queue.shift() ?? { status: 200 };
      const answer = () => res.writeHead(next.status, next.headers).end(next.status < 300 ? 'ok' : 'nope');
      if (next.delayMs) setTimeout(answer, next.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    /** Queues answers; `delayMs` makes one slow (a receiver that takes its time). */
    respond(...responses: Array<number | { status: number; headers?: Record<string, string>; delayMs?: number }>) {
      queue.push(...responses.map((r) => (typeof r === 'number' ? { status: r } : r)));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
