import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** A request frame as OpenClaw's client sends it. */
export interface GatewayFrame {
  id: string;
  method: string;
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the params its method carries
  params: any;
}

export interface FrameContext {
  /** Answers the frame with `ok: true` and this payload. */
  reply(payload: unknown): void;
  /** Answers the frame with `ok: false` and this error (`code`, `message`, `details`). */
  fail(error: { code: string; message: string; details?: unknown }): void;
  socket: WebSocket;
  /** The HTTP upgrade request of the connection (its headers: basic auth). */
  request: IncomingMessage;
}

/**
 * A gateway on 127.0.0.1 that speaks as OpenClaw's does (a `ws` server): `connect.challenge` on
 * every connection, then each request frame to `onFrame`, which answers what the test needs.
 */
export async function startFakeGateway(onFrame: (frame: GatewayFrame, context: FrameContext) => void) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket, request) => {
    socket.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n0nce', ts: Date.now() } }));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as GatewayFrame;
      const answer = (body: Record<string, unknown>) => socket.send(JSON.stringify({ type: 'res', id: frame.id, ...body }));
      onFrame(frame, { reply: (payload) => answer({ ok: true, payload }), fail: (error) => answer({ ok: false, error }), socket, request });
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close(): Promise<void> {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
