import * as z from 'zod/mini';
import { claudeCodeSource } from './claude-code.js';
import { codexSource } from './codex.js';
import { commandSources } from './command.js';
import { geminiSource } from './gemini.js';
import { openclawSource } from './openclaw/source.js';
import type { Source } from './source.js';

/**
 * The one table of sources, keyed as they appear under `sources:` in the config. A new source is
 * one file and one line here; the config schema, remedies, alert scopes, watched paths and
 * `config check` all read this table.
 */
export const SOURCES = {
  openclaw: openclawSource,
  claudeCode: claudeCodeSource,
  codex: codexSource,
  gemini: geminiSource,
  commands: commandSources,
};

export type SourceKey = keyof typeof SOURCES;
type ConfigOf<K extends SourceKey> = (typeof SOURCES)[K] extends Source<infer C> ? C : never;
export type SourcesConfig = { [K in SourceKey]: ConfigOf<K> };

const KEYS = Object.keys(SOURCES) as SourceKey[];

/** `sources:` in the config: each source's own schema under its key. */
export const sourcesSchema = z.prefault(
  z.strictObject(Object.fromEntries(KEYS.map((key) => [key, SOURCES[key].schema])) as { [K in SourceKey]: z.ZodMiniType<ConfigOf<K>, unknown> }),
  // Every key has its own default; zod's input type for a mapped object cannot say so.
  {} as never,
);

/** Every source with its config, to loop over. */
export function configuredSources(config: SourcesConfig): Array<{ key: SourceKey; source: Source<unknown>; config: unknown }> {
  return KEYS.map((key) => ({ key, source: SOURCES[key] as Source<unknown>, config: config[key] }));
}

/** The source that wrote a record, by its `source` field. */
export function sourceFor(recordSource: string): Source<unknown> | undefined {
  return KEYS.map((key) => SOURCES[key] as Source<unknown>).find((s) => s.owns(recordSource));
}
