import { join } from 'node:path';
import * as z from 'zod/mini';
import { expandHome } from '../../config/paths.js';
import { isEpochMs } from './epoch.js';
import { fileSource, notExpected } from './file-source.js';

const authSchema = z.looseObject({
  OPENAI_API_KEY: z.nullish(z.string()),
  tokens: z.nullish(
    z.looseObject({
      access_token: z.optional(z.string()),
      refresh_token: z.optional(z.string()),
    }),
  ),
});

/**
 * The `exp` claim of a JWT, in epoch ms; null when it has none. Decoded without verifying: we only
 * read when it expires, and the token itself is neither kept nor printed.
 */
export function jwtExpiry(token: string): number | null | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    if (typeof claims.exp !== 'number') return null;
    // An `exp` that is no time (1e300) makes the token as unreadable as one that is not a JWT.
    return isEpochMs(claims.exp * 1000) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The OpenAI Codex CLI's `$CODEX_HOME/auth.json` (default `~/.codex/auth.json`), which OpenClaw's
 * `openai` provider reuses for ChatGPT/Codex sign-in (`openai-codex` before 2026.8). A ChatGPT login's expiry is its access token's JWT `exp`; the
 * refresh token renews it (`refreshable`). Codex refresh tokens are single-use: a failed refresh
 * (`refresh_token_reused`) is fixed only by a new login, which is the remedy. API-key mode has no
 * expiry (`static`).
 */
export const codexSource = fileSource({
  name: 'codex',
  provider: 'openai-codex',
  profileId: 'codex',
  defaultPath: (env) => join(env.CODEX_HOME || expandHome(join('~', '.codex'), env), 'auth.json'),
  judge(json) {
    const parsed = authSchema.safeParse(json);
    if (!parsed.success) return { error: notExpected(parsed.error) };
    const { tokens, OPENAI_API_KEY: apiKey } = parsed.data;
    if (tokens?.access_token) {
      const expiresAt = jwtExpiry(tokens.access_token);
      if (expiresAt === undefined) return { error: 'holds an access token that is not a JWT with a time as exp' };
      return { expiresAt, refreshable: Boolean(tokens.refresh_token), type: 'oauth' };
    }
    if (apiKey) return { expiresAt: null, refreshable: false, type: 'api_key' };
    return { missing: 'holds neither a login nor an API key' };
  },
  renew: ['Log in to Codex again on this host: codex login', 'Then: openclaw models auth login --provider openai', 'Verify: openclaw models status'],
  repair: 'Check the file, or run `codex login` to log in again (it rewrites the file).',
});
