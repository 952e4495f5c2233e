import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../env.js';

function home(env: Env): string {
  return env.HOME || homedir();
}

/** Expands a leading `~/` against HOME, as a shell would for config values like `~/.claude/...`. */
export function expandHome(path: string, env: Env): string {
  if (path === '~') return home(env);
  return path.startsWith('~/') ? join(home(env), path.slice(2)) : path;
}

/** `$XDG_CONFIG_HOME/authwatch/config.yaml`, else `~/.config/authwatch/config.yaml`. */
export function defaultConfigPath(env: Env): string {
  const base = env.XDG_CONFIG_HOME || join(home(env), '.config');
  return join(base, 'authwatch', 'config.yaml');
}

/** `$XDG_STATE_HOME/authwatch`, else `~/.local/state/authwatch`. */
export function stateDir(env: Env): string {
  const base = env.XDG_STATE_HOME || join(home(env), '.local', 'state');
  return join(base, 'authwatch');
}

/** OpenClaw's own state directory: `$OPENCLAW_STATE_DIR`, else `~/.openclaw`. */
export function openclawStateDir(env: Env): string {
  return env.OPENCLAW_STATE_DIR || join(home(env), '.openclaw');
}
