import { join } from 'node:path';
import { openclawStateDir } from '../config/paths.js';
import type { Env } from '../env.js';
import { readRegularFileSync } from '../fs-read.js';
import { failed, ok, type Result } from '../result.js';

/** OpenClaw's config file: `$OPENCLAW_CONFIG_PATH`, else `<state dir>/openclaw.json`. */
export function openclawConfigPath(env: Env): string {
  return env.OPENCLAW_CONFIG_PATH || join(openclawStateDir(env), 'openclaw.json');
}

export type Secretish = { token?: unknown; password?: unknown };

/** The `gateway` section of OpenClaw's config, as far as authwatch reads it (every field unchecked). */
export interface GatewaySection {
  mode?: unknown;
  port?: unknown;
  auth?: Secretish;
  remote?: Secretish & { url?: unknown; sshTarget?: unknown; remotePort?: unknown; tlsFingerprint?: unknown };
}

/**
 * The `gateway` section of OpenClaw's config and the file's path. No file: an empty section (the
 * environment may still name a token). A file that is not plain JSON (JSON5 comments) is not
 * guessed at.
 */
export function readGatewaySection(env: Env): Result<{ path: string; gateway: GatewaySection }, string> {
  const path = openclawConfigPath(env);
  try {
    const parsed = JSON.parse(readRegularFileSync(path, 1024 * 1024)) as { gateway?: GatewaySection };
    return ok({ path, gateway: parsed.gateway ?? {} });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ok({ path, gateway: {} });
    return failed(`cannot read ${path} as JSON`);
  }
}
