import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { throwawayCertificate } from './certificates.js';

/** Anthropic's subscription windows as its usage endpoint reports them: utilization in percent. */
export interface ClaudeUsage {
  fiveHour: number;
  sevenDay: number;
  sevenDaySonnet: number;
  resetsAt: string;
}

export interface UsageProxy {
  /** `http://127.0.0.1:PORT`, for HTTPS_PROXY. */
  url: string;
  /** The test CA, for NODE_EXTRA_CA_CERTS. */
  caPath: string;
  /** What the next `GET /api/oauth/usage` answers. */
  usage: ClaudeUsage;
  /** Every CONNECT it was asked for, as `host:port`, and each request it answered. */
  connects: string[];
  requests: string[];
  close(): Promise<void>;
}

/**
 * A local CONNECT proxy that stands in for Anthropic's usage endpoint, as
 * ../shared/openclaw-test-states.md describes: OpenClaw's usage fetcher calls a fixed URL
 * (https://api.anthropic.com/api/oauth/usage), so the gateway runs with HTTPS_PROXY pointing here and
 * NODE_EXTRA_CA_CERTS trusting a throwaway CA (openssl). It never connects onward: api.anthropic.com
 * is answered here, every other host gets 403. All of it on 127.0.0.1.
 */
export async function startUsageProxy(dir: string, usage: ClaudeUsage): Promise<UsageProxy> {
  const tls = throwawayCertificate(dir, 'DNS:api.anthropic.com');
  const connects: string[] = [];
  const requests: string[] = [];
  const state = { usage };
  const anthropic = createHttpsServer({ key: readFileSync(tls.keyPath), cert: readFileSync(tls.certPath) }, (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.method === 'GET' && req.url?.startsWith('/api/oauth/usage')) {
      const { fiveHour, sevenDay, sevenDaySonnet, resetsAt } = state.usage;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          five_hour: { utilization: fiveHour, resets_at: resetsAt },
          seven_day: { utilization: sevenDay, resets_at: resetsAt },
          seven_day_sonnet: { utilization: sevenDaySonnet, resets_at: resetsAt },
          extra_usage: { is_enabled: false },
        }),
      );
      return;
    }
    res.writeHead(404).end();
  });
  const proxy: Server = createServer((_, res) => res.writeHead(403).end());
  proxy.on('connect', (req, socket: Socket) => {
    connects.push(req.url ?? '');
    if (req.url !== 'api.anthropic.com:443') {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    // The TLS inside the tunnel ends here, at a server with the test CA's certificate for that host.
    anthropic.emit('connection', socket);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    caPath: tls.caPath,
    get usage() {
      return state.usage;
    },
    set usage(next: ClaudeUsage) {
      state.usage = next;
    },
    connects,
    requests,
    async close() {
      proxy.closeAllConnections();
      anthropic.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}
