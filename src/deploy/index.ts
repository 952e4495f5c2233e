import { generateCron } from './crontab.js';
import type { DeployFacts } from './facts.js';
import { generateLaunchd } from './launchd.js';
import { generateSystemd } from './systemd.js';
import { generateTermux } from './termux.js';
import type { Deployment, GenerateOptions, Platform } from './types.js';

const GENERATORS: Record<Platform, (facts: DeployFacts, options: GenerateOptions) => Deployment> = {
  systemd: generateSystemd,
  termux: generateTermux,
  launchd: generateLaunchd,
  cron: generateCron,
};

export const PLATFORMS = Object.keys(GENERATORS) as Platform[];

export function generate(platform: Platform, facts: DeployFacts, options: GenerateOptions): Deployment {
  return GENERATORS[platform](facts, options);
}
