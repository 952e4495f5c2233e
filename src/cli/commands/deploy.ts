import { platformNamed } from '../../deploy/platforms.js';
import type { DeployOptions } from '../../deploy/request.js';
import type { Io } from '../io.js';

export type { DeployOptions } from '../../deploy/request.js';

/** `authwatch generate PLATFORM`: prints the files (or writes them to --out) and what install would run. */
export const generateCommand = (platform: string, options: DeployOptions, io: Io) => platformNamed(platform).generate(options, io);

/** `authwatch install PLATFORM [--dry-run]`. Exit 1 when a platform command failed. */
export const installCommand = (platform: string, options: DeployOptions, io: Io) => platformNamed(platform).install(options, io);

/** `authwatch uninstall PLATFORM [--dry-run]`: reverses what install recorded. */
export const uninstallCommand = (platform: string, options: DeployOptions, io: Io) => platformNamed(platform).uninstall(options, io);
