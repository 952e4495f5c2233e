import { loadConfig, type LoadOptions } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { LogLevel } from '../log-levels.js';
import type { Notifier } from '../notifiers/types.js';
import type { WebAccess } from '../web/server.js';

/**
 * The config, and its notifiers built (secrets resolved) when they will be used, with warnings
 * about what they would send unsafely (a secret over plain http://). The status page's secrets
 * only for a watch that serves it (`servesPage`): a timer's `check` runs without watch's
 * environment, and an unset `web.token` variable must not stop it.
 */
export async function loadRuntime(
  configPath: string | undefined,
  env: Record<string, string | undefined>,
  withNotifiers: boolean,
  options: LoadOptions & { servesPage?: boolean } = {},
): Promise<{ config: Config; notifiers: Notifier[]; warnings: string[]; webAccess: WebAccess }> {
  const { servesPage, ...loadOptions } = options;
  const { config, path, searchedPath } = await loadConfig(configPath, env, loadOptions);
  const webAccess =
    servesPage && (config.web.token || config.web.basicAuth) ? (await import('../web/access.js')).webAccessOf(config.web, env, path ?? searchedPath) : {};
  const notifiers = withNotifiers && config.notifiers.length > 0 ? await notifiersOf(config, env, path ?? searchedPath) : [];
  const warnings = notifiers.flatMap((n) => n.warnings ?? []);
  if (withNotifiers && config.heartbeat) warnings.push(...(await import('../monitor/heartbeat.js')).heartbeatWarnings(config.heartbeat, env));
  return { config, notifiers, warnings, webAccess };
}

/** The configured notifiers, with signed snooze links when `web.url` says where watch's page is (loaded only then). */
async function notifiersOf(config: Config, env: Record<string, string | undefined>, file: string): Promise<Notifier[]> {
  const links = config.web.url ? (await import('../web/snooze-link.js')).snoozeLinks(config.web.url, env) : {};
  return (await import('../notifiers/registry.js')).buildNotifiers(config.notifiers, env, file, links);
}

/** `--log-level` > AUTHWATCH_LOG_LEVEL > the config's logLevel > the command's default. */
export function logLevelFor(flag: LogLevel | undefined, env: Record<string, string | undefined>, config: Config, fallback: LogLevel): LogLevel {
  return flag ?? (env.AUTHWATCH_LOG_LEVEL as LogLevel | undefined) ?? config.logLevel ?? fallback;
}
