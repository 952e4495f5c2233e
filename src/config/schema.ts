// zod/mini rather than classic zod: it tree-shakes to ~18 KB instead of ~450 KB, which is
// about 15 ms and 5 MB off every `authwatch check` on a phone.
import * as z from 'zod/mini';
import { LOG_LEVELS } from '../log-levels.js';
import { parseDuration } from './duration.js';

/** A human duration string (`90m`, `2h`, `7d`) parsed to milliseconds. */
const duration = z.pipe(
  z.string(),
  z.transform((text: string, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      ctx.issues.push({ code: 'custom', input: text, message: `invalid duration "${text}" (use e.g. 90m, 2h, 7d)` });
      return z.NEVER;
    }
    return ms;
  }),
);

const nonEmpty = () => z.string().check(z.minLength(1));
const argv = z.array(nonEmpty()).check(z.minLength(1));

const openclawSource = z.strictObject({
  enabled: z._default(z.boolean(), true),
  /** The program to run: a name on PATH, a path, or an argv prefix such as [node, /path/openclaw.mjs]. */
  command: z._default(z.union([nonEmpty(), argv]), 'openclaw'),
  /** Agents to check. Empty: every agent `openclaw agents list --json` reports. */
  agents: z._default(z.array(nonEmpty()), []),
  timeout: z.prefault(duration, '60s'),
});

const claudeCodeSource = z.strictObject({
  /** auto: read the file when it exists; true: a missing file is reported as missing. */
  enabled: z._default(z.union([z.boolean(), z.literal('auto')]), 'auto'),
  path: z._default(nonEmpty(), '~/.claude/.credentials.json'),
});

const commandSource = z.strictObject({
  name: z.string().check(z.regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, ".", "_" or "-"')),
  command: argv,
  timeout: z.prefault(duration, '30s'),
});

export const configSchema = z
  .strictObject({
    thresholds: z.prefault(
      z.strictObject({
        warn: z.prefault(duration, '24h'),
        critical: z.prefault(duration, '2h'),
      }),
      {},
    ),
    sources: z.prefault(
      z.strictObject({
        openclaw: z.prefault(openclawSource, {}),
        claudeCode: z.prefault(claudeCodeSource, {}),
        commands: z._default(z.array(commandSource), []),
      }),
      {},
    ),
    logLevel: z._default(z.enum(LOG_LEVELS), 'warn'),
  })
  .check(
    z.superRefine((config, ctx) => {
      if (config.thresholds.critical >= config.thresholds.warn) {
        ctx.addIssue({ code: 'custom', input: config.thresholds.critical, path: ['thresholds', 'critical'], message: 'must be shorter than thresholds.warn' });
      }
      const names = new Set<string>();
      config.sources.commands.forEach((source, i) => {
        if (names.has(source.name)) {
          ctx.addIssue({ code: 'custom', input: source.name, path: ['sources', 'commands', i, 'name'], message: `duplicate name "${source.name}"` });
        }
        names.add(source.name);
      });
    }),
  );

export type Config = z.output<typeof configSchema>;
export type CommandSourceConfig = Config['sources']['commands'][number];

/** The defaults, as used when there is no config file. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
