import { sourceFor } from './sources/registry.js';
import type { Credential } from './types.js';

/**
 * The steps that fix a credential, one per line: the record's own (a command source may supply
 * one), else its source's. Null when nothing needs doing.
 */
export function remedyFor(credential: Omit<Credential, 'remedyText'>, env: Record<string, string | undefined>): string | null {
  if (credential.status === 'ok' || credential.status === 'static') return null;
  if (credential.remedy) return credential.remedy;
  return sourceFor(credential.source)?.remedy(credential, env) ?? null;
}
