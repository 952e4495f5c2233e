import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { stateDir } from '../../config/paths.js';
import { detectFacts, type DeployFacts } from '../../deploy/facts.js';
import { everyVariant, generate, PLATFORMS } from '../../deploy/index.js';
import { install, lingerWarning, uninstall, uninstallScope } from '../../deploy/install.js';
import type { Deployment, Platform } from '../../deploy/types.js';
import { isTimeZone, TIME_ZONE_HINT } from '../../config/timezone.js';
import { UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { writeFileAtomic } from '../../fs-atomic.js';
import { shCommand } from '../../shell.js';
import type { Io } from '../io.js';

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
 * OpenClaw's scheduler as the target: no files, one automation in the gateway (src/deploy/openclaw.ts).
 * Returns the CLI to run and its `automations create` argv.
 */
async function automationFor(options: DeployOptions, io: Io): Promise<{ openclaw: string[]; create: string[] }> {
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
  const { parseCron } = await import('../../deploy/cron.js');
  parseCron(options.schedule ?? config.schedule);
  const facts = detectFacts(io.env, {
    ...(options.node ? { node: options.node } : {}),
    ...(options.authwatch ? { entry: options.authwatch } : {}),
    ...(options.config ? { config: options.config } : {}),
  });
  const timezone = options.timezone ?? config.timezone;
  const openclaw = await openclawCli(config, io);
  const { automationArgv } = await import('../../deploy/openclaw.js');
  return { openclaw, create: automationArgv(openclaw, facts, options.schedule ?? config.schedule, timezone, { channel, to, ...(account ? { account } : {}) }) };
}

/** OpenClaw's CLI on this host, as the (first) openclaw source runs it: the automation's commands go through it. */
async function openclawCli(config: Config, io: Io): Promise<string[]> {
  const { openclawArgv } = await import('../../openclaw/cli.js');
  return openclawArgv(config.sources.openclaw[0]?.command ?? 'openclaw', io.env);
}

function platformOf(name: string): Platform {
  if (!(PLATFORMS as string[]).includes(name)) throw new UsageError(`unknown platform "${name}" (choose ${[...PLATFORMS, 'openclaw'].join(', ')})`);
  return name as Platform;
}

/** The deployment for these options; schedule and time zone default to the config's. */
async function deploymentFor(platformName: string, options: DeployOptions, io: Io): Promise<{ deployment: Deployment; facts: DeployFacts; schedule: string }> {
  const platform = platformOf(platformName);
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

/** `authwatch generate PLATFORM`: prints the files (or writes them to --out) and what install would run. */
export async function generateCommand(platformName: string, options: DeployOptions, io: Io): Promise<number> {
  if (platformName === 'openclaw') {
    const { create } = await automationFor(options, io);
    io.stdout.write(`# install removes any automation named authwatch, then runs:\n${shCommand(create)}\n`);
    return ExitCode.Ok;
  }
  const { deployment } = await deploymentFor(platformName, options, io);
  if (options.out) {
    await mkdir(options.out, { recursive: true });
    for (const file of deployment.files) {
      const path = join(options.out, file.name);
      await writeFileAtomic(path, file.content, file.mode);
      io.stdout.write(`wrote ${path}\n`);
    }
  } else {
    for (const file of deployment.files) io.stdout.write(`# ==> ${file.path} <==\n${file.content}\n`);
  }
  for (const argv of deployment.activate) io.stdout.write(`# install runs: ${argv.join(' ')}\n`);
  for (const note of deployment.notes) io.stdout.write(`# note: ${note}\n`);
  return ExitCode.Ok;
}

/** `authwatch install PLATFORM [--dry-run]`. Exit 1 when a platform command failed. */
export async function installCommand(platformName: string, options: DeployOptions, io: Io): Promise<number> {
  if (platformName === 'openclaw') {
    const { openclaw, create } = await automationFor(options, io);
    const { installAutomation } = await import('../../deploy/openclaw.js');
    const ok = await installAutomation(openclaw, create, options.dryRun === true, { say: (line) => io.stdout.write(`${line}\n`), env: io.env });
    return ok ? ExitCode.Ok : ExitCode.Problem;
  }
  const platform = platformOf(platformName);
  if (platform === 'cron')
    throw new UsageError('install supports systemd, termux, launchd and openclaw; for cron, add the line from `authwatch generate cron` with crontab -e');
  const { deployment, facts } = await deploymentFor(platform, options, io);
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const ok = await install(deployment, stateDir(io.env), options.dryRun === true, { say, env: io.env });
  if (platform === 'systemd' && !options.system && options.dryRun) {
    io.stdout.write(`would check: loginctl show-user ${facts.user} --property=Linger\n`);
  } else if (platform === 'systemd' && !options.system) {
    const warning = await lingerWarning(facts.user, { say, env: io.env });
    if (warning) io.stderr.write(`authwatch: warning: ${warning}\n`);
  }
  return ok ? ExitCode.Ok : ExitCode.Problem;
}

/** `authwatch uninstall PLATFORM [--dry-run]`: reverses what install recorded. */
export async function uninstallCommand(platformName: string, options: DeployOptions, io: Io): Promise<number> {
  if (platformName === 'openclaw') {
    const { config } = await loadConfig(options.config, io.env, { schedule: true });
    const { uninstallAutomation } = await import('../../deploy/openclaw.js');
    const ok = await uninstallAutomation(await openclawCli(config, io), options.dryRun === true, { say: (line) => io.stdout.write(`${line}\n`), env: io.env });
    return ok ? ExitCode.Ok : ExitCode.Problem;
  }
  const platform = platformOf(platformName);
  const { deployment, facts, schedule } = await deploymentFor(platform, options, io);
  const ok = await uninstall(platform, deployment, uninstallScope(everyVariant(platform, facts, schedule)), stateDir(io.env), options.dryRun === true, {
    say: (line) => io.stdout.write(`${line}\n`),
    env: io.env,
  });
  return ok ? ExitCode.Ok : ExitCode.Problem;
}
