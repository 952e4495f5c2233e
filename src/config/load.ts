import type { Document, LineCounter } from 'yaml';
import * as z from 'zod/mini';
import { ConfigError } from '../errors.js';
import { readFailure, readRegularFile, UnreadableFileError } from '../fs-read.js';
import { issuePath } from '../schema-errors.js';
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
export interface LoadOptions {
  /** Also check `schedule` (watch, generate, install, doctor, config check): loads croner. */
  schedule?: boolean;
}

export async function loadConfig(explicitPath: string | undefined, env: Record<string, string | undefined>, options: LoadOptions = {}): Promise<LoadedConfig> {
  const named = explicitPath ?? env.AUTHWATCH_CONFIG;
  const path = named || defaultConfigPath(env);
  let text: string;
  try {
    text = await readRegularFile(path, MAX_CONFIG_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !named) return { config: defaultConfig(), path: null, searchedPath: path };
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : error instanceof UnreadableFileError
            ? readFailure(error)
            : `cannot read (${code ?? 'unknown error'})`;
    throw new ConfigError([`${path}: ${why}`]);
  }
  return { config: await parseConfig(text, path, options), path, searchedPath: path };
}

/** A config is a few KiB; anything this large is a mistake (or an attack), not a config. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Problems listed one per line; the rest are counted. A watch reload must never stall on a huge list. */
export const MAX_REPORTED_PROBLEMS = 20;

/** The first MAX_REPORTED_PROBLEMS lines, and a count of the rest. */
function capped(lines: string[], total: number, file: string): string[] {
  const shown = lines.slice(0, MAX_REPORTED_PROBLEMS);
  return total > shown.length ? [...shown, `${file}: … and ${total - shown.length} more problems`] : shown;
}

/**
 * Parses and validates config text; every problem becomes one `file:line: key.path: message` line.
 * Linear in the size of the file: YAML's own duplicate-key check compares every key with every
 * other (40,000 keys took 19 s), so duplicates are found here with a set per mapping instead.
 */
export async function parseConfig(text: string, file: string, options: LoadOptions = {}): Promise<Config> {
  // Loaded only when a config file exists: most timer runs of a default setup never pay for it.
  // `.default`: yaml is CommonJS, and a lazily loaded CommonJS chunk of the bundle exposes only
  // module.exports as its default export (Node's own ESM loader offers both).
  const { LineCounter, isMap, isScalar, parseDocument } = (await import('yaml')).default;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.slice(0, MAX_REPORTED_PROBLEMS).map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      // Only the first line of the parser's message: the rest quotes the file, which may hold secrets.
      return `${file}:${pos.line}:${pos.col}: invalid YAML: ${firstLine(e.message)}`;
    });
    throw new ConfigError(capped(lines, doc.errors.length, file));
  }
  const duplicates = duplicateKeys(doc.contents, [], isMap, isScalar);
  if (duplicates.length > 0) {
    const lines = duplicates
      .slice(0, MAX_REPORTED_PROBLEMS)
      .map(({ path, offset }) => `${file}:${lineCounter.linePos(offset).line}: ${issuePath(path)}: duplicate key`);
    throw new ConfigError(capped(lines, duplicates.length, file));
  }
  let raw: unknown;
  try {
    // maxAliasCount (yaml's default, spelled out): a "billion laughs" document stops here.
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new ConfigError([
      `${file}: invalid YAML: ${error instanceof ReferenceError ? 'aliases expand too far (more than 100 alias uses)' : firstLine((error as Error).message)}`,
    ]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([`${file}:1: the config must be a mapping of keys (thresholds:, sources:, …)`]);
  }
  const locate = (path: readonly PropertyKey[], wantKey: boolean) => lineOf(doc, lineCounter, path, wantKey, { isMap, isScalar });
  const first = configSchema.safeParse(raw);
  if (first.success) {
    if (options.schedule) await checkSchedule(first.data.schedule, `${file}:${locate(['schedule'], false)}: schedule`);
    return first.data;
  }
  // zod/mini ships without messages; load the English ones only when there is an error to explain.
  const { default: en } = await import('zod/v4/locales/en.js');
  z.config(en());
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  // Count first, locate only what is shown: finding a key's line is linear in its mapping.
  const total = result.error.issues.reduce((n, issue) => n + (issue.code === 'unrecognized_keys' ? issue.keys.length : 1), 0);
  const lines: string[] = [];
  for (const issue of result.error.issues) {
    if (lines.length >= MAX_REPORTED_PROBLEMS) break;
    lines.push(...describeIssue(issue, locate, file, MAX_REPORTED_PROBLEMS - lines.length));
  }
  throw new ConfigError(capped(lines, total, file));
}

/**
 * The schedule, checked by the same function as `--schedule` (so `@daily` is fine in both, and a
 * bad one gets the same words), as a config error at `where`.
 */
async function checkSchedule(expression: string, where: string): Promise<void> {
  const { parseCron, ScheduleError } = await import('../deploy/cron.js');
  try {
    parseCron(expression);
  } catch (error) {
    if (error instanceof ScheduleError) throw new ConfigError([`${where}: ${error.why}`]);
    throw error;
  }
}

/** Keys that appear twice in one mapping, anywhere in the document, with where the second one is. */
function duplicateKeys(
  node: unknown,
  path: Array<string | number>,
  isMap: NodeTests['isMap'],
  isScalar: NodeTests['isScalar'],
): Array<{ path: Array<string | number>; offset: number }> {
  const found: Array<{ path: Array<string | number>; offset: number }> = [];
  const visit = (current: unknown, at: Array<string | number>): void => {
    if (isMap(current)) {
      const seen = new Set<unknown>();
      for (const pair of current.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (isScalar(pair.key) && seen.has(key)) found.push({ path: [...at, String(key)], offset: pair.key.range?.[0] ?? 0 });
        seen.add(key);
        visit(pair.value, [...at, String(key)]);
      }
    } else if (current && typeof current === 'object' && 'items' in current && Array.isArray((current as { items: unknown[] }).items)) {
      for (const [i, item] of (current as { items: unknown[] }).items.entries()) visit(item, [...at, i]);
    }
  };
  visit(node, path);
  return found;
}

type Locate = (path: readonly PropertyKey[], wantKey: boolean) => number;
type NodeTests = Pick<typeof import('yaml'), 'isMap' | 'isScalar'>;

function describeIssue(issue: z.core.$ZodIssue, locate: Locate, file: string, max: number): string[] {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // One value, several accepted shapes (`sources.openclaw`: a mapping or a list): explain it by
    // the shape it has, the branch that did not fail on its type outright.
    const branch = issue.errors.find((issues) => !issues.some((i) => i.path.length === 0 && i.code === 'invalid_type')) ?? issue.errors[0]!;
    return branch.flatMap((inner) => describeIssue({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue, locate, file, max)).slice(0, max);
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.slice(0, max).map((key) => {
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
