import { stateDir } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { evaluate } from './evaluate.js';
import { remedyFor } from './remedy.js';
import { sortCredentials, type CheckReport } from './report.js';
import { collectObservations } from './sources/index.js';
import { loadState, recallExpiry, remember, saveState, statePath } from './state.js';

export interface CheckDeps {
  env: Record<string, string | undefined>;
  log: Logger;
  now: () => number;
}

export interface CheckOptions {
  config: Config;
  agents?: string[];
}

/**
 * One check: read every source, judge each credential against the thresholds, attach remedies,
 * and remember what was seen (the last known expiry of each credential) for the next run.
 */
export async function runCheck({ config, agents }: CheckOptions, { env, log, now }: CheckDeps): Promise<CheckReport> {
  const path = statePath(stateDir(env));
  const state = await loadState(path, log, now());
  const collected = await collectObservations({ config, env, log, agents });
  const checkedAt = now();
  const observations = recallExpiry(collected, state, checkedAt);
  const credentials = sortCredentials(
    observations.map((o) => {
      const judged = evaluate(o, config.thresholds, checkedAt);
      return { ...judged, remedyText: remedyFor(judged, env) };
    }),
  );
  await saveState(path, remember(state, credentials, checkedAt));
  const errors = credentials.filter((c) => c.status === 'error').map((c) => ({ source: c.source, message: c.detail ?? 'failed' }));
  log.info({ credentials: credentials.length, errors: errors.length }, 'check finished');
  return { checkedAt, credentials, errors };
}
