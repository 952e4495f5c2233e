import type { Env } from '../env.js';
import { resolveSecretAt } from '../config/secret.js';
import { holdSecret } from '../redact.js';
import { failed, ok, type Result } from '../result.js';
import { type GatewaySection, readGatewaySection, type Secretish } from './config-file.js';
import { isRemoteUrl, withoutCredentials } from './gateway/url.js';
import { SSH_DESTINATION } from './ssh/destination.js';

/** Where the gateway listens and how to authenticate, and where that was read (for remedies). */
export interface GatewayTarget {
  /**
   * The WebSocket URL; through SSH, the gateway's address on its own host (the hop is in `ssh`).
   * Never with credentials in it: it is shown in output, logs and messages.
   */
  url: string;
  /** `user:password` from the configured URL (a proxy's basic auth in front of the gateway), put back only to connect. */
  urlCredentials?: string;
  auth: { token: string } | { password: string } | Record<string, never>;
  /** `sources.openclaw.gateway.token`, `~/.openclaw/openclaw.json (gateway.auth.token)`, `OPENCLAW_GATEWAY_TOKEN`, … */
  from: string;
  /** A gateway on another host, reached through an SSH local forward. */
  ssh?: { destination: string; remotePort: number; sshArgs: string[] };
  /**
   * A URL on another host (not through SSH): authwatch connects as a paired device with the token
   * `authwatch gateway pair` stored (gateway/device.ts); `auth` is then only used to pair.
   */
  paired?: boolean;
  /** SHA-256 fingerprint of the gateway's certificate, for a self-signed `wss://` gateway. */
  tlsFingerprint?: string;
}

/** What authwatch's own config says about a gateway (`sources.openclaw.gateway`, the openclaw notifier's `gateway`). */
export interface GatewayOverrides {
  url?: string | undefined;
  token?: string | undefined;
  /** `user@host[:port]`: reach the gateway through an SSH tunnel. */
  ssh?: string | undefined;
  remotePort?: number | undefined;
  sshArgs?: string[] | undefined;
  tlsFingerprint?: string | undefined;
}

/** Why there is no target: no credential authwatch may use (a SecretRef, the gateway's runtime-only token), or an unreadable config. */
export type NoTarget = string;

/** Where the gateway is, before any credential: from our overrides, else OpenClaw's own remote mode, else its local port. */
interface Place {
  url: string;
  ssh?: GatewayTarget['ssh'];
  /** OpenClaw's remote mode without SSH: its `gateway.remote.url`. */
  remoteUrl?: string;
  /** Whether OpenClaw's own remote mode named the SSH destination. */
  namedByOpenclaw: boolean;
  paired: boolean;
  pin?: string;
}

function place(overrides: GatewayOverrides, gateway: GatewaySection, env: Env): Place {
  const remote = gateway.remote ?? {};
  const remoteMode = gateway.mode === 'remote' && overrides.url === undefined;
  const openclawSsh = remoteMode && typeof remote.sshTarget === 'string' && SSH_DESTINATION.test(remote.sshTarget);
  const destination = overrides.ssh ?? (openclawSsh ? (remote.sshTarget as string) : undefined);
  const remoteUrl = remoteMode && destination === undefined && typeof remote.url === 'string' && remote.url !== '' ? remote.url : undefined;
  const namedByOpenclaw = destination !== undefined && gateway.mode === 'remote' && remote.sshTarget === destination;
  // Ours, else OpenClaw's remote pin when its remote URL is the one used.
  const pin = overrides.tlsFingerprint ?? (remoteUrl && typeof remote.tlsFingerprint === 'string' ? remote.tlsFingerprint : undefined);
  const pinned = pin ? { pin } : {};
  if (destination !== undefined) {
    const urlPort = typeof remote.url === 'string' ? Number(/:(\d+)(?:\/|$)/.exec(remote.url)?.[1]) || undefined : undefined;
    const remotePort = overrides.remotePort ?? (typeof remote.remotePort === 'number' ? remote.remotePort : undefined) ?? urlPort ?? 18789;
    const ssh = { destination, remotePort, sshArgs: overrides.sshArgs ?? [] };
    return { url: `ws://127.0.0.1:${remotePort}`, ssh, namedByOpenclaw, paired: false, ...pinned };
  }
  const port = typeof gateway.port === 'number' ? gateway.port : Number(env.OPENCLAW_GATEWAY_PORT) || 18789;
  const url = overrides.url ?? remoteUrl ?? `ws://127.0.0.1:${port}`;
  return { url, ...(remoteUrl ? { remoteUrl } : {}), namedByOpenclaw, paired: isRemoteUrl(url), ...pinned };
}

/**
 * The gateway and a credential for it, as OpenClaw's own CLI finds them.
 * - Local (the default): the token (or password) in OpenClaw's config, then OPENCLAW_GATEWAY_TOKEN
 *   / _PASSWORD; the port from the config, then OPENCLAW_GATEWAY_PORT, then 18789.
 * - Remote over SSH (`gateway.ssh` here, or OpenClaw's own remote mode: `gateway.mode: remote` with
 *   `gateway.remote.sshTarget`): OpenClaw's remote precedence, `gateway.remote.token`, then the
 *   environment, then `gateway.auth.token`; the remote port from `remotePort`, then
 *   `gateway.remote.remotePort`, then the port of `gateway.remote.url`, then 18789.
 * - Remote by URL (`gateway.url` on another host here, or OpenClaw's remote mode with
 *   `gateway.remote.url` and no sshTarget): a paired device (`paired`), pinned to
 *   `tlsFingerprint` (ours, else `gateway.remote.tlsFingerprint`); the token found, if any, is
 *   what `authwatch gateway pair` offers the first time.
 * Our config's `gateway.url` / `gateway.token` win.
 */
export function gatewayTarget(overrides: GatewayOverrides, env: Env): Result<GatewayTarget, NoTarget> {
  const section = readGatewaySection(env);
  if (!section.ok) return section;
  const { path, gateway } = section.value;
  const where = place(overrides, gateway, env);
  const shown = withoutCredentials(where.url);
  const at = (auth: GatewayTarget['auth'], from: string): GatewayTarget => {
    for (const value of Object.values(auth)) holdSecret(value);
    return {
      url: shown.url,
      ...(shown.credentials ? { urlCredentials: shown.credentials } : {}),
      auth,
      from,
      ...(where.ssh ? { ssh: where.ssh } : {}),
      ...(where.paired ? { paired: true } : {}),
      ...(where.pin ? { tlsFingerprint: where.pin } : {}),
    };
  };
  if (overrides.token !== undefined)
    return ok(at({ token: resolveSecretAt('gateway.token', overrides.token, env).reveal() }, 'sources.openclaw.gateway.token'));
  const found = credential({ where, gateway, path, env, at });
  // A paired device needs no shared token once paired (its device token stands in).
  if (where.paired) return ok(found?.ok ? found.value : at({}, 'the device token from authwatch gateway pair'));
  if (where.ssh && !found) {
    return failed(
      `no token for the gateway on ${where.ssh.destination}: name it in sources.openclaw.gateway.token (env: or file:); this host's own gateway token is never sent to another host`,
    );
  }
  // A gateway without a configured token uses a runtime-only one that no other process can read.
  return found ?? failed(`no gateway token in ${path} or OPENCLAW_GATEWAY_TOKEN`);
}

/**
 * Where each token may go: this host's own (gateway.auth, the environment) to this host's gateway;
 * OpenClaw's remote precedence only to the host OpenClaw's own remote mode names; a host named by
 * hand in authwatch's config (gateway.ssh, gateway.url, `pair --url`) only the token named for it
 * there (`gateway.token`), so none here.
 */
function credential({
  where,
  gateway,
  path,
  env,
  at,
}: {
  where: Place;
  gateway: GatewaySection;
  path: string;
  env: Env;
  /** The target with this credential. */
  at: (auth: GatewayTarget['auth'], from: string) => GatewayTarget;
}): Result<GatewayTarget, NoTarget> | undefined {
  const fromConfig = (section: Secretish | undefined, key: string): Result<GatewayTarget, NoTarget> | undefined => {
    for (const kind of ['token', 'password'] as const) {
      const value = section?.[kind];
      if (typeof value === 'string' && value) return ok(at(kind === 'token' ? { token: value } : { password: value }, `${path} (${key}.${kind})`));
      if (value !== undefined && typeof value !== 'string') return failed(`${key}.${kind} in ${path} is a secret reference, which only OpenClaw resolves`);
    }
    return undefined;
  };
  const fromEnv = (): Result<GatewayTarget, NoTarget> | undefined => {
    if (env.OPENCLAW_GATEWAY_TOKEN) return ok(at({ token: env.OPENCLAW_GATEWAY_TOKEN }, 'OPENCLAW_GATEWAY_TOKEN'));
    if (env.OPENCLAW_GATEWAY_PASSWORD) return ok(at({ password: env.OPENCLAW_GATEWAY_PASSWORD }, 'OPENCLAW_GATEWAY_PASSWORD'));
    return undefined;
  };
  if (!where.ssh && !where.paired) return fromConfig(gateway.auth, 'gateway.auth') ?? fromEnv();
  if (where.namedByOpenclaw) return fromConfig(gateway.remote, 'gateway.remote') ?? fromEnv() ?? fromConfig(gateway.auth, 'gateway.auth');
  if (where.remoteUrl) return fromConfig(gateway.remote, 'gateway.remote') ?? fromEnv();
  return undefined;
}

/** A configured gateway as far as reaching it goes: our overrides, and the host its CLI runs on. */
export interface GatewayPlacement {
  gateway: GatewayOverrides;
  ssh?: string | undefined;
  sshArgs: string[];
}

/**
 * The gateway one configured OpenClaw gateway names: `gateway.*` as given, or with `ssh: host`
 * alone, the gateway on that host through a tunnel there (`viaCliHost`), whose token must be
 * named for it (this host's own `gateway.auth` token is not tried).
 */
export function gatewayTargetFor(placement: GatewayPlacement, env: Env): { target: Result<GatewayTarget, NoTarget>; viaCliHost: boolean } {
  const overrides = placement.gateway;
  const viaCliHost = placement.ssh !== undefined && overrides.ssh === undefined && overrides.url === undefined;
  if (!viaCliHost) return { target: gatewayTarget(overrides, env), viaCliHost };
  const target = gatewayTarget({ ...overrides, ssh: placement.ssh, sshArgs: overrides.sshArgs ?? placement.sshArgs }, env);
  return {
    target: target.ok ? target : failed(`no token for the gateway on ${placement.ssh} (sources.openclaw.gateway.token)`),
    viaCliHost,
  };
}

/** The gateway as people read it: its URL, and the SSH hop when there is one. */
export function describeTarget(target: GatewayTarget): string {
  return target.ssh ? `${target.url} via ssh ${target.ssh.destination}` : target.url;
}
