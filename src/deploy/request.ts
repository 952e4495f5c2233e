import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { isTimeZone, TIME_ZONE_HINT } from '../config/timezone.js';
import type { Env } from '../env.js';
import { UsageError } from '../errors.js';
import { detectFacts, type DeployFacts } from './facts.js';
import { generate } from './index.js';
import type { Deployment, FilePlatform } from './types.js';

/** Where a deploy command writes and what environment it reads (the CLI's Io). */
export interface DeployIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Env;
}

// What `generate`, `install` and `uninstall` were asked for, turned into a deployment: every value
// checked before it is written into a file, schedule and time zone defaulting to the config's.

/** The flags of `generate`, `install` and `uninstall`. */
export interface DeployOptions {
  config?: string;
  schedule?: string;
  timezone?: string;
  mode?: string;
  system?: boolean;
  wakeLock?: boolean;
  node?: string;
  authwatch?: string;
  path?: string;
  home?: string;
  out?: string;
  dryRun?: boolean;
  /** openclaw: where the automation announces (default: the config's `type: openclaw` notifier). */
  channel?: string;
  to?: string;
  account?: string;
}

/** Options whose values are written into generated files. */
const FLAG_OF: Partial<Record<keyof DeployOptions, string>> = {
  config: '--config',
  schedule: '--schedule',
  timezone: '--timezone',
  node: '--node',
  authwatch: '--authwatch',
  path: '--path',
  home: '--home',
};

/**
 * A newline in a value would start a new line in a unit file or script (`ExecStartPre=…`):
 * no quoting makes that safe, so such values are refused.
 */
function refuseControlCharacters(what: string, value: string): void {
  const bad = /[\u0000-\u001f\u007f]/.exec(value);
  if (bad)
    throw new UsageError(
      `${what}: contains a control character (\\x${bad[0].charCodeAt(0).toString(16).padStart(2, '0')}); refusing to write it into a generated file`,
    );
}

/**
 * OpenClaw's scheduler as the target: no files, one automation in the gateway (openclaw.ts).
 * Returns the CLI to run and its `automations create` argv.
 */
export async function automationFor(options: DeployOptions, io: DeployIo): Promise<{ openclaw: string[]; create: string[] }> {
  const { config } = await loadConfig(options.config, io.env, { schedule: true });
  const notifier = config.notifiers.find((n) => n.type === 'openclaw');
  const channel = options.channel ?? notifier?.channel;
  const to = options.to ?? notifier?.target;
  if (!channel || !to)
    throw new UsageError('openclaw: name where the automation posts: --channel telegram --to <chat id> (or add a `type: openclaw` notifier to the config)');
  const account = options.account ?? (options.channel ? undefined : notifier?.account);
  for (const [flag, value] of [
    ['--channel', channel],
    ['--to', to],
    ['--account', account],
    ['--schedule', options.schedule],
    ['--config', options.config],
  ] as const) {
    if (value !== undefined) refuseControlCharacters(flag, value);
  }
  // The same checks as the other platforms: an IANA zone, and a cron expression (not `--help`, which
  // OpenClaw's CLI would take as its own option, nor words).
  if (options.timezone !== undefined && !isTimeZone(options.timezone)) throw new UsageError(`--timezone: ${TIME_ZONE_HINT}, got "${options.timezone}"`);
  const { parseCron } = await import('./cron.js');
  parseCron(options.schedule ?? config.schedule);
  const facts = detectFacts(io.env, {
    ...(options.node ? { node: options.node } : {}),
    ...(options.authwatch ? { entry: options.authwatch } : {}),
    ...(options.config ? { config: options.config } : {}),
  });
  const timezone = options.timezone ?? config.timezone;
  const openclaw = await openclawCli(config, io);
  const { automationArgv } = await import('./openclaw.js');
  return {
    openclaw,
    create: automationArgv(openclaw, facts, {
      schedule: options.schedule ?? config.schedule,
      timezone,
      route: { channel, to, ...(account ? { account } : {}) },
    }),
  };
}

/** OpenClaw's CLI on this host, as the (first) openclaw source runs it: the automation's commands go through it. */
export async function openclawCli(config: Config, io: DeployIo): Promise<string[]> {
  const { openclawArgv } = await import('../openclaw/cli.js');
  return openclawArgv(config.sources.openclaw[0]?.command ?? 'openclaw', io.env);
}

/** The deployment for these options; schedule and time zone default to the config's. */
export async function deploymentFor(
  platform: FilePlatform,
  options: DeployOptions,
  io: DeployIo,
): Promise<{ deployment: Deployment; facts: DeployFacts; schedule: string }> {
  if (options.mode !== undefined && options.mode !== 'timer' && options.mode !== 'watch')
    throw new UsageError(`--mode must be timer or watch, not "${options.mode}"`);
  for (const [flag, value] of Object.entries(FLAG_OF).map(([key, flag]) => [flag, options[key as keyof DeployOptions]] as const)) {
    if (typeof value === 'string') refuseControlCharacters(flag, value);
  }
  if (options.timezone !== undefined && !isTimeZone(options.timezone)) throw new UsageError(`--timezone: ${TIME_ZONE_HINT}, got "${options.timezone}"`);
  const { config } = await loadConfig(options.config, io.env, { schedule: true });
  const facts = detectFacts(io.env, {
    ...(options.node ? { node: options.node } : {}),
    ...(options.authwatch ? { entry: options.authwatch } : {}),
    ...(options.path ? { path: options.path.split(':').filter(Boolean) } : {}),
    ...(options.home ? { home: options.home, openclawStateDir: join(options.home, '.openclaw') } : {}),
    ...(options.config ? { config: options.config } : {}),
  });
  // What came from the environment (HOME, USER, where openclaw is) goes into the files too.
  refuseControlCharacters('$HOME (or --home)', facts.home);
  refuseControlCharacters('$USER', facts.user);
  refuseControlCharacters('the PATH entries (or --path)', facts.path.join(':'));
  refuseControlCharacters('$OPENCLAW_STATE_DIR', facts.openclawStateDir);
  refuseControlCharacters('the node path (or --node)', facts.node);
  refuseControlCharacters('the authwatch path (or --authwatch)', facts.entry);
  if (facts.config !== undefined) refuseControlCharacters('$AUTHWATCH_CONFIG (or --config)', facts.config);
  const timezone = options.timezone ?? config.timezone;
  const schedule = options.schedule ?? config.schedule;
  const deployment = generate(platform, facts, {
    schedule,
    ...(timezone ? { timezone } : {}),
    mode: (options.mode ?? 'timer') as 'timer' | 'watch',
    system: options.system === true,
    wakeLock: options.wakeLock === true,
  });
  return { deployment, facts, schedule };
}
