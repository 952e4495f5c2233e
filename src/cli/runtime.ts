import { loadConfig, type LoadOptions } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { LogLevel } from '../log-levels.js';
import type { Notifier } from '../notifiers/types.js';

/**
 * The config, and its notifiers built (secrets resolved) when they will be used, with warnings
 * about what they would send unsafely (a secret over plain http://).
 */
export async function loadRuntime(
  configPath: string | undefined,
  env: Record<string, string | undefined>,
  withNotifiers: boolean,
  options: LoadOptions = {},
): Promise<{ config: Config; notifiers: Notifier[]; warnings: string[] }> {
  const { config, path, searchedPath } = await loadConfig(configPath, env, options);
  const notifiers =
    withNotifiers && config.notifiers.length > 0 ? (await import('../notifiers/registry.js')).buildNotifiers(config.notifiers, env, path ?? searchedPath) : [];
  const warnings = notifiers.flatMap((n) => n.warnings ?? []);
  if (withNotifiers && config.heartbeat) warnings.push(...(await import('../monitor/heartbeat.js')).heartbeatWarnings(config.heartbeat, env));
  return { config, notifiers, warnings };
}

/** `--log-level` > AUTHWATCH_LOG_LEVEL > the config's logLevel > the command's default. */
export function logLevelFor(flag: LogLevel | undefined, env: Record<string, string | undefined>, config: Config, fallback: LogLevel): LogLevel {
  return flag ?? (env.AUTHWATCH_LOG_LEVEL as LogLevel | undefined) ?? config.logLevel ?? fallback;
}
