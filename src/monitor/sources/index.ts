import { expandHome } from '../../config/paths.js';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import type { Observation } from '../types.js';
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

/** Reads every enabled source at once. Sources report their own failures as `error` observations. */
export async function collectObservations({ config, env, log, agents }: CollectOptions): Promise<Observation[]> {
  const { openclaw, claudeCode, commands } = config.sources;
  const reads: Array<Promise<Observation[]>> = [];
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
    reads.push(readClaudeCode(expandHome(claudeCode.path, env), claudeCode.enabled === true));
  }
  for (const source of commands) reads.push(readCommand(source, env));
  return (await Promise.all(reads)).flat();
}
