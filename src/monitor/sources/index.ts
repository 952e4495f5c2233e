import { expandHome } from '../../config/paths.js';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import type { Observation, SourceResult } from '../types.js';
import { readClaudeCode } from './claude-code.js';
import { readCommand } from './command.js';
import { readOpenclaw } from './openclaw.js';

export interface CollectOptions {
  config: Config;
  env: Record<string, string | undefined>;
  log: Logger;
  /** `--agent` on the command line: narrows the OpenClaw source, overriding `sources.openclaw.agents`. */
  agents?: string[];
}

/** A source that reads one scope: covered unless it reported an error. */
async function single(scope: string, read: Promise<Observation[]>): Promise<SourceResult> {
  const observations = await read;
  return { observations, covered: observations.some((o) => o.condition === 'error') ? [] : [scope] };
}

/** Reads every enabled source at once. Sources report their own failures as `error` observations. */
export async function collectObservations({ config, env, log, agents }: CollectOptions): Promise<SourceResult> {
  const { openclaw, claudeCode, commands } = config.sources;
  const reads: Array<Promise<SourceResult>> = [];
  if (openclaw.enabled) {
    reads.push(
      readOpenclaw({
        command: openclaw.command,
        agents: agents?.length ? agents : openclaw.agents,
        timeoutMs: openclaw.timeout,
        env,
        log,
      }),
    );
  }
  if (claudeCode.enabled !== false) {
    reads.push(single('claude-code', readClaudeCode(expandHome(claudeCode.path, env), claudeCode.enabled === true)));
  }
  for (const source of commands) reads.push(single(`command:${source.name}`, readCommand(source, env)));
  const results = await Promise.all(reads);
  return { observations: results.flatMap((r) => r.observations), covered: results.flatMap((r) => r.covered) };
}
