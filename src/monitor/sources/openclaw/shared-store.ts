import type { Observation } from '../../types.js';
import type { Agent } from './normalize.js';

/**
 * One credential, one record. Agents that read the same store (an agent with no profiles of its
 * own reads the shared one) see the same profiles; each is reported once, by the agent its remedy
 * writes through: the default agent when it reads that store (its `--agent` writes the shared
 * store), else the first one listed. That record names the other agents (`sharedWith`) and the ids
 * it absorbs (`replaces`, so that their alert streams carry on under its id). Which store an agent
 * reads is OpenClaw's own word (`auth.storePath`), never a guess from equal expiries. Only profile
 * records fold: missing providers, route issues and runtimes belong to each agent's configuration.
 */
export function foldSharedStores(observations: Observation[], agents: readonly Agent[], stores: ReadonlyMap<string, string | undefined>): Observation[] {
  const owners = new Map<string, string>();
  const byStore = new Map<string, Agent[]>();
  for (const agent of agents) {
    const store = stores.get(agent.id);
    if (store) byStore.set(store, [...(byStore.get(store) ?? []), agent]);
  }
  for (const group of byStore.values()) {
    if (group.length < 2) continue;
    const owner = (group.find((a) => a.isDefault) ?? group[0]!).id;
    for (const agent of group) if (agent.id !== owner) owners.set(agent.id, owner);
  }
  if (owners.size === 0) return observations;

  const isProfile = (o: Observation) => o.profileId !== null && o.route === undefined && o.agent !== null && o.id === `openclaw:${o.agent}:${o.profileId}`;
  const kept = new Map(observations.filter(isProfile).map((o) => [o.id, o]));
  const out: Observation[] = [];
  const folded = new Map<string, Observation>();
  for (const o of observations) {
    const owner = o.agent === null ? undefined : owners.get(o.agent);
    const ownerId = owner === undefined || !isProfile(o) ? undefined : `openclaw:${owner}:${o.profileId}`;
    const into = ownerId === undefined ? undefined : kept.get(ownerId);
    if (!into) {
      out.push(o);
      continue;
    }
    const merged = folded.get(into.id) ?? { ...into };
    merged.sharedWith = [...(merged.sharedWith ?? []), o.agent!];
    merged.replaces = [...(merged.replaces ?? []), o.id];
    // In use when any agent that reads it would use it.
    if (o.inUse !== false) merged.inUse = true;
    folded.set(into.id, merged);
  }
  return out.map((o) => folded.get(o.id) ?? o);
}
