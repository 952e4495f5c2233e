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
 *
 * An agent with a store of its own still reads the shared store's other profiles. The gateway marks
 * every profile that lives in the shared store `inherited` (record ids in `inherited`), for each
 * agent that reads it, and an agent's own `saved`: the inherited records of one profile id are one
 * credential, reported by the default agent (else the first). The CLI does not say, so through it
 * an agent with a store of its own keeps a record of each profile it reads.
 */
export function foldSharedStores(
  observations: Observation[],
  agents: readonly Agent[],
  stores: ReadonlyMap<string, string | undefined>,
  inherited: ReadonlySet<string> = new Set(),
): Observation[] {
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
  if (owners.size === 0 && inherited.size === 0) return observations;

  const isProfile = (o: Observation) => o.profileId !== null && o.route === undefined && o.agent !== null && o.id === `openclaw:${o.agent}:${o.profileId}`;
  const kept = new Map(observations.filter(isProfile).map((o) => [o.id, o]));
  const defaultAgent = agents.find((a) => a.isDefault)?.id;
  // Per profile id, the shared store's record: the default agent's, else the first agent's.
  const shared = new Map<string, Observation>();
  for (const o of kept.values()) {
    if (!inherited.has(o.id)) continue;
    const held = shared.get(o.profileId!);
    if (!held || (o.agent === defaultAgent && held.agent !== defaultAgent)) shared.set(o.profileId!, o);
  }
  const ownerOf = (o: Observation): Observation | undefined => {
    if (!isProfile(o)) return undefined;
    if (inherited.has(o.id)) {
      const into = shared.get(o.profileId!);
      return into && into.id !== o.id ? into : undefined;
    }
    const owner = owners.get(o.agent!);
    return owner === undefined ? undefined : kept.get(`openclaw:${owner}:${o.profileId}`);
  };
  const out: Observation[] = [];
  const folded = new Map<string, Observation>();
  for (const o of observations) {
    const into = ownerOf(o);
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
