import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import { scrubIdentifier, scrubSecrets } from '../../redact.js';
import type { Observation, SourceResult } from '../types.js';
import { configuredSources } from './registry.js';

export interface CollectOptions {
  config: Config;
  env: Record<string, string | undefined>;
  log: Logger;
  /** `--agent` on the command line: narrows the OpenClaw source, overriding `sources.openclaw.agents`. */
  agents?: string[];
}

/** Reads every source at once. Sources report their own failures as `error` observations. */
export async function collectObservations({ config, env, log, agents }: CollectOptions): Promise<SourceResult> {
  const results = await Promise.all(configuredSources(config.sources).map(({ source, config: own }) => source.read(own, { env, log, agents })));
  return { observations: results.flatMap((r) => r.observations.map(scrubObservation)), covered: results.flatMap((r) => r.covered) };
}

const nullable = (scrub: (text: string) => string) => (text: string | null) => (text === null ? null : scrub(text));
const identifier = nullable(scrubIdentifier);
const prose = nullable(scrubSecrets);

/**
 * Every string a source hands over passes here, whatever the source: a key quoted in an error, or
 * planted in an agent or profile name, is masked before anything prints, saves or sends it.
 */
export function scrubObservation(o: Observation): Observation {
  return {
    ...o,
    id: scrubIdentifier(o.id),
    agent: identifier(o.agent),
    provider: identifier(o.provider),
    profileId: identifier(o.profileId),
    detail: prose(o.detail),
    ...(o.remedy === undefined ? {} : { remedy: prose(o.remedy) }),
    ...(o.unusable === undefined ? {} : { unusable: { ...o.unusable, kind: scrubSecrets(o.unusable.kind), reason: prose(o.unusable.reason) } }),
    ...(o.route === undefined
      ? {}
      : {
          route: {
            ...o.route,
            model: identifier(o.route.model),
            ...(o.route.runtime === undefined ? {} : { runtime: scrubIdentifier(o.route.runtime) }),
            ...(o.route.plugins === undefined ? {} : { plugins: o.route.plugins.map(scrubIdentifier) }),
          },
        }),
  };
}
