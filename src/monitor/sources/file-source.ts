import { dirname } from 'node:path';
import * as z from 'zod/mini';
import { expandHome } from '../../config/paths.js';
import { firstIssue } from '../../schema-errors.js';
import { readFailure, readRegularFile } from '../../fs-read.js';
import type { CredentialType, Observation } from '../types.js';
import { parseJsonOutput } from './parse-json.js';
import { prose } from '../remedy-lines.js';
import type { Source } from './source.js';
import type { Env } from '../../env.js';

/** What a login file says about its credential, or why it cannot be used. */
export type FileVerdict = { expiresAt: number | null; refreshable: boolean; type: CredentialType } | { missing: string } | { error: string };

export interface FileSourceSpec {
  /** The record's `source` and the config key's name in messages: `claude-code`. */
  name: string;
  provider: string;
  profileId: string;
  /** The file, given the environment (`$CODEX_HOME`), when the config names none. */
  defaultPath: (env: Env) => string;
  /** Reads the parsed JSON. Only the facts leave: token values are never kept. */
  judge: (json: unknown) => FileVerdict;
  /** The steps that renew the login, one per line. */
  renew: string[];
  /** What to do when the file cannot be read or parsed. */
  repair: string;
}

/** A login file that is not in the shape its judge reads: the first field that is not, and why. */
export function notExpected(error: z.core.$ZodError): string {
  return `is not the expected JSON (${firstIssue(error)})`;
}

/** Login files are small; anything larger is not one. */
const MAX_BYTES = 1024 * 1024;

export type FileSourceConfig = { enabled: boolean | 'auto'; path?: string | undefined };

/**
 * A source that reads another CLI's login file (Claude Code, Codex, Gemini CLI), which OpenClaw can
 * reuse. `auto` (the default) reads it when it exists; `true` reports a missing file as missing.
 */
export function fileSource(spec: FileSourceSpec): Source<FileSourceConfig> {
  const pathOf = (config: FileSourceConfig, env: Env) => (config.path ? expandHome(config.path, env) : spec.defaultPath(env));
  return {
    schema: z.prefault(
      z.strictObject({
        /** auto: read the file when it exists; true: a missing file is reported; false: off. */
        enabled: z._default(z.union([z.boolean(), z.literal('auto')]), 'auto'),
        path: z.optional(z.string().check(z.minLength(1))),
      }),
      {},
    ),
    async read(config, { env }) {
      if (config.enabled === false) return { observations: [], covered: [] };
      const observations = await readLoginFile(spec, pathOf(config, env), config.enabled === true);
      return { observations, covered: observations.some((o) => o.condition === 'error') ? [] : [spec.name], transports: [{ via: 'file' }] };
    },
    owns: (source) => source === spec.name,
    scopeOf: () => spec.name,
    remedy: (credential) => prose(credential.status === 'error' ? spec.repair : spec.renew.join('\n')),
    watchDirs: (config, env) => (config.enabled === false ? [] : [dirname(pathOf(config, env))]),
    describe: (config) => (config.enabled === false ? [] : [`${spec.name}${config.enabled === 'auto' ? ' (when present)' : ''}`]),
  };
}

async function readLoginFile(spec: FileSourceSpec, path: string, required: boolean): Promise<Observation[]> {
  const base = {
    id: `${spec.name}:${spec.provider}`,
    source: spec.name,
    agent: null,
    agentIsDefault: true,
    provider: spec.provider,
    profileId: spec.profileId,
  };
  const record = (fields: Pick<Observation, 'condition' | 'detail' | 'expiresAt' | 'refreshable' | 'type'>): Observation[] => [{ ...base, ...fields }];
  const problem = (condition: 'missing' | 'error', detail: string) => record({ condition, detail, expiresAt: null, refreshable: false, type: null });
  let text: string;
  try {
    // Only a regular file, non-blocking: a FIFO at the path must not hang the check.
    text = await readRegularFile(path, MAX_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return required ? problem('missing', `${path} does not exist`) : [];
    return problem('error', `cannot read ${path} (${readFailure(error)})`);
  }
  const json = parseJsonOutput(text);
  if (!json.ok) return problem('error', `${path} is not the expected JSON`);
  const verdict = spec.judge(json.value);
  if ('error' in verdict) return problem('error', `${path} ${verdict.error}`);
  if ('missing' in verdict) return problem('missing', `${path} ${verdict.missing}`);
  return record({ condition: 'valid', detail: null, ...verdict });
}
