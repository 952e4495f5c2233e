import { join } from 'node:path';
import * as z from 'zod/mini';
import { expandHome } from '../../config/paths.js';
import { epochMs } from './epoch.js';
import { fileSource, notExpected } from './file-source.js';

const credentialsSchema = z.looseObject({
  claudeAiOauth: z.optional(
    z.looseObject({
      expiresAt: z.optional(epochMs()),
      refreshToken: z.optional(z.string()),
    }),
  ),
});

/**
 * Claude Code's `~/.claude/.credentials.json`, which OpenClaw reuses. Only `expiresAt` and whether
 * a refresh token exists are read. On macOS the login is in the Keychain: no file, nothing on auto.
 */
export const claudeCodeSource = fileSource({
  name: 'claude-code',
  provider: 'anthropic',
  profileId: 'claude-code',
  defaultPath: (env) => expandHome(join('~', '.claude', '.credentials.json'), env),
  judge(json) {
    const parsed = credentialsSchema.safeParse(json);
    if (!parsed.success) return { error: notExpected(parsed.error) };
    const oauth = parsed.data.claudeAiOauth;
    if (!oauth) return { missing: 'holds no claudeAiOauth login' };
    return { expiresAt: oauth.expiresAt ?? null, refreshable: Boolean(oauth.refreshToken), type: 'oauth' };
  },
  renew: ['Run `claude` on this host to renew the login, or `claude setup-token` for a long-lived token.', 'Then: openclaw models status'],
  repair: 'Check the file, or run `claude` to log in again (it rewrites the file).',
});
