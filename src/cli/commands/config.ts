import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatDuration } from '../../config/duration.js';
import { loadConfig } from '../../config/load.js';
import { defaultConfigPath } from '../../config/paths.js';
import { STARTER_CONFIG } from '../../config/starter.js';
import { UserError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { describeRule, type ThresholdRule } from '../../monitor/thresholds.js';
import type { Io } from '../io.js';

/** What a threshold rule sets, the rest inherited: `warn 3d, critical 12h`. */
function ruleValues(rule: ThresholdRule): string {
  const set = (['warn', 'critical', 'lapsed'] as const).flatMap((key) => (rule[key] === undefined ? [] : [`${key} ${formatDuration(rule[key])}`]));
  return set.length ? `${set.join(', ')} (the rest as above)` : 'the values above';
}

/** `authwatch config init`: writes the commented starter config; never overwrites without --force. */
export async function configInit(options: { config?: string; force?: boolean }, io: Io): Promise<number> {
  const path = options.config ?? io.env.AUTHWATCH_CONFIG ?? defaultConfigPath(io.env);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists && !options.force) {
    throw new UserError(`${path} already exists; use --force to overwrite it`, ExitCode.CantCreate);
  }
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    // 0600: later edits may add notifier secrets.
    await writeFile(path, STARTER_CONFIG, { mode: 0o600 });
  } catch (error) {
    throw new UserError(`cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, ExitCode.CantCreate);
  }
  io.stdout.write(`Wrote ${path}\nCheck it with: authwatch config check${options.config ? ` --config ${options.config}` : ''}\n`);
  return ExitCode.Ok;
}

/** `authwatch config check`: validates the config and says what is in effect. */
export async function configCheck(options: { config?: string }, io: Io): Promise<number> {
  const loaded = await loadConfig(options.config, io.env, { schedule: true });
  const { thresholds, sources, notifiers } = loaded.config;
  // Also resolves env:/file: secrets, so a missing variable is found now rather than at 3 a.m.
  const built = notifiers.length ? (await import('../../notifiers/registry.js')).buildNotifiers(notifiers, io.env, loaded.path ?? loaded.searchedPath) : [];
  if (loaded.config.web.token || loaded.config.web.basicAuth)
    (await import('../../web/access.js')).webAccessOf(loaded.config.web, io.env, loaded.path ?? loaded.searchedPath);
  const { configuredSources } = await import('../../monitor/sources/registry.js');
  const enabled = configuredSources(sources).flatMap(({ source, config }) => source.describe(config));
  io.stdout.write(
    `${loaded.path ? `${loaded.path}: ok` : `No config file at ${loaded.searchedPath}: the defaults apply`}\n` +
      `thresholds: warn ${formatDuration(thresholds.warn)}, critical ${formatDuration(thresholds.critical)}, lapsed ${formatDuration(thresholds.lapsed)}\n` +
      thresholds.rules.map((rule, i) => `  ${describeRule(thresholds.rules, i)}: ${ruleValues(rule)}\n`).join('') +
      `sources: ${enabled.join(', ') || 'none'}\n` +
      `notifiers: ${built.map((n) => `${n.type} "${n.name}"`).join(', ') || 'none'}\n`,
  );
  const { heartbeatWarnings } = await import('../../monitor/heartbeat.js');
  for (const warning of [...built.flatMap((n) => n.warnings ?? []), ...heartbeatWarnings(loaded.config.heartbeat, io.env)])
    io.stdout.write(`warning: ${warning}\n`);
  return ExitCode.Ok;
}
