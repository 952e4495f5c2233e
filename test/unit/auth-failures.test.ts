import { describe, expect, it } from 'vitest';
import { AUTH_FAILURE_EVENT, AuthFailureLog } from '../../src/openclaw/gateway/auth-failures.js';

/** A gateway log of lines as `logs.tail` serves it: from a cursor (a byte offset) to its end. */
function gatewayLog() {
  const lines: string[] = [];
  const asked: unknown[] = [];
  const request = async (method: string, params: Record<string, unknown>) => {
    asked.push({ method, ...params });
    if (params.cursor === undefined) return { cursor: lines.length, lines: lines.slice(-1) };
    return { cursor: lines.length, lines: lines.slice(params.cursor as number) };
  };
  return { lines, asked, request };
}

describe('following the gateway log for profile failures', () => {
  it('starts at the end of the log, then calls back once per read that holds the failure event, and for nothing else', async () => {
    const log = gatewayLog();
    log.lines.push(`{"event":"${AUTH_FAILURE_EVENT}"} (before watch started)`);
    let following = 0;
    let failures = 0;
    const follower = new AuthFailureLog(log.request, { onFollowing: () => following++, onFailure: () => failures++ }, 3_600_000);
    try {
      await follower.read();
      expect([following, failures]).toEqual([1, 0]);
      expect(log.asked[0]).toEqual({ method: 'logs.tail', limit: 1, maxBytes: 1 });

      log.lines.push('{"msg":"chat turn"}', '{"msg":"another"}');
      await follower.read();
      expect(failures).toBe(0);

      log.lines.push('{"msg":"x"}', `{"0":"auth profile failure state updated","event":"${AUTH_FAILURE_EVENT}"}`, `{"event":"${AUTH_FAILURE_EVENT}"}`);
      await follower.read();
      expect(failures).toBe(1);
      expect(log.asked.at(-1)).toEqual({ method: 'logs.tail', cursor: 3, limit: 5000, maxBytes: 1_000_000 });

      await follower.read();
      expect([following, failures]).toEqual([1, 1]);
    } finally {
      await follower.close();
    }
  });

  it('a read that fails or answers in another shape is tried again later, never thrown', async () => {
    let answer: () => Promise<unknown> = () => Promise.reject(new Error('unknown method: logs.tail'));
    let failures = 0;
    const follower = new AuthFailureLog(() => answer(), { onFollowing: () => {}, onFailure: () => failures++ }, 3_600_000);
    try {
      await follower.read();
      answer = async () => ({ cursor: 'end' });
      await follower.read();
      answer = async () => ({ cursor: 10, lines: [] });
      await follower.read();
      answer = async () => ({ cursor: 20, lines: [AUTH_FAILURE_EVENT] });
      await follower.read();
      expect(failures).toBe(1);
    } finally {
      await follower.close();
    }
  });
});
