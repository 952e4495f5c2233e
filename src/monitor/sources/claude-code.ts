import * as z from 'zod/mini';
import { readFailure, readRegularFile } from '../../fs-read.js';
import type { Observation } from '../types.js';
import { parseJsonOutput } from './parse-json.js';

export const SOURCE = 'claude-code';
const ID = 'claude-code:anthropic';
/** The real file is well under 1 KiB. */
const MAX_BYTES = 1024 * 1024;

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
    // Only a regular file, non-blocking: a FIFO at the path must not hang the check.
    text = await readRegularFile(path, MAX_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return required
        ? [{ ...base, condition: 'missing', expiresAt: null, refreshable: false, detail: `${path} does not exist` }]
        : [];
    }
    return [{ ...base, condition: 'error', expiresAt: null, refreshable: false, detail: `cannot read ${path} (${readFailure(error)})` }];
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
