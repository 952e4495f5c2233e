import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import { quoteForeign, scrubIdentifier, scrubSecrets } from '../../redact.js';
import type { Remedy } from '../remedy-lines.js';
import type { Observation, SourceReport, SourceResult } from '../types.js';
import { failedRead, type SourceSession } from './source.js';
import { configuredSources } from './registry.js';

export interface CollectOptions {
  config: Config;
  env: Record<string, string | undefined>;
  log: Logger;
  /** `--agent` on the command line: narrows the OpenClaw source, overriding `sources.openclaw.agents`. */
  agents?: string[];
  /** `watch`: connections and triggers that outlive one check. */
  session?: SourceSession;
}

export interface Collected {
  observations: Observation[];
  covered: string[];
  /** Each enabled source (by its key under `sources:`): how it was read and how long it took. */
  sources: SourceReport[];
}

/** Reads every source at once. Sources report their own failures as `error` observations. */
export async function collectObservations({ config, env, log, agents, session }: CollectOptions): Promise<Collected> {
  const enabled = configuredSources(config.sources).filter(({ source, config: own }) => source.describe(own).length > 0);
  const results = await Promise.all(
    enabled.map(async ({ key, source, config: own }) => {
      const started = process.hrtime.bigint();
      const result = await readOrError(key, () => source.read(own, { env, log, agents, ...(session ? { session } : {}) }));
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      // One line per way it was read (OpenClaw: per gateway), or one for the source as a whole.
      const transports = result.transports?.length ? result.transports : [{ via: 'file' }];
      return { result, reports: transports.map((t): SourceReport => ({ source: key, ...t, durationMs: t.durationMs ?? durationMs })) };
    }),
  );
  return {
    observations: results.flatMap(({ result }) => result.observations.map(scrubObservation)),
    covered: results.flatMap(({ result }) => result.covered),
    sources: results.flatMap(({ reports }) => reports.map((r) => ({ ...r, ...(r.fallbackReason ? { fallbackReason: scrubSecrets(r.fallbackReason) } : {}) }))),
  };
}

/**
 * A source's read, or, should it throw after all (a value no schema foresaw), one `error` record
 * for that source: the other sources still report, and `watch` goes on checking.
 */
async function readOrError(key: string, read: () => Promise<SourceResult>): Promise<SourceResult> {
  try {
    return await read();
  } catch (error) {
    const detail = `${key}: could not be read (${error instanceof Error ? error.name : 'error'}: ${quoteForeign(error instanceof Error ? error.message : String(error), 200)})`;
    return { observations: [failedRead({ id: `${key}:source`, source: key, agent: null, agentIsDefault: true, detail, failure: 'failed' })], covered: [] };
  }
}

const nullable = (scrub: (text: string) => string) => (text: string | null) => (text === null ? null : scrub(text));
const identifier = nullable(scrubIdentifier);
const prose = nullable(scrubSecrets);

/** A source's own remedy: its prose scrubbed like any text, its command words like identifiers. */
const scrubRemedy = (remedy: Remedy): Remedy =>
  remedy.map((line) =>
    line.map((part) =>
      typeof part === 'string' ? scrubSecrets(part) : { ...part, argv: part.argv.map((w) => (typeof w === 'string' ? scrubIdentifier(w) : w)) },
    ),
  );

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
    ...(o.sharedWith === undefined ? {} : { sharedWith: o.sharedWith.map(scrubIdentifier) }),
    ...(o.replaces === undefined ? {} : { replaces: o.replaces.map(scrubIdentifier) }),
    ...(o.remedy === undefined ? {} : { remedy: o.remedy === null ? null : scrubRemedy(o.remedy) }),
    ...(o.unusable === undefined
      ? {}
      : {
          unusable: {
            ...o.unusable,
            kind: scrubSecrets(o.unusable.kind),
            reason: prose(o.unusable.reason),
            ...(o.unusable.hint === undefined ? {} : { hint: prose(o.unusable.hint) }),
          },
        }),
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
