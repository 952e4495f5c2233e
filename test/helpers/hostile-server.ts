import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Misbehaviour =
  /** 200 and its headers, then not one byte of body. */
  | 'stall'
  /** 200 and its headers, then one body byte a second, forever. */
  | 'trickle';

/**
 * A real HTTP server on 127.0.0.1 that answers every request badly, as a broken or hostile
 * receiver would, and counts what it got. `close()` destroys whatever it still holds open.
 */
export async function startHostileServer(mode: Misbehaviour) {
  const requests: Array<{ path: string; headers: Record<string, unknown>; body: string }> = [];
  const open = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      open.add(res);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000000' });
      res.flushHeaders();
      if (mode === 'trickle') {
        const timer = setInterval(() => res.write('.'), 1000);
        timers.add(timer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
