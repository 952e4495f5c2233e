import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { openclawStateDir } from '../config/paths.js';
import { selfCommand } from '../self.js';

/**
 * What the generated files point at. Found on this machine by default (`detectFacts`); the
 * `generate` options override each, and the checked-in defaults in deploy/ use fixed values.
 */
export interface DeployFacts {
  /** Absolute path of the node binary. */
  node: string;
  /** Absolute path of authwatch's dist/cli.js. */
  entry: string;
  home: string;
  /** The user the system units run as (`--system`). */
  user: string;
  /** The PATH the scheduled job gets: timers and job schedulers do not get the login shell's. */
  path: string[];
  /** OpenClaw's state dir: its `.env` holds the provider keys its daemon uses. */
  openclawStateDir: string;
  /** A config file to pass with --config, if not the default one. */
  config?: string;
}

const SYSTEM_PATH = ['/usr/local/bin', '/usr/bin', '/bin'];

/** Whether this process may execute `path`. */
export function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where `name` is on PATH, or undefined. */
export function which(name: string, env: Record<string, string | undefined>): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** A program as a command names it: a path, if executable; else a name, found on PATH. */
export function findProgram(program: string, env: Record<string, string | undefined>): string | undefined {
  if (isAbsolute(program)) return executable(program) ? program : undefined;
  return which(program, env);
}

export function detectFacts(env: Record<string, string | undefined>, overrides: Partial<DeployFacts> = {}): DeployFacts {
  const self = selfCommand();
  const node = overrides.node ?? self.node;
  const entry = overrides.entry ?? self.entry;
  // As openclawArgv resolves it for the check: an empty OPENCLAW_BIN counts as unset.
  const openclaw = env.OPENCLAW_BIN || which('openclaw', env);
  const path = overrides.path ?? [...new Set([dirname(node), ...(openclaw ? [dirname(openclaw)] : []), ...SYSTEM_PATH])];
  return {
    node,
    entry,
    home: overrides.home ?? env.HOME ?? '/root',
    user: overrides.user ?? env.USER ?? env.LOGNAME ?? 'root',
    path,
    openclawStateDir: overrides.openclawStateDir ?? openclawStateDir(env),
    ...((overrides.config ?? env.AUTHWATCH_CONFIG) ? { config: overrides.config ?? env.AUTHWATCH_CONFIG } : {}),
  };
}
