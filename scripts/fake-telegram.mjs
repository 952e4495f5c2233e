// A fake Telegram Bot API for the tests (test/helpers/telegram.ts) and the bench.
import { createServer } from 'node:http';

/**
 * A fake Telegram Bot API on 127.0.0.1, for OpenClaw's Telegram channel pointed at it with
 * `channels.telegram.apiRoot`. It answers what the channel asks at start (getMe, webhook and
 * command set-up, long polls that return nothing) and records every call; `sendMessage` answers
 * with a message, after `sendDelayMs` when set (a slow Telegram).
 */
export async function startBotApi(botToken) {
  /** @type {Array<{method: string, params: Record<string, unknown>, at: number}>} */
  const calls = [];
  let messageId = 0;
  const state = { sendDelayMs: 0 };
  // sendMessage calls not answered yet, and who waits for there to be none.
  let unanswered = 0;
  const waiters = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const match = /^\/bot([^/]+)\/(\w+)/.exec(req.url ?? '');
      const reply = (status, payload) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (!match || match[1] !== botToken) return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const method = match[2];
      let params = {};
      try {
        params = body ? JSON.parse(body) : Object.fromEntries(new URL(req.url, 'http://x').searchParams);
      } catch {
        params = { raw: body };
      }
      calls.push({ method, params, at: Date.now() });
      const ok = (result) => reply(200, { ok: true, result });
      switch (method) {
        case 'getMe':
          return ok({ id: 4242, is_bot: true, first_name: 'authwatch test', username: 'authwatch_test_bot', can_join_groups: true });
        case 'getUpdates':
          // A long poll with nothing to deliver; short, so the gateway stops quickly.
          return setTimeout(() => ok([]), 500);
        case 'sendMessage': {
          unanswered++;
          const answer = () => {
            ok({ message_id: ++messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(params.chat_id) || 0, type: 'private' }, text: params.text });
            if (--unanswered === 0) for (const resolve of waiters.splice(0)) resolve();
          };
          return state.sendDelayMs ? setTimeout(answer, state.sendDelayMs) : answer();
        }
        case 'getChat':
          return ok({ id: Number(params.chat_id) || 0, type: 'private', first_name: 'owner' });
        default:
          return ok(true);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    sent: () => calls.filter((c) => c.method === 'sendMessage'),
    /** Resolves once every sendMessage received so far has been answered (a slow one included). */
    answered: () => (unanswered === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
    state,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
