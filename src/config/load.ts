import { readFile } from 'node:fs/promises';
import type { Document, LineCounter } from 'yaml';
import * as z from 'zod/mini';
import { ConfigError } from '../errors.js';
import { issuePath } from '../issue-path.js';
import { defaultConfigPath } from './paths.js';
import { configSchema, defaultConfig, type Config } from './schema.js';

export interface LoadedConfig {
  config: Config;
  /** The file read, or null when none exists and the defaults apply. */
  path: string | null;
  /** Where authwatch looked, for messages such as "no config at …". */
  searchedPath: string;
}

/**
 * Finds and validates the config: `--config` > `AUTHWATCH_CONFIG` > the XDG default.
 * A missing default file means defaults; a missing file that was asked for by name is an error.
 */
export async function loadConfig(explicitPath: string | undefined, env: Record<string, string | undefined>): Promise<LoadedConfig> {
  const named = explicitPath ?? env.AUTHWATCH_CONFIG;
  const path = named || defaultConfigPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !named) return { config: defaultConfig(), path: null, searchedPath: path };
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'unknown error'})`;
    throw new ConfigError([`${path}: ${why}`]);
  }
  return { config: await parseConfig(text, path), path, searchedPath: path };
}

/** Parses and validates config text; every problem becomes one `file:line: key.path: message` line. */
export async function parseConfig(text: string, file: string): Promise<Config> {
  // Loaded only when a config file exists: most timer runs of a default setup never pay for it.
  // `.default`: yaml is CommonJS, and a lazily loaded CommonJS chunk of the bundle exposes only
  // module.exports as its default export (Node's own ESM loader offers both).
  const { LineCounter, isMap, isScalar, parseDocument } = (await import('yaml')).default;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        // Only the first line of the parser's message: the rest quotes the file, which may hold secrets.
        return `${file}:${pos.line}:${pos.col}: invalid YAML: ${firstLine(e.message)}`;
      }),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([`${file}:1: the config must be a mapping of keys (thresholds:, sources:, …)`]);
  }
  const first = configSchema.safeParse(raw);
  if (first.success) return first.data;
  // zod/mini ships without messages; load the English ones only when there is an error to explain.
  const { default: en } = await import('zod/v4/locales/en.js');
  z.config(en());
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const locate = (path: readonly PropertyKey[], wantKey: boolean) => lineOf(doc, lineCounter, path, wantKey, { isMap, isScalar });
  throw new ConfigError(result.error.issues.flatMap((issue) => describeIssue(issue, locate, file)));
}

type Locate = (path: readonly PropertyKey[], wantKey: boolean) => number;
type NodeTests = Pick<typeof import('yaml'), 'isMap' | 'isScalar'>;

function describeIssue(issue: z.core.$ZodIssue, locate: Locate, file: string): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return `${file}:${locate(path, true)}: ${issuePath(path)}: unknown key`;
    });
  }
  return [`${file}:${locate(issue.path, false)}: ${issuePath(issue.path)}: ${issue.message}`];
}

/** The 1-based line of the node at `path`, or of the nearest ancestor that exists in the file. */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[], wantKey: boolean, is: NodeTests): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth) as Array<string | number>;
    const offset = depth === path.length && wantKey ? keyOffset(doc, prefix, is) : valueOffset(doc, prefix, is);
    if (offset !== undefined) return lines.linePos(offset).line;
  }
  return 1;
}

function valueOffset(doc: Document, path: Array<string | number>, is: NodeTests): number | undefined {
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  if (range) return range[0];
  // A key with no value (`warn:`) has no value node: point at the key instead.
  return keyOffset(doc, path, is);
}

function keyOffset(doc: Document, path: Array<string | number>, is: NodeTests): number | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!is.isMap(parent)) return undefined;
  const last = path[path.length - 1];
  const pair = parent.items.find((item) => is.isScalar(item.key) && item.key.value === last);
  return (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
