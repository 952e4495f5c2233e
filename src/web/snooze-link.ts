import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../config/paths.js';
import { crypto } from '../lazy-crypto.js';
import { snoozableAlone } from '../monitor/snooze.js';
import type { Alert } from '../notifiers/types.js';

/**
 * A snooze button that works without the page's password: a signed request to snooze one
 * credential for one duration, valid until `exp`. Whoever holds the link (ntfy's server, the
 * phone) can do exactly that and nothing else; the web token and password never leave this host.
 * The key is 32 random bytes in the state directory (0600), made on first use.
 */
export interface SnoozeGrant {
  id: string;
  forMs: number;
  exp: number;
}

/**
 * How long a snooze button stays usable. Short: whoever can read the channel (an ntfy topic) can
 * press it, and all it can ever do is snooze that one credential for 4h.
 */
export const GRANT_LIFETIME_MS = 86_400_000;

function keyFile(env: Record<string, string | undefined>): string {
  return join(stateDir(env), 'web.key');
}

/** The signing key, made once ('wx': two processes racing both end up with the one that was written). */
export function snoozeKey(env: Record<string, string | undefined>): Buffer {
  const file = keyFile(env);
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch {
    try {
      mkdirSync(stateDir(env), { recursive: true, mode: 0o700 });
      writeFileSync(file, `${crypto().randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  }
}

function signature(key: Buffer, grant: SnoozeGrant): string {
  return crypto().createHmac('sha256', key).update(`${grant.id}\n${grant.forMs}\n${grant.exp}`).digest('base64url');
}

/** The form fields (or query) of a grant, signed. */
export function signGrant(key: Buffer, grant: SnoozeGrant): Record<string, string> {
  return { id: grant.id, for: String(grant.forMs), exp: String(grant.exp), sig: signature(key, grant) };
}

/** The grant these fields carry, when the signature holds and it has not expired; else why not. */
export function verifyGrant(key: Buffer, fields: URLSearchParams, now: number): { grant: SnoozeGrant } | { refused: string } {
  const id = fields.get('id') ?? '';
  const forMs = Number(fields.get('for'));
  const exp = Number(fields.get('exp'));
  const sig = fields.get('sig') ?? '';
  if (!id || !Number.isSafeInteger(forMs) || forMs <= 0 || !Number.isSafeInteger(exp)) return { refused: 'not a snooze link' };
  const expected = Buffer.from(signature(key, { id, forMs, exp }));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !crypto().timingSafeEqual(given, expected)) return { refused: 'the link is not valid (signature)' };
  if (exp <= now) return { refused: 'the link has expired' };
  return { grant: { id, forMs, exp } };
}

/** How long the Snooze button of a notification snoozes for. */
const NOTIFICATION_SNOOZE_MS = 4 * 3_600_000;

/** Signed snooze URLs under `baseUrl` (watch's page as people reach it), for notification buttons. */
export function snoozeLinks(baseUrl: string, env: Record<string, string | undefined>): { snooze: (alert: Alert) => string | undefined } {
  let key: Buffer | undefined;
  return {
    snooze: (alert) => {
      if (!snoozableAlone(alert.credential.id)) return undefined;
      key ??= snoozeKey(env);
      const fields = signGrant(key, { id: alert.credential.id, forMs: NOTIFICATION_SNOOZE_MS, exp: alert.checkedAt + GRANT_LIFETIME_MS });
      return `${baseUrl.replace(/\/+$/, '')}/api/snooze?${new URLSearchParams(fields).toString()}`;
    },
  };
}
