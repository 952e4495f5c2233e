import { quoteForeign } from '../../../redact.js';
import type { Observation } from '../../types.js';
import type { Agent } from './normalize.js';

/** One subscription window of a provider, as the gateway's `models.authStatus` gives it. */
export interface UsageWindow {
  label: string;
  usedPercent: number;
  /** Epoch ms, when the provider says. */
  resetAt: number | null;
}

/** A window label as an id part: `5h`, `week`, `sonnet`. */
function slug(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'window'
  );
}

/**
 * One record per provider usage window (`openclaw:<agent>:usage:<provider>:<window>`): a Claude Max or
 * ChatGPT subscriber whose weekly window runs out has a gateway that stops answering with every
 * credential `ok`. evaluate.ts judges `usedPercent` against `usage.warn`/`usage.critical`; a full
 * window is `unusable` until it resets. Only the gateway reports windows (the CLI's JSON has none).
 */
export function usageRecords(agent: Agent, usage: ReadonlyMap<string, readonly UsageWindow[]>, used: (provider: string) => boolean): Observation[] {
  const out: Observation[] = [];
  const seen = new Set<string>();
  for (const [provider, windows] of usage) {
    for (const window of windows) {
      const id = `openclaw:${agent.id}:usage:${provider}:${slug(window.label)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const label = quoteForeign(window.label, 40);
      const percent = Math.round(window.usedPercent * 10) / 10;
      const reset = window.resetAt === null ? '' : `, resets ${new Date(window.resetAt).toISOString()}`;
      out.push({
        id,
        source: 'openclaw',
        agent: agent.id,
        agentIsDefault: agent.isDefault,
        provider,
        profileId: null,
        type: null,
        condition: 'valid',
        expiresAt: null,
        refreshable: false,
        detail: `${percent}% of the ${label} usage window used${reset}`,
        usage: { window: label, usedPercent: window.usedPercent, resetAt: window.resetAt },
        inUse: used(provider),
      });
    }
  }
  return out;
}
