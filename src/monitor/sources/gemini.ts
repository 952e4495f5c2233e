import { join } from 'node:path';
import * as z from 'zod/mini';
import { epochMs } from './epoch.js';
import { expandHome } from '../../config/paths.js';
import { fileSource, notExpected } from './file-source.js';

const credsSchema = z.looseObject({
  access_token: z.optional(z.string()),
  refresh_token: z.optional(z.string()),
  expiry_date: z.optional(epochMs()),
});

/**
 * The Gemini CLI's `~/.gemini/oauth_creds.json`: `expiry_date` in epoch ms; a refresh token lets
 * the CLI renew it by itself (`refreshable`).
 */
export const geminiSource = fileSource({
  name: 'gemini',
  provider: 'google-gemini-cli',
  profileId: 'gemini',
  defaultPath: (env) => expandHome(join('~', '.gemini', 'oauth_creds.json'), env),
  judge(json) {
    const parsed = credsSchema.safeParse(json);
    if (!parsed.success) return { error: notExpected(parsed.error) };
    const { access_token: access, refresh_token: refresh, expiry_date: expiry } = parsed.data;
    if (!access && !refresh) return { missing: 'holds no login' };
    return { expiresAt: expiry ?? null, refreshable: Boolean(refresh), type: 'oauth' };
  },
  renew: ['Run `gemini` on this host and sign in again (it rewrites the file).', 'Verify: openclaw models status'],
  repair: 'Check the file, or run `gemini` to sign in again (it rewrites the file).',
});
