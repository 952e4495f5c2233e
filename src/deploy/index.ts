import { generateCron } from './crontab.js';
import type { DeployFacts } from './facts.js';
import { generateLaunchd } from './launchd.js';
import { generateSystemd } from './systemd.js';
import { generateTermux } from './termux.js';
import type { Deployment, FilePlatform, GenerateOptions } from './types.js';

const GENERATORS: Record<FilePlatform, (facts: DeployFacts, options: GenerateOptions) => Deployment> = {
  systemd: generateSystemd,
  termux: generateTermux,
  launchd: generateLaunchd,
  cron: generateCron,
};

export function generate(platform: FilePlatform, facts: DeployFacts, options: GenerateOptions): Deployment {
  return GENERATORS[platform](facts, options);
}

/**
 * Every deployment `install` could make for this platform with these facts, whatever mode it was
 * given: what `uninstall` may remove, and what `doctor` looks for.
 */
export function everyVariant(platform: FilePlatform, facts: DeployFacts, schedule: string): Deployment[] {
  return (['timer', 'watch'] as const).flatMap((mode) =>
    [false, true].flatMap((system) => [false, true].map((wakeLock) => generate(platform, facts, { schedule, mode, system, wakeLock }))),
  );
}
