// zod/mini rather than classic zod: it tree-shakes to ~18 KB instead of ~450 KB, which is
// about 15 ms and 5 MB off every `authwatch check` on a phone.
import * as z from 'zod/mini';
import { LOG_LEVELS } from '../log-levels.js';
import { sourcesSchema } from '../monitor/sources/registry.js';
import { notifierSchema } from '../notifiers/schemas.js';
import { credentialMatchSchema } from '../monitor/match.js';
import { durationSchema } from './duration-schema.js';
import { isTimeZone, TIME_ZONE_HINT } from './timezone.js';

const duration = durationSchema;

/** `HH:MM`, 24-hour. */
const clock = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM, 24-hour (e.g. 22:00)'));

export const configSchema = z
  .strictObject({
    thresholds: z.prefault(
      z.strictObject({
        warn: z.prefault(duration, '24h'),
        critical: z.prefault(duration, '2h'),
        /** A login renewed on use (OAuth with a refresh token) is `warn` once it has lapsed this long unrenewed. */
        lapsed: z.prefault(duration, '7d'),
        /**
         * Per credential: the first rule whose `match` fits gives its own warn/critical/lapsed; a
         * key it leaves out is the value above.
         */
        rules: z._default(
          z.array(
            z.strictObject({
              match: credentialMatchSchema,
              warn: z.optional(duration),
              critical: z.optional(duration),
              lapsed: z.optional(duration),
            }),
          ),
          [],
        ),
      }),
      {},
    ),
    /**
     * Subscription usage windows (OpenClaw through its gateway): `warn` and `critical` from this
     * percentage of a window used; a full window is `unusable` until it resets. `enabled: false`
     * drops the records.
     */
    usage: z.prefault(
      z.strictObject({
        enabled: z._default(z.boolean(), true),
        warn: z._default(z.number().check(z.gt(0), z.lte(100)), 80),
        critical: z._default(z.number().check(z.gt(0), z.lte(100)), 95),
      }),
      {},
    ),
    /** Each source's own schema, from the table in monitor/sources/registry.ts. */
    sources: sourcesSchema,
    /** How often to repeat an alert while a credential stays bad. */
    remind: z.prefault(
      z.strictObject({
        warn: z.prefault(duration, '12h'),
        critical: z.prefault(duration, '2h'),
        /** Also used for missing, unusable and failing sources. */
        expired: z.prefault(duration, '1h'),
      }),
      {},
    ),
    /**
     * Credentials OpenClaw would not use (a stale profile): false sends one low-priority notice
     * each; true alerts on them like on the rest. The exit code ignores them either way.
     */
    alertOnUnused: z._default(z.boolean(), false),
    /** A source must fail this many checks in a row before it alerts, so one slow run pages nobody. */
    sourceErrorsAfter: z._default(z.number().check(z.int(), z.minimum(1)), 3),
    quietHours: z.optional(
      z.strictObject({
        from: clock,
        to: clock,
        /** An IANA zone such as Europe/Berlin; default: the system's. */
        timezone: z.optional(z.string().check(z.refine(isTimeZone, TIME_ZONE_HINT))),
      }),
    ),
    delivery: z.prefault(
      z.strictObject({
        /** Attempts per alert and notifier within one run. */
        attempts: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(10)), 3),
        /** Wait before the second attempt; doubles after that (with jitter), or the server's Retry-After. */
        backoff: z.prefault(duration, '1s'),
        /** All deliveries of one run give up after this; what is left waits in the outbox. */
        deadline: z.prefault(duration, '60s'),
        /** Undelivered alerts older than this are dropped from the outbox, with a log line. */
        outboxMaxAge: z.prefault(duration, '24h'),
      }),
      {},
    ),
    notifiers: z._default(z.array(notifierSchema), []),
    /**
     * `watch` and the generated timers: when to check, as cron (5 fields, or 6 with seconds first;
     * @daily and friends). Checked by `parseCron` (deploy/cron.ts), the same check as `--schedule`,
     * and only by the commands that use it (loadConfig's `schedule` option): croner stays off the
     * path of a plain `check`.
     */
    schedule: z._default(z.string().check(z.minLength(1)), '*/15 * * * *'),
    /** `watch`: the time zone the schedule is read in; default: the system's. */
    timezone: z.optional(z.string().check(z.refine(isTimeZone, TIME_ZONE_HINT))),
    /** Pinged after every completed check, so that a monitor that stopped is someone else's alert. */
    heartbeat: z.optional(
      z.strictObject({
        /** Healthchecks.io, Uptime Kuma push URL, …; treated as a secret (`env:`/`file:` allowed). */
        url: z.string().check(z.minLength(1)),
        method: z._default(z.enum(['GET', 'POST']), 'GET'),
        /** Pinged instead when the check could not determine the status; default: url + "/fail". */
        failUrl: z.optional(z.string().check(z.minLength(1))),
        timeout: z.prefault(duration, '10s'),
      }),
    ),
    /**
     * `watch --listen`: its status page. Bound to an address other than loopback, the page and its
     * API need `token` (Authorization: Bearer) or `basicAuth`; secrets, `env:`/`file:` allowed.
     * `url`: where people (and ntfy's action buttons) reach the page, such as https://host:9464.
     */
    web: z.prefault(
      z.strictObject({
        token: z.optional(z.string().check(z.minLength(1))),
        basicAuth: z.optional(z.strictObject({ username: z.string().check(z.minLength(1)), password: z.string().check(z.minLength(1)) })),
        url: z.optional(z.string().check(z.regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL such as https://host:9464'))),
      }),
      {},
    ),
    /** Diagnostics level; default: warn for check/status, info for watch (one line per check). */
    logLevel: z.optional(z.enum(LOG_LEVELS)),
  })
  .check(
    z.superRefine((config, ctx) => {
      const { warn, critical, rules } = config.thresholds;
      if (critical >= warn) {
        ctx.addIssue({ code: 'custom', input: critical, path: ['thresholds', 'critical'], message: 'must be shorter than thresholds.warn' });
      }
      rules.forEach((rule, i) => {
        const ruleWarn = rule.warn ?? warn;
        const ruleCritical = rule.critical ?? critical;
        if (ruleCritical < ruleWarn) return;
        const key = rule.critical === undefined ? 'warn' : 'critical';
        const message =
          rule.critical === undefined
            ? 'must be longer than thresholds.critical (or give this rule its own critical)'
            : `must be shorter than this rule's warn${rule.warn === undefined ? ' (thresholds.warn)' : ''}`;
        ctx.addIssue({ code: 'custom', input: rule[key], path: ['thresholds', 'rules', i, key], message });
      });
      if (config.usage.critical < config.usage.warn) {
        ctx.addIssue({ code: 'custom', input: config.usage.critical, path: ['usage', 'critical'], message: 'must be at least usage.warn' });
      }
    }),
  );

export type Config = z.output<typeof configSchema>;

/** The defaults, as used when there is no config file. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
