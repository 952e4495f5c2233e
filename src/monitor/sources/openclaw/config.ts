import * as z from 'zod/mini';
import { durationSchema } from '../../../config/duration-schema.js';
import { gatewayOverridesSchema, nonEmpty, sshDestination } from '../../../openclaw/overrides-schema.js';
import { splitDestination } from '../../../openclaw/ssh/destination.js';
import { urlHost } from '../../../openclaw/gateway/url.js';

/** A gateway's name: it becomes part of credential ids, alert streams, file names and metric labels. */
const nameSchema = z
  .string({ error: 'each gateway of a list needs a name' })
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'a name of letters, digits, "_", "." and "-" (at most 40)'));

const fields = {
  enabled: z._default(z.boolean(), true),
  /** The program to run: a name on PATH, a path, or an argv prefix such as [node, /path/openclaw.mjs]. */
  command: z._default(z.union([nonEmpty(), z.array(nonEmpty()).check(z.minLength(1))]), 'openclaw'),
  /** Agents to check. Empty: every agent `openclaw agents list --json` reports. */
  agents: z._default(z.array(nonEmpty()), []),
  timeout: z.prefault(durationSchema, '60s'),
  /**
   * How to read it: `auto` asks the running gateway over its WebSocket RPC (a tenth of the CLI's
   * time) and falls back to the CLI when it cannot; `gateway` never falls back; `cli` always
   * runs the OpenClaw CLI.
   */
  via: z._default(z.enum(['cli', 'gateway', 'auto']), 'auto'),
  /**
   * Overrides for the gateway: its URL (default ws://127.0.0.1:<OpenClaw's port>) and token
   * (`env:`/`file:`); or, for a gateway on another host, `ssh: user@host[:port]` (an SSH tunnel to
   * its `remotePort`, default 18789) with extra `sshArgs` (`-i key`, `-F config`). A URL on
   * another host is read as a paired device (`authwatch gateway pair`), its certificate pinned by
   * `tlsFingerprint` (SHA-256) when self-signed.
   */
  gateway: z._default(gatewayOverridesSchema, {}),
  /**
   * `user@host[:port]`: OpenClaw lives on that host. Its CLI runs there over SSH (for the whole
   * read with `via: cli` or without a gateway token, else for the route facts), and the gateway is
   * reached through an SSH tunnel to it unless `gateway.ssh` or `gateway.url` says otherwise.
   */
  ssh: z.optional(sshDestination()),
  /** More ssh options for `ssh` (`-i key`, `-F config`), before the destination. */
  sshArgs: z._default(z.array(nonEmpty()), []),
  /**
   * With `ssh`: the command that starts OpenClaw's CLI on that host, as shell text for the remote
   * login shell (non-login shells often lack it on PATH): `~/.npm-global/bin/openclaw`, say.
   */
  remoteCommand: z._default(nonEmpty(), 'openclaw'),
  /**
   * Through the gateway, how often at most a CLI pass refreshes what only the CLI reports
   * (configured models, route issues, cooldowns); `off` never runs one. See routes.ts.
   */
  routesEvery: z._default(z.union([z.literal('off'), durationSchema]), 7 * 86_400_000),
};

const single = z.strictObject({ name: z.optional(nameSchema), ...fields });
const named = z.strictObject({ name: nameSchema, ...fields });
const list = z.array(named).check(
  z.minLength(1),
  z.refine((gateways) => new Set(gateways.map((g) => g.name)).size === gateways.length, 'each gateway needs its own name'),
);

/** One gateway to watch, as the rest of the source sees it. */
export type OpenclawGateway = Omit<z.output<typeof single>, 'name'> & {
  /**
   * What credential ids, scopes, metric labels and the route-facts file carry, or null for the
   * one unnamed local gateway (whose ids are `openclaw:<agent>:<profile>`, with no gateway name).
   */
  name: string | null;
};

/**
 * `sources.openclaw`: one gateway (a mapping) or a list of named ones. A single
 * mapping without a name that points at another host is named after that host, so its ids never
 * mix with a local gateway's.
 */
export const openclawConfigSchema = z.prefault(
  z.pipe(
    z.union([list, single]),
    z.transform((value): OpenclawGateway[] => {
      if (Array.isArray(value)) return value;
      const remote = value.ssh ?? value.gateway.ssh ?? urlHost(value.gateway.url);
      return [{ ...value, name: value.name ?? (remote ? hostName(remote) : null) }];
    }),
  ),
  {},
);

export type OpenclawConfig = z.output<typeof openclawConfigSchema>;

/** `me@server.lan:2222` → `server.lan`, fit for a gateway name. */
export function hostName(destination: string): string {
  const host = splitDestination(destination).host.replace(/^[^@]*@/, '');
  return (
    host
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 40) || 'remote'
  );
}
