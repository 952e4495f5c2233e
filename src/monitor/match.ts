import * as z from 'zod/mini';
import type { Alert } from '../notifiers/types.js';

/**
 * Which credentials a rule applies to (threshold rules, notifier routing, snoozes). Every key
 * given must match; an empty matcher matches everything. `id` is a glob where `*` stands for any
 * run of characters and `?` for one; the other keys compare exactly.
 */
export const credentialMatchSchema = z.strictObject({
  id: z.optional(z.string().check(z.minLength(1))),
  source: z.optional(z.string().check(z.minLength(1))),
  gateway: z.optional(z.string().check(z.minLength(1))),
  agent: z.optional(z.string().check(z.minLength(1))),
  provider: z.optional(z.string().check(z.minLength(1))),
  type: z.optional(z.enum(['oauth', 'token', 'api_key'])),
});
export type CredentialMatch = z.output<typeof credentialMatchSchema>;

/** What a matcher looks at: a credential, or the description every alert carries. */
export type Matchable = Pick<Alert['credential'], 'id' | 'source' | 'agent' | 'provider' | 'type'> & { gateway?: string | { name: string | null } | undefined };

export function matchesCredential(match: CredentialMatch, c: Matchable): boolean {
  const gateway = typeof c.gateway === 'string' ? c.gateway : (c.gateway?.name ?? undefined);
  return (
    (match.id === undefined || globMatches(match.id, c.id)) &&
    (match.source === undefined || match.source === c.source) &&
    (match.gateway === undefined || match.gateway === gateway) &&
    (match.agent === undefined || match.agent === c.agent) &&
    (match.provider === undefined || match.provider === c.provider) &&
    (match.type === undefined || match.type === c.type)
  );
}

const compiled = new Map<string, RegExp>();

/**
 * `*` and `?` only, over the whole id. Not a path glob (picomatch and friends): ids hold `/` in
 * route records (`openclaw:main:route:anthropic/claude-opus-4-6`), and `*` must cross it.
 */
export function globMatches(glob: string, text: string): boolean {
  let re = compiled.get(glob);
  if (!re) {
    const body = glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 's');
    compiled.set(glob, re);
  }
  return re.test(text);
}

/** A matcher as a person wrote it (`provider=anthropic type=token`), for explanations. */
export function describeMatch(match: CredentialMatch): string {
  const parts = Object.entries(match).map(([key, value]) => `${key}=${value}`);
  return parts.length ? parts.join(' ') : 'everything';
}
