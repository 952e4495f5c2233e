import { afterEach, describe, expect, it } from 'vitest';
import { deliverWithRetry } from '../../src/notifiers/retry.js';
import { createWebhook } from '../../src/notifiers/webhook.js';
import { testAlert } from '../../src/cli/commands/notify.js';
import { startHostileServer, type Misbehaviour } from '../helpers/hostile-server.js';

const servers: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Collects garbage while a request is in flight, as V8's idle-time memory reducer would. */
function collectGarbageMeanwhile(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (vitest.config.ts sets it)');
  const timer = setInterval(gc, 100);
  return () => clearInterval(timer);
}

describe('an HTTP delivery is bounded over headers and body', () => {
  it.each<Misbehaviour>(['stall', 'trickle'])(
    'a receiver that sends headers and then %ss its body times out, even while garbage is collected',
    async (mode) => {
      const server = await startHostileServer(mode);
      servers.push(server);
      const webhook = createWebhook({ type: 'webhook', url: server.url, format: 'generic', headers: {}, timeout: 1_500 }, {});
      const stop = collectGarbageMeanwhile();
      try {
        const result = await deliverWithRetry(webhook, testAlert(Date.now()), { attempts: 1, backoffMs: 10, timeoutMs: 1_500, deadline: Date.now() + 60_000 });
        expect(result).toEqual({ ok: false, retryable: true, attempts: 1, message: `webhook "webhook" (${new URL(server.url).host}): timed out` });
        expect(server.requests).toHaveLength(1);
      } finally {
        stop();
      }
    },
  );

  it('an abort (watch shutting down) ends a stalled delivery at once, as retryable, and stops retrying', async () => {
    const server = await startHostileServer('stall');
    servers.push(server);
    const webhook = createWebhook({ type: 'webhook', url: server.url, format: 'generic', headers: {}, timeout: 60_000 }, {});
    const shutdown = new AbortController();
    setTimeout(() => shutdown.abort(), 300);
    const result = await deliverWithRetry(webhook, testAlert(Date.now()), {
      attempts: 5,
      backoffMs: 10,
      timeoutMs: 60_000,
      deadline: Date.now() + 120_000,
      signal: shutdown.signal,
    });
    expect(result).toMatchObject({ ok: false, retryable: true, attempts: 1, message: expect.stringContaining('stopped before it finished') });
    expect(server.requests).toHaveLength(1);
  });
});
