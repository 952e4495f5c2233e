import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { stateDir } from '../config/paths.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { shCommand } from '../shell.js';
import type { DeployFacts } from './facts.js';
import { everyVariant } from './index.js';
import { install, lingerWarning, uninstall, uninstallScope } from './install.js';
import { type FilePlatform, INSTALLABLE, listed, type Platform, PLATFORMS } from './platform-names.js';
import { reachManager, withoutManager } from './systemd-manager.js';
import { systemctl } from './systemd.js';
import { automationFor, type DeployIo, type DeployOptions, deploymentFor, openclawCli } from './request.js';

/**
 * One deploy platform: what `generate`, `install` and `uninstall` do for it, and what `doctor`
 * looks for. Each returns the exit code.
 */
export interface PlatformEntry {
  generate(options: DeployOptions, io: DeployIo): Promise<number>;
  install(options: DeployOptions, io: DeployIo): Promise<number>;
  uninstall(options: DeployOptions, io: DeployIo): Promise<number>;
  /** The files `install` may have written, in any mode (none for an automation): doctor looks for them. */
  installedFiles(facts: DeployFacts, schedule: string): string[];
}

const say = (io: DeployIo) => (line: string) => io.stdout.write(`${line}\n`);

/** A platform whose deployment is files and the commands that activate them. */
function filePlatform(
  platform: FilePlatform,
  hooks: {
    /** Before anything is written: why this host cannot run the deployment (nothing is then installed), or undefined. */
    beforeInstall?: (options: DeployOptions, facts: DeployFacts, io: DeployIo) => Promise<string | undefined>;
    afterInstall?: (options: DeployOptions, facts: DeployFacts, io: DeployIo) => Promise<void>;
  } = {},
): PlatformEntry {
  return {
    async generate(options, io) {
      const { deployment } = await deploymentFor(platform, options, io);
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
    },
    async install(options, io) {
      const { deployment, facts } = await deploymentFor(platform, options, io);
      const refusal = options.dryRun ? undefined : await hooks.beforeInstall?.(options, facts, io);
      if (refusal) {
        io.stderr.write(`authwatch: ${refusal}\n`);
        return ExitCode.Problem;
      }
      const ok = await install(deployment, { stateDir: stateDir(io.env), dryRun: options.dryRun === true, io: { say: say(io), env: io.env } });
      await hooks.afterInstall?.(options, facts, io);
      return ok ? ExitCode.Ok : ExitCode.Problem;
    },
    async uninstall(options, io) {
      const { deployment, facts, schedule } = await deploymentFor(platform, options, io);
      const scope = uninstallScope(everyVariant(platform, facts, schedule));
      const ok = await uninstall(platform, {
        fallback: deployment,
        scope,
        stateDir: stateDir(io.env),
        dryRun: options.dryRun === true,
        io: { say: say(io), env: io.env },
      });
      return ok ? ExitCode.Ok : ExitCode.Problem;
    },
    installedFiles: (facts, schedule) => everyVariant(platform, facts, schedule).flatMap((d) => d.files.map((f) => f.path)),
  };
}

/** A platform `install` does not install: generate only, and install says how to do it by hand. */
function byHand(entry: PlatformEntry, how: string): PlatformEntry {
  return {
    ...entry,
    install: () => Promise.reject(new UsageError(`install supports ${listed(INSTALLABLE, 'and')}; ${how}`)),
    installedFiles: () => [],
  };
}

/** OpenClaw's scheduler as the target: no files, one automation in the gateway (openclaw.ts). */
const openclawAutomation: PlatformEntry = {
  async generate(options, io) {
    const { create } = await automationFor(options, io);
    io.stdout.write(`# install removes any automation named authwatch, then runs:\n${shCommand(create)}\n`);
    return ExitCode.Ok;
  },
  async install(options, io) {
    const { openclaw, create } = await automationFor(options, io);
    const { installAutomation } = await import('./openclaw.js');
    const ok = await installAutomation({ openclaw, create, dryRun: options.dryRun === true, io: { say: say(io), env: io.env } });
    return ok ? ExitCode.Ok : ExitCode.Problem;
  },
  async uninstall(options, io) {
    const { config } = await loadConfig(options.config, io.env, { schedule: true });
    const { uninstallAutomation } = await import('./openclaw.js');
    const ok = await uninstallAutomation({ openclaw: await openclawCli(config, io), dryRun: options.dryRun === true, io: { say: say(io), env: io.env } });
    return ok ? ExitCode.Ok : ExitCode.Problem;
  },
  installedFiles: () => [],
};

/**
 * A timer whose manager systemctl cannot reach would never run: install nothing, and say what
 * works on this host instead.
 */
async function systemdReachable(options: DeployOptions, facts: DeployFacts, io: DeployIo): Promise<string | undefined> {
  const ctl = systemctl(options.system === true);
  const reached = await reachManager(ctl, io.env);
  if (reached.ok) return undefined;
  const { problem, fixes } = withoutManager(ctl, facts.user, reached.why);
  return `install systemd: ${problem}; nothing was installed. Instead:\n${fixes.map((fix, i) => `  ${i + 1}. ${fix}`).join('\n')}`;
}

/** systemd user units stop at logout unless lingering is on: said after installing them. */
async function lingerCheck(options: DeployOptions, facts: DeployFacts, io: DeployIo): Promise<void> {
  if (options.system) return;
  if (options.dryRun) {
    io.stdout.write(`would check: loginctl show-user ${facts.user} --property=Linger\n`);
    return;
  }
  const warning = await lingerWarning(facts.user, { say: say(io), env: io.env });
  if (warning) io.stderr.write(`authwatch: warning: ${warning}\n`);
}

/** The one table of deploy platforms (their names and kinds: platform-names.ts). A new platform is one entry here and one there. */
export const PLATFORM_TABLE: Record<Platform, PlatformEntry> = {
  systemd: filePlatform('systemd', { beforeInstall: systemdReachable, afterInstall: lingerCheck }),
  termux: filePlatform('termux'),
  launchd: filePlatform('launchd'),
  cron: byHand(filePlatform('cron'), 'for cron, add the line from `authwatch generate cron` with crontab -e'),
  openclaw: openclawAutomation,
};

/** The platform named on the command line, or a usage error listing them. */
export function platformNamed(name: string): PlatformEntry {
  if (!(PLATFORMS as string[]).includes(name)) throw new UsageError(`unknown platform "${name}" (choose ${PLATFORMS.join(', ')})`);
  return PLATFORM_TABLE[name as Platform];
}
