import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { stateDir } from '../../config/paths.js';
import { detectFacts, type DeployFacts } from '../../deploy/facts.js';
import { generate, PLATFORMS } from '../../deploy/index.js';
import { install, lingerWarning, uninstall } from '../../deploy/install.js';
import type { Deployment, Platform } from '../../deploy/types.js';
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

function platformOf(name: string): Platform {
  if (!(PLATFORMS as string[]).includes(name)) throw new UsageError(`unknown platform "${name}" (choose ${PLATFORMS.join(', ')})`);
  return name as Platform;
}

/** The deployment for these options; schedule and time zone default to the config's. */
async function deploymentFor(platformName: string, options: DeployOptions, io: Io): Promise<{ deployment: Deployment; facts: DeployFacts }> {
  const platform = platformOf(platformName);
  if (options.mode !== undefined && options.mode !== 'timer' && options.mode !== 'watch') throw new UsageError(`--mode must be timer or watch, not "${options.mode}"`);
  const { config } = await loadConfig(options.config, io.env);
  const facts = detectFacts(io.env, {
    ...(options.node ? { node: options.node } : {}),
    ...(options.authwatch ? { entry: options.authwatch } : {}),
    ...(options.path ? { path: options.path.split(':').filter(Boolean) } : {}),
    ...(options.home ? { home: options.home, openclawStateDir: join(options.home, '.openclaw') } : {}),
    ...(options.config ? { config: options.config } : {}),
  });
  const timezone = options.timezone ?? config.timezone;
  const deployment = generate(platform, facts, {
    schedule: options.schedule ?? config.schedule,
    ...(timezone ? { timezone } : {}),
    mode: (options.mode ?? 'timer') as 'timer' | 'watch',
    system: options.system === true,
    wakeLock: options.wakeLock === true,
  });
  return { deployment, facts };
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
  if (platform === 'cron') throw new UsageError('install supports systemd, termux and launchd; for cron, add the line from `authwatch generate cron` with crontab -e');
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
  const { deployment } = await deploymentFor(platform, options, io);
  const ok = await uninstall(platform, deployment, stateDir(io.env), options.dryRun === true, { say: (line) => io.stdout.write(`${line}\n`), env: io.env });
  return ok ? ExitCode.Ok : ExitCode.Problem;
}
