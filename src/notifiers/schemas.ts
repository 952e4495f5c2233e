// Every channel's config schema, apart from the channels' code: validating a config (every
// `check`) then loads none of the senders, HTTP clients or message formatters. A new channel adds
// its schema here, its file, and one line in registry.ts.
import * as z from 'zod/mini';
import { durationSchema } from '../config/duration-schema.js';
import { credentialMatchSchema } from '../monitor/match.js';
import { gatewayOverridesSchema } from '../openclaw/overrides-schema.js';

export const ALERT_EVENTS = ['firing', 'reminder', 'resolved'] as const;

/**
 * Which alerts a channel gets (routing.ts): from `minStatus` up (missing, unusable and failing
 * sources count as `expired`), of these `events`, for the credentials `match` fits. Every channel has them.
 */
/** What a channel's constructor reads: its own keys, without the routing every channel shares. */
type ChannelConfig<S extends z.ZodMiniType> = Omit<z.output<S>, keyof typeof routingShape>;

const routingShape = {
  minStatus: z._default(z.enum(['warn', 'critical', 'expired']), 'warn'),
  match: z.optional(credentialMatchSchema),
  events: z._default(z.array(z.enum(ALERT_EVENTS)).check(z.minLength(1)), [...ALERT_EVENTS]),
};

export const webhookSchema = z.strictObject({
  type: z.literal('webhook'),
  name: z.optional(z.string().check(z.minLength(1))),
  ...routingShape,
  /** The URL is treated as a secret: Slack and Discord URLs are credentials. `env:`/`file:` allowed. */
  url: z.string().check(z.minLength(1)),
  /** Standard Webhooks signing secret, `whsec_<base64>`; `env:`/`file:` allowed. */
  secret: z.optional(z.string().check(z.minLength(1))),
  format: z._default(z.enum(['generic', 'slack', 'discord']), 'generic'),
  headers: z._default(z.record(z.string(), z.string()), {}),
  timeout: z.prefault(durationSchema, '10s'),
});
export type WebhookConfig = ChannelConfig<typeof webhookSchema>;

export const ntfySchema = z.strictObject({
  type: z.literal('ntfy'),
  name: z.optional(z.string().check(z.minLength(1))),
  ...routingShape,
  server: z._default(z.string().check(z.minLength(1)), 'https://ntfy.sh'),
  topic: z.string().check(z.regex(/^[-_A-Za-z0-9]{1,64}$/, 'use 1-64 letters, digits, "-" or "_"')),
  /** Access token (`tk_...`), sent as a Bearer token; `env:`/`file:` allowed. */
  token: z.optional(z.string().check(z.minLength(1))),
  /** Opened when the notification is tapped. */
  click: z.optional(z.string().check(z.minLength(1))),
  tags: z._default(z.array(z.string()), []),
  timeout: z.prefault(durationSchema, '10s'),
});
export type NtfyConfig = ChannelConfig<typeof ntfySchema>;

export const termuxSchema = z.strictObject({
  type: z.literal('termux'),
  name: z.optional(z.string().check(z.minLength(1))),
  ...routingShape,
  /** Android notification group, so authwatch's notifications bundle together. */
  group: z._default(z.string().check(z.minLength(1)), 'authwatch'),
  timeout: z.prefault(durationSchema, '15s'),
});
export type TermuxConfig = ChannelConfig<typeof termuxSchema>;

export const desktopSchema = z.strictObject({
  type: z.literal('desktop'),
  name: z.optional(z.string().check(z.minLength(1))),
  ...routingShape,
  /** auto: osascript on macOS, notify-send elsewhere. */
  backend: z._default(z.enum(['auto', 'notify-send', 'osascript']), 'auto'),
  timeout: z.prefault(durationSchema, '10s'),
});
export type DesktopConfig = ChannelConfig<typeof desktopSchema>;

export const commandSchema = z.strictObject({
  type: z.literal('command'),
  name: z.optional(z.string().check(z.minLength(1))),
  ...routingShape,
  command: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  timeout: z.prefault(durationSchema, '30s'),
});
export type CommandConfig = ChannelConfig<typeof commandSchema>;

const secretish = () => z.string().check(z.minLength(1));

export const alertmanagerSchema = z
  .strictObject({
    type: z.literal('alertmanager'),
    name: z.optional(z.string().check(z.minLength(1))),
    ...routingShape,
    /** One Alertmanager (`http://am:9093`), or `urls` for several (an HA pair: each gets every alert). */
    url: z.optional(secretish()),
    urls: z.optional(z.array(secretish()).check(z.minLength(1))),
    /** HTTP basic auth; `env:`/`file:` allowed for both. */
    basicAuth: z.optional(z.strictObject({ username: secretish(), password: secretish() })),
    /** Sent as `Authorization: Bearer`; `env:`/`file:` allowed. */
    bearerToken: z.optional(secretish()),
    /**
     * How long Alertmanager keeps a firing alert that is not posted again (its `endsAt`): each
     * check re-posts every firing alert, so this must outlast the time between two checks.
     */
    ttl: z.prefault(durationSchema, '1h'),
    /** A link back, shown by Alertmanager's UI (a dashboard, the host's runbook). */
    generatorURL: z.optional(z.string().check(z.minLength(1))),
    timeout: z.prefault(durationSchema, '10s'),
  })
  .check(
    z.refine((c) => (c.url === undefined) !== (c.urls === undefined), { message: 'give url (one Alertmanager) or urls (several), not both or neither' }),
    z.refine((c) => !(c.basicAuth && c.bearerToken), { message: 'give basicAuth or bearerToken, not both' }),
  );
export type AlertmanagerConfig = ChannelConfig<typeof alertmanagerSchema>;

export const openclawNotifierSchema = z.strictObject({
  type: z.literal('openclaw'),
  name: z.optional(z.string().check(z.minLength(1))),
  ...routingShape,
  /** One of the gateway's channels: telegram, whatsapp, discord, slack, signal, … */
  channel: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,39}$/, 'a channel id such as telegram, whatsapp, discord, slack or signal')),
  /** Who gets it, in the channel's own form (a Telegram chat id, an E.164 number, channel:<id>, …). */
  target: z.string().check(z.minLength(1)),
  /** The channel account, when the gateway has several. */
  account: z.optional(z.string().check(z.minLength(1))),
  /** A thread or forum topic. */
  thread: z.optional(z.string().check(z.minLength(1))),
  /**
   * `gateway`: the gateway's `send` RPC; `cli`: `openclaw message send`; `auto` (default): the RPC,
   * and the CLI when the gateway cannot be asked.
   */
  via: z._default(z.enum(['auto', 'gateway', 'cli']), 'auto'),
  /** The gateway to send through, as in sources.openclaw.gateway (default: OpenClaw's local one). */
  gateway: z._default(gatewayOverridesSchema, {}),
  /** The OpenClaw CLI, for `via: cli` and the fallback. */
  command: z._default(z.union([z.string().check(z.minLength(1)), z.array(z.string().check(z.minLength(1))).check(z.minLength(1))]), 'openclaw'),
  timeout: z.prefault(durationSchema, '30s'),
});
export type OpenclawNotifierConfig = ChannelConfig<typeof openclawNotifierSchema>;

export const emailSchema = z
  .strictObject({
    type: z.literal('email'),
    name: z.optional(z.string().check(z.minLength(1))),
    ...routingShape,
    /** The SMTP server (a name or address). */
    host: z.string().check(z.regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or address, such as smtp.example.com')),
    /** Default 587 for STARTTLS, 465 for implicit TLS. */
    port: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(65_535))),
    /** `starttls`: plain connect, then TLS before anything else is sent (required); `implicit`: TLS from the first byte (SMTPS). */
    tls: z._default(z.enum(['starttls', 'implicit']), 'starttls'),
    /** SMTP AUTH; `env:`/`file:` allowed for both. */
    username: z.optional(secretish()),
    password: z.optional(secretish()),
    from: z.string().check(z.regex(/^[^\s<>@]+@[^\s<>@]+$/, 'an address such as authwatch@example.com')),
    to: z.array(z.string().check(z.regex(/^[^\s<>@]+@[^\s<>@]+$/, 'an address such as ops@example.com'))).check(z.minLength(1)),
    timeout: z.prefault(durationSchema, '30s'),
  })
  .check(z.refine((c) => (c.username === undefined) === (c.password === undefined), { message: 'give username and password together, or neither' }));
export type EmailConfig = ChannelConfig<typeof emailSchema>;

/** Every channel's config, told apart by `type`. */
export const notifierSchema = z.discriminatedUnion('type', [
  webhookSchema,
  ntfySchema,
  termuxSchema,
  desktopSchema,
  commandSchema,
  alertmanagerSchema,
  openclawNotifierSchema,
  emailSchema,
]);
export type NotifierConfig = z.output<typeof notifierSchema>;
