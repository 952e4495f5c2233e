import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { stateDir } from '../../config/paths.js';
import { detectFacts, type DeployFacts } from '../../deploy/facts.js';
import { everyVariant, generate, PLATFORMS } from '../../deploy/index.js';
import { install, lingerWarning, uninstall, uninstallScope } from '../../deploy/install.js';
import type { Deployment, Platform } from '../../deploy/types.js';
import { isTimeZone, TIME_ZONE_HINT } from '../../config/timezone.js';
import { UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { writeFileAtomic } from '../../fs-atomic.js';
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

function platformOf(name: string): Platform {
  if (!(PLATFORMS as string[]).includes(name)) throw new UsageError(`unknown platform "${name}" (choose ${PLATFORMS.join(', ')})`);
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
  const platform = platformOf(platformName);
  if (platform === 'cron')
    throw new UsageError('install supports systemd, termux and launchd; for cron, add the line from `authwatch generate cron` with crontab -e');
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
  const platform = platformOf(platformName);
  const { deployment, facts, schedule } = await deploymentFor(platform, options, io);
  const ok = await uninstall(platform, deployment, uninstallScope(everyVariant(platform, facts, schedule)), stateDir(io.env), options.dryRun === true, {
    say: (line) => io.stdout.write(`${line}\n`),
    env: io.env,
  });
  return ok ? ExitCode.Ok : ExitCode.Problem;
}
