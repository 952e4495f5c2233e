import * as z from 'zod/mini';
import { epochMs, isEpochMs } from './epoch.js';
import { durationSchema } from '../../config/duration-schema.js';
import type { Observation } from '../types.js';
import { firstIssue } from '../../schema-errors.js';
import { parseJsonOutput } from './parse-json.js';
import { describeStderr, runProgram, type FailureKind } from '../../process/run.js';
import { failedRead, type Source } from './source.js';
import { prose } from '../remedy-lines.js';

const commandSourceSchema = z.strictObject({
  name: z.string().check(z.regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, ".", "_" or "-"')),
  command: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  timeout: z.prefault(durationSchema, '30s'),
});

export type CommandSourceConfig = z.output<typeof commandSourceSchema>;

/**
 * Programs that print credential records (`sources.commands`), for anything authwatch does not
 * read itself. Each is its own scope, `command:<name>`.
 */
export const commandSources: Source<CommandSourceConfig[]> = {
  schema: z._default(
    z.array(commandSourceSchema).check(
      z.superRefine((sources, ctx) => {
        const names = new Set<string>();
        sources.forEach((source, i) => {
          if (names.has(source.name)) ctx.addIssue({ code: 'custom', input: source.name, path: [i, 'name'], message: `duplicate name "${source.name}"` });
          names.add(source.name);
        });
      }),
    ),
    [],
  ),
  async read(sources, { env }) {
    const results = await Promise.all(sources.map((source) => readCommand(source, env)));
    return {
      observations: results.flat(),
      covered: sources.filter((_, i) => !results[i]!.some((o) => o.condition === 'error')).map((s) => `command:${s.name}`),
      transports: [{ via: 'command' }],
    };
  },
  owns: (source) => source.startsWith('command:'),
  scopeOf: (record) => record.source,
  remedy: (credential) => (credential.status === 'error' ? prose(`Run the ${credential.source} source's command by hand to see what fails.`) : null),
  watchDirs: () => [],
  describe: (sources) => sources.map((s) => `command:${s.name}`),
};

/**
 * The record a `command` source prints, as a JSON array. Documented in the README; unknown fields
 * are ignored so that producers can carry their own.
 */
const isoOrEpoch = z.union([epochMs(), z.string().check(z.refine((s) => isEpochMs(Date.parse(s)), 'expected an ISO 8601 date or epoch milliseconds'))]);
const name = () => z.string().check(z.minLength(1));

export const commandRecordSchema = z.looseObject({
  id: name(),
  provider: z.nullish(name()),
  profileId: z.nullish(name()),
  agent: z.nullish(name()),
  type: z.nullish(z.enum(['oauth', 'token', 'api_key'])),
  expiresAt: z.nullish(isoOrEpoch),
  /** What the producer asserts; `ok` (the default) means "judge me by expiresAt". */
  status: z._default(z.enum(['ok', 'expired', 'missing', 'unusable']), 'ok'),
  refreshable: z._default(z.boolean(), false),
  detail: z.nullish(z.string()),
  remedy: z.nullish(z.string()),
});

const outputSchema = z.array(commandRecordSchema);

/** Runs a user command that prints credential records and turns them into observations. */
export async function readCommand(source: CommandSourceConfig, env: Record<string, string | undefined>): Promise<Observation[]> {
  const name = `command:${source.name}`;
  const fail = (message: string, failure: FailureKind = 'failed'): Observation[] => [
    failedRead({ id: `${name}:source`, source: name, agent: null, agentIsDefault: true, detail: `${name}: ${message}`, failure }),
  ];
  const run = await runProgram(source.command, { timeoutMs: source.timeout, env });
  if (!run.ok) return fail(run.message, run.kind);
  if (run.exitCode !== 0) {
    const why = describeStderr(run.stderr);
    return fail(`exited with ${run.exitCode}${why ? `: ${why}` : ''}`);
  }
  const json = parseJsonOutput(run.stdout);
  if (!json.ok) return fail('printed output that is not JSON');
  const parsed = outputSchema.safeParse(json.value);
  if (!parsed.success) {
    return fail(`printed records not in the expected shape (${firstIssue(parsed.error)})`);
  }
  const seen = new Set<string>();
  const out: Observation[] = [];
  for (const record of parsed.data) {
    if (seen.has(record.id)) return fail(`printed the id "${record.id}" twice`);
    seen.add(record.id);
    const expiresAt = record.expiresAt == null ? null : typeof record.expiresAt === 'number' ? record.expiresAt : Date.parse(record.expiresAt);
    out.push({
      id: `${name}:${record.id}`,
      source: name,
      agent: record.agent ?? null,
      agentIsDefault: true,
      provider: record.provider ?? null,
      profileId: record.profileId ?? record.id,
      type: record.type ?? null,
      condition: record.status === 'ok' ? 'valid' : record.status,
      expiresAt,
      refreshable: record.refreshable,
      detail: record.detail ?? null,
      // The command's own words: shown as they are, never taken apart as commands.
      remedy: record.remedy ? prose(record.remedy) : null,
    });
  }
  return out;
}
