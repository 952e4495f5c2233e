import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import type { Observation } from '../types.js';
import { parseJsonOutput } from './parse-json.js';

export const SOURCE = 'claude-code';
const ID = 'claude-code:anthropic';

const credentialsSchema = z.looseObject({
  claudeAiOauth: z.optional(
    z.looseObject({
      expiresAt: z.optional(z.number()),
      refreshToken: z.optional(z.string()),
    }),
  ),
});

/**
 * Reads Claude Code's `~/.claude/.credentials.json`, which OpenClaw reuses. Only `expiresAt` and
 * whether a refresh token exists are read; the token values are never kept.
 * Returns [] when the file is absent and the source is on `auto` (macOS keeps it in the Keychain).
 */
export async function readClaudeCode(path: string, required: boolean): Promise<Observation[]> {
  const base: Omit<Observation, 'condition' | 'detail' | 'expiresAt' | 'refreshable'> = {
    id: ID,
    source: SOURCE,
    agent: null,
    agentIsDefault: true,
    provider: 'anthropic',
    profileId: 'claude-code',
    type: 'oauth',
  };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return required
        ? [{ ...base, condition: 'missing', expiresAt: null, refreshable: false, detail: `${path} does not exist` }]
        : [];
    }
    return [{ ...base, condition: 'error', expiresAt: null, refreshable: false, detail: `cannot read ${path} (${code ?? 'error'})` }];
  }
  const json = parseJsonOutput(text);
  const parsed = json.ok ? credentialsSchema.safeParse(json.value) : undefined;
  if (!parsed?.success) {
    return [{ ...base, condition: 'error', expiresAt: null, refreshable: false, detail: `${path} is not the expected JSON` }];
  }
  const oauth = parsed.data.claudeAiOauth;
  if (!oauth) {
    return [{ ...base, condition: 'missing', expiresAt: null, refreshable: false, detail: `${path} holds no claudeAiOauth login` }];
  }
  return [
    {
      ...base,
      condition: 'valid',
      expiresAt: oauth.expiresAt ?? null,
      refreshable: Boolean(oauth.refreshToken),
      detail: null,
    },
  ];
}
