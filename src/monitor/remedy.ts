import { type Remedy, type RemedyStep, renderRemedy, renderRemedySteps } from './remedy-lines.js';
import { sourceFor } from './sources/registry.js';
import type { Credential } from './types.js';

/**
 * The steps that fix a credential, one per line: the record's own (a command source may supply
 * one), else its source's. Rendered here, once, for the host its commands run on. Null when
 * nothing needs doing.
 */
export function remedyFor(credential: Omit<Credential, 'remedyText'>, env: Record<string, string | undefined>): string | null {
  const remedy = remedyOf(credential, env);
  return remedy && renderRemedy(remedy, { ssh: credential.gateway?.ssh ?? null, command: credential.gateway?.command });
}

/** The same steps with each command apart from its words (e-mail puts commands on lines of their own). */
export function remedyStepsFor(credential: Omit<Credential, 'remedyText'>, env: Record<string, string | undefined>): RemedyStep[] | null {
  const remedy = remedyOf(credential, env);
  return remedy && renderRemedySteps(remedy, { ssh: credential.gateway?.ssh ?? null, command: credential.gateway?.command });
}

function remedyOf(credential: Omit<Credential, 'remedyText'>, env: Record<string, string | undefined>): Remedy | null {
  if (credential.status === 'ok' || credential.status === 'static') return null;
  const remedy = credential.remedy ?? sourceFor(credential.source)?.remedy(credential, env) ?? null;
  return remedy?.length ? remedy : null;
}
