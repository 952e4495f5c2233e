import * as z from 'zod/mini';

/**
 * The event OpenClaw logs when it puts a profile in cooldown or disables it (an auth error, a
 * rate limit, billing): `auth profile failure state updated` (2026.9, agents/auth-profiles/usage).
 * Its models.authStatus has no per-profile cooldowns and there is no gateway event for them, so
 * `watch` follows the gateway's own log for this one event, through `logs.tail` (operator.read).
 */
export const AUTH_FAILURE_EVENT = 'auth_profile_failure_state_updated';

/** How often `watch` reads the gateway log's new lines: with the route pass's hold, a cooldown is seen within a minute. */
export const AUTH_FAILURE_POLL_MS = 15_000;

const tailSchema = z.looseObject({
  cursor: z.number(),
  lines: z._default(z.array(z.string()), []),
});

type Request = (method: string, params: Record<string, unknown>) => Promise<unknown>;

/**
 * The gateway log since `cursor` (undefined: only where it ends now): the new cursor, and whether
 * a profile failed meanwhile. null when the gateway would not say (an older gateway without
 * `logs.tail`, the link down, another shape).
 */
export async function failuresSince(request: Request, cursor: number | undefined): Promise<{ cursor: number; failed: boolean } | null> {
  try {
    const reply = tailSchema.safeParse(
      await request('logs.tail', cursor === undefined ? { limit: 1, maxBytes: 1 } : { cursor, limit: 5000, maxBytes: 1_000_000 }),
    );
    if (!reply.success) return null;
    return { cursor: reply.data.cursor, failed: cursor !== undefined && reply.data.lines.some((line) => line.includes(AUTH_FAILURE_EVENT)) };
  } catch {
    return null;
  }
}

/**
 * Follows the gateway log from now on: every `everyMs`, the lines since the last read, and
 * `onFailure` once per read that holds the failure event. A chat turn writes other lines and
 * changes nothing here. A read that fails (an older gateway without `logs.tail`, the link down)
 * is tried again at the next tick; a log rotated or truncated under the cursor restarts at its end.
 */
export class AuthFailureLog {
  readonly #request: Request;
  readonly #onFailure: () => void;
  readonly #onFollowing: () => void;
  readonly #timer: NodeJS.Timeout;
  readonly #firstRead: NodeJS.Timeout;
  #cursor: number | undefined;
  #reading = false;

  /** `onFollowing`: once, when the end of the log is known (failures from then on are seen). */
  constructor(request: Request, { onFailure, onFollowing }: { onFailure: () => void; onFollowing: () => void }, everyMs = AUTH_FAILURE_POLL_MS) {
    this.#request = request;
    this.#onFailure = onFailure;
    this.#onFollowing = onFollowing;
    this.#timer = setInterval(() => void this.read(), everyMs);
    this.#timer.unref();
    // Where the log ends, soon after the link is up: a failure from then on is seen at the next tick.
    this.#firstRead = setTimeout(() => void this.read(), 1_000);
    this.#firstRead.unref();
  }

  /** One read (the timer's, or a test's). */
  async read(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      const first = this.#cursor === undefined;
      // The first read only finds where the log ends: what happened before watch started is the CLI pass's to report.
      const read = await failuresSince(this.#request, this.#cursor);
      // Failed: tried again at the next tick.
      if (!read) return;
      this.#cursor = read.cursor;
      if (first) this.#onFollowing();
      if (read.failed) this.#onFailure();
    } finally {
      this.#reading = false;
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.#firstRead);
    clearInterval(this.#timer);
  }
}
