import { renderRemedy } from './remedy-lines.js';
import { sourceFor } from './sources/registry.js';
import type { Credential } from './types.js';

/**
 * The steps that fix a credential, one per line: the record's own (a command source may supply
 * one), else its source's. Rendered here, once, for the host its commands run on. Null when
 * nothing needs doing.
 */
export function remedyFor(credential: Omit<Credential, 'remedyText'>, env: Record<string, string | undefined>): string | null {
  if (credential.status === 'ok' || credential.status === 'static') return null;
  const remedy = credential.remedy ?? sourceFor(credential.source)?.remedy(credential, env) ?? null;
  if (!remedy?.length) return null;
  return renderRemedy(remedy, { ssh: credential.gateway?.ssh ?? null, command: credential.gateway?.command });
}
