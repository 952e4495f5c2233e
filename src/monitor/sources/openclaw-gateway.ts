import { join } from 'node:path';
import type { GatewayClient } from '@openclaw/gateway-client';
import { openclawStateDir } from '../../config/paths.js';
import { readRegularFileSync } from '../../fs-read.js';
import { resolveSecretAt } from '../../notifiers/secret.js';
import { holdSecret, quoteForeign } from '../../redact.js';
import { VERSION } from '../../version.js';
import { deadline, sleep } from '../../abort.js';
import type { OpenclawGateway } from './openclaw-config.js';
import type * as z from 'zod/mini';
import { firstIssue } from '../../issue-path.js';
import { type AuthStatusReply, agentsListReplySchema, authStatusReplySchema, type ModelsStatus } from './openclaw-schema.js';
import { type DeviceFile, deviceHostDeps, gatewayKey, identityOf, isRemoteUrl, withCredentials, withoutCredentials } from './gateway-device.js';
import { SSH_DESTINATION } from './ssh-destination.js';
import type { Tunnel, TunnelFailure } from './ssh-tunnel.js';
import type { Env } from '../../env.js';

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
   * `authwatch gateway pair` stored (gateway-device.ts); `auth` is then only used to pair.
   */
  paired?: boolean;
  /** SHA-256 fingerprint of the gateway's certificate, for a self-signed `wss://` gateway. */
  tlsFingerprint?: string;
}

export interface GatewayOverrides {
  url?: string | undefined;
  token?: string | undefined;
  /** `user@host[:port]`: reach the gateway through an SSH tunnel. */
  ssh?: string | undefined;
  remotePort?: number | undefined;
  sshArgs?: string[] | undefined;
  tlsFingerprint?: string | undefined;
}

/** OpenClaw's config file: `$OPENCLAW_CONFIG_PATH`, else `<state dir>/openclaw.json`. */
export function openclawConfigPath(env: Env): string {
  return env.OPENCLAW_CONFIG_PATH || join(openclawStateDir(env), 'openclaw.json');
}

type Secretish = { token?: unknown; password?: unknown };
interface OpenclawGatewayConfig {
  mode?: unknown;
  port?: unknown;
  auth?: Secretish;
  remote?: Secretish & { url?: unknown; sshTarget?: unknown; remotePort?: unknown; tlsFingerprint?: unknown };
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
 * Our config's `gateway.url` / `gateway.token` win. Returns why not when there is no credential to
 * use (a SecretRef, or the gateway's runtime-only token).
 */
export function gatewayTarget(overrides: GatewayOverrides, env: Env): GatewayTarget | { unavailable: string } {
  const path = openclawConfigPath(env);
  let gateway: OpenclawGatewayConfig = {};
  try {
    const parsed = JSON.parse(readRegularFileSync(path, 1024 * 1024)) as { gateway?: OpenclawGatewayConfig };
    gateway = parsed.gateway ?? {};
  } catch (error) {
    // No file: the environment may still name a token. A file we cannot parse (JSON5 comments) is
    // not guessed at.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return { unavailable: `cannot read ${path} as JSON` };
  }
  const remote = gateway.remote ?? {};
  const openclawRemote =
    overrides.url === undefined && gateway.mode === 'remote' && typeof remote.sshTarget === 'string' && SSH_DESTINATION.test(remote.sshTarget);
  const destination = overrides.ssh ?? (openclawRemote ? (remote.sshTarget as string) : undefined);
  // OpenClaw's remote mode without SSH: its remote URL.
  const remoteUrl =
    overrides.url === undefined && destination === undefined && gateway.mode === 'remote' && typeof remote.url === 'string' && remote.url !== ''
      ? remote.url
      : undefined;
  let url: string;
  let ssh: GatewayTarget['ssh'];
  if (destination !== undefined) {
    const urlPort = typeof remote.url === 'string' ? Number(/:(\d+)(?:\/|$)/.exec(remote.url)?.[1]) || undefined : undefined;
    const remotePort = overrides.remotePort ?? (typeof remote.remotePort === 'number' ? remote.remotePort : undefined) ?? urlPort ?? 18789;
    ssh = { destination, remotePort, sshArgs: overrides.sshArgs ?? [] };
    url = `ws://127.0.0.1:${remotePort}`;
  } else {
    const port = typeof gateway.port === 'number' ? gateway.port : Number(env.OPENCLAW_GATEWAY_PORT) || 18789;
    url = overrides.url ?? remoteUrl ?? `ws://127.0.0.1:${port}`;
  }
  const paired = !ssh && isRemoteUrl(url);
  const pin = overrides.tlsFingerprint ?? (remoteUrl && typeof remote.tlsFingerprint === 'string' ? remote.tlsFingerprint : undefined);
  const shown = withoutCredentials(url);
  const at = (auth: GatewayTarget['auth'], from: string): GatewayTarget => {
    for (const value of Object.values(auth)) holdSecret(value);
    return {
      url: shown.url,
      ...(shown.credentials ? { urlCredentials: shown.credentials } : {}),
      auth,
      from,
      ...(ssh ? { ssh } : {}),
      ...(paired ? { paired } : {}),
      ...(pin ? { tlsFingerprint: pin } : {}),
    };
  };
  if (overrides.token !== undefined) return at({ token: resolveSecretAt('gateway.token', overrides.token, env).reveal() }, 'sources.openclaw.gateway.token');

  const fromConfig = (section: Secretish | undefined, key: string): GatewayTarget | { unavailable: string } | undefined => {
    for (const kind of ['token', 'password'] as const) {
      const value = section?.[kind];
      if (typeof value === 'string' && value) return at(kind === 'token' ? { token: value } : { password: value }, `${path} (${key}.${kind})`);
      if (value !== undefined && typeof value !== 'string')
        return { unavailable: `${key}.${kind} in ${path} is a secret reference, which only OpenClaw resolves` };
    }
    return undefined;
  };
  const fromEnv = (): GatewayTarget | undefined => {
    if (env.OPENCLAW_GATEWAY_TOKEN) return at({ token: env.OPENCLAW_GATEWAY_TOKEN }, 'OPENCLAW_GATEWAY_TOKEN');
    if (env.OPENCLAW_GATEWAY_PASSWORD) return at({ password: env.OPENCLAW_GATEWAY_PASSWORD }, 'OPENCLAW_GATEWAY_PASSWORD');
    return undefined;
  };
  // Where each token may go: this host's own (gateway.auth, the environment) to this host's gateway;
  // OpenClaw's remote precedence only to the host OpenClaw's own remote mode names; a host named
  // by hand in authwatch's config (gateway.ssh, gateway.url, `pair --url`) only the token named
  // for it there (`gateway.token`, above).
  const namedByOpenclaw = destination !== undefined && gateway.mode === 'remote' && remote.sshTarget === destination;
  const found =
    !ssh && !paired
      ? (fromConfig(gateway.auth, 'gateway.auth') ?? fromEnv())
      : namedByOpenclaw
        ? (fromConfig(remote, 'gateway.remote') ?? fromEnv() ?? fromConfig(gateway.auth, 'gateway.auth'))
        : remoteUrl
          ? (fromConfig(remote, 'gateway.remote') ?? fromEnv())
          : undefined;
  // A paired device needs no shared token once paired (its device token stands in).
  if (paired) return found && !('unavailable' in found) ? found : at({}, 'the device token from authwatch gateway pair');
  if (ssh && !found) {
    return {
      unavailable: `no token for the gateway on ${ssh.destination}: name it in sources.openclaw.gateway.token (env: or file:); this host's own gateway token is never sent to another host`,
    };
  }
  // A gateway without a configured token uses a runtime-only one that no other process can read.
  return found ?? { unavailable: `no gateway token in ${path} or OPENCLAW_GATEWAY_TOKEN` };
}

/**
 * The gateway one configured OpenClaw gateway names: `gateway.*` as given, or with `ssh: host`
 * alone, the gateway on that host through a tunnel there (`viaCliHost`), whose token must be
 * named for it (this host's own `gateway.auth` token is not tried).
 */
export function gatewayTargetFor(gateway: OpenclawGateway, env: Env): { target: GatewayTarget | { unavailable: string }; viaCliHost: boolean } {
  const overrides = gateway.gateway;
  const viaCliHost = gateway.ssh !== undefined && overrides.ssh === undefined && overrides.url === undefined;
  if (!viaCliHost) return { target: gatewayTarget(overrides, env), viaCliHost };
  const target = gatewayTarget({ ...overrides, ssh: gateway.ssh, sshArgs: overrides.sshArgs ?? gateway.sshArgs }, env);
  return {
    target: 'unavailable' in target ? { unavailable: `no token for the gateway on ${gateway.ssh} (sources.openclaw.gateway.token)` } : target,
    viaCliHost,
  };
}

/**
 * Why the gateway could not answer; `auto` falls back to the CLI on all but `auth`. `pairing`:
 * this device awaits approval on the gateway (`requestId` for `openclaw devices approve`); `tls`:
 * the certificate was not trusted (or not the pinned one); `plaintext`: the client's policy
 * refused ws:// to that host.
 */
export type GatewayFailure = {
  kind: 'unreachable' | 'auth' | 'protocol' | 'pairing' | 'tls' | 'plaintext' | 'failed';
  message: string;
  requestId?: string;
};

export interface GatewayRead {
  agents: Array<{ id: string; isDefault: boolean }>;
  /** Each agent's `models.authStatus`, as ModelsStatus-shaped input for normalizeModelsStatus. */
  statuses: Map<string, ModelsStatus>;
}

/** `models.authStatus` is briefly empty after an auth edit (PREPARED_MODEL_AUTH_UNAVAILABLE): ask again this often. */
const PREPARED_RETRIES = 3;
const PREPARED_WAIT_MS = 700;

export interface LinkEvents {
  /** A gateway event, e.g. `config.changed` (there is no auth-change event). */
  onEvent?: (event: string) => void;
  /** Connected again after a failure. */
  onReconnect?: () => void;
  /** The client gave up for good (a wrong token, a protocol mismatch): said once per link. */
  onPaused?: (failure: GatewayFailure) => void;
}

/** How a link to a `paired` target signs in: as this device, with its stored token. */
export interface DeviceAuth {
  file: DeviceFile;
  /** Pairing: also offer the shared token (the gateway then asks for approval); checks offer only the device token. */
  offerSharedAuth: boolean;
  /** Set when the gateway issued a token or refused the stored one: the file needs saving. */
  changed: boolean;
  /** Set when the gateway issued a token that is not in shape (and was not kept): why. */
  rejected?: string;
}

/**
 * One connection to the gateway with the official client: a `cli` operator with `operator.read`
 * by default, and `operator.write` only where a caller needs it (the openclaw notifier's send);
 * never admin, whose replies carry account emails. It needs no device pairing on loopback. The client reconnects by itself (1 s doubling to 30 s) and stops for good on a wrong
 * token or a protocol mismatch. A one-shot check opens one and closes it; `watch` keeps one open.
 */
export class GatewayLink {
  #client: GatewayClient | undefined;
  #state: { up: true } | { up: false; failure: GatewayFailure | null } = { up: false, failure: null };
  #settled: Array<() => void> = [];
  #everUp = false;
  #pausedAt: number | undefined;
  /** The agent list, read once per connection and again after `config.changed`. */
  agents: GatewayRead['agents'] | undefined;
  /** When the gateway last announced `config.changed` (epoch ms): route facts older than this are stale. */
  configChangedAt = 0;

  constructor(
    readonly target: GatewayTarget,
    private readonly timeoutMs: number,
    private readonly events: LinkEvents = {},
    /** The SSH forward it talks through, for a gateway on another host (closed with the link). */
    private readonly tunnel?: Tunnel,
    /** For a `paired` target. */
    readonly device?: DeviceAuth,
    /** What it may do: reads only, unless it sends alerts (`operator.write`, the openclaw notifier). */
    private readonly scopes: readonly string[] = ['operator.read'],
  ) {}

  /**
   * Whether this link can serve `target`: the same gateway and credential, and not given up on
   * more than a minute ago (a gateway restarted with the right token, or upgraded, is tried again).
   */
  serves(target: GatewayTarget, now = Date.now()): boolean {
    if (this.#pausedAt !== undefined && now - this.#pausedAt > 60_000) return false;
    // A tunnel whose ssh exited is reopened (with a new link) by the next check.
    if (this.tunnel && !this.tunnel.alive()) return false;
    return (
      target.url === this.target.url &&
      target.ssh?.destination === this.target.ssh?.destination &&
      target.tlsFingerprint === this.target.tlsFingerprint &&
      target.urlCredentials === this.target.urlCredentials &&
      JSON.stringify(target.auth) === JSON.stringify(this.target.auth)
    );
  }

  async start(): Promise<void> {
    // ws and the protocol package load only when the gateway is used.
    const { GatewayClient } = await import('@openclaw/gateway-client');
    const device = this.device;
    const url = this.tunnel ? `ws://127.0.0.1:${this.tunnel.localPort}` : withCredentials(this.target.url, this.target.urlCredentials);
    if (url.startsWith('wss:') && !this.target.tlsFingerprint) trustSystemCas();
    this.#client = new GatewayClient({
      url,
      ...(device && !device.offerSharedAuth ? {} : this.target.auth),
      ...(device
        ? {
            deviceIdentity: identityOf(device.file),
            // Kept under the URL as shown (no credentials in the device file).
            hostDeps: deviceHostDeps(
              device.file,
              gatewayKey(this.target.url),
              this.target.url,
              () => {
                device.changed = true;
              },
              (why) => {
                device.rejected = why;
              },
            ),
          }
        : {}),
      ...(this.target.tlsFingerprint ? { tlsFingerprint: this.target.tlsFingerprint } : {}),
      clientName: 'cli',
      mode: 'cli',
      role: 'operator',
      scopes: [...this.scopes],
      clientVersion: `authwatch/${VERSION}`,
      platform: process.platform,
      requestTimeoutMs: this.timeoutMs,
      onHelloOk: () => {
        const again = this.#everUp;
        this.#everUp = true;
        this.#state = { up: true };
        this.agents = undefined;
        this.#settle();
        if (again) this.events.onReconnect?.();
      },
      onConnectError: (error) => this.#down(classify(error)),
      onClose: (code, reason, info) => {
        if (info?.connectError) this.#down(classify(info.connectError));
        else this.#down({ kind: 'unreachable', message: `connection closed (${code}${reason ? `: ${quoteForeign(reason, 80)}` : ''})` });
      },
      onReconnectPaused: () => {
        const failure = (!this.#state.up && this.#state.failure) || { kind: 'failed' as const, message: 'the gateway refused the connection' };
        this.#state = { up: false, failure };
        this.#pausedAt = Date.now();
        this.#settle();
        this.events.onPaused?.(failure);
      },
      onEvent: (frame) => {
        if (frame.event === 'config.changed') {
          this.agents = undefined;
          this.configChangedAt = Date.now();
        }
        if (frame.event !== 'tick') this.events.onEvent?.(frame.event);
      },
    });
    this.#client.start();
  }

  #down(failure: GatewayFailure): void {
    // A close after a refused connect keeps the refusal: it says more than "closed (1008)".
    const previous = !this.#state.up ? this.#state.failure : null;
    const keep = previous && previous.kind !== 'unreachable' && failure.kind === 'unreachable';
    this.#state = { up: false, failure: keep ? previous : failure };
    this.#settle();
  }

  #settle(): void {
    for (const resolve of this.#settled.splice(0)) resolve();
  }

  /**
   * Connected: ok. Down after a failure (the client retrying in the background): that failure at
   * once, so a check falls back instead of waiting. Still connecting: wait for the outcome.
   */
  async ready(signal: AbortSignal): Promise<{ ok: true } | ({ ok: false } & GatewayFailure)> {
    if (!this.#state.up && this.#state.failure === null) {
      await new Promise<void>((resolve) => {
        this.#settled.push(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    if (this.#state.up) return { ok: true };
    return { ok: false, ...(this.#state.failure ?? { kind: 'unreachable', message: `no answer within ${this.timeoutMs} ms` }) };
  }

  request<T>(method: string, params: unknown): Promise<T> {
    if (!this.#client) return Promise.reject(new Error('not started'));
    return this.#client.request<T & Record<string, unknown>>(method, params);
  }

  async close(): Promise<void> {
    this.#settle();
    await this.#client?.stopAndWait({ timeoutMs: 500 }).catch(() => {});
    await this.tunnel?.close();
  }
}

let systemCasTrusted = false;

/**
 * `wss://` without a pin: trust the system's CAs (a private CA installed on the host) as well as
 * Node's bundled ones, where Node can (22.19+, 24.5+; set once per process). Older Node trusts
 * its bundled CAs and NODE_EXTRA_CA_CERTS only (docs/remote.md).
 */
function trustSystemCas(): void {
  if (systemCasTrusted) return;
  systemCasTrusted = true;
  const tls = process.getBuiltinModule('node:tls') as {
    getCACertificates?: (kind: 'default' | 'system') => string[];
    setDefaultCACertificates?: (certs: string[]) => void;
  };
  if (!tls.getCACertificates || !tls.setDefaultCACertificates) return;
  try {
    tls.setDefaultCACertificates([...new Set([...tls.getCACertificates('default'), ...tls.getCACertificates('system')])]);
  } catch {
    // An unreadable system store: Node's own CAs still apply.
  }
}

/** The gateway as people read it: its URL, and the SSH hop when there is one. */
export function describeTarget(target: GatewayTarget): string {
  return target.ssh ? `${target.url} via ssh ${target.ssh.destination}` : target.url;
}

/**
 * A started link to `target`: for a gateway on another host the SSH forward is opened first (and
 * closed with the link), or why it could not be.
 */
export async function openGatewayLink(
  target: GatewayTarget,
  timeoutMs: number,
  env: Env,
  events: LinkEvents = {},
  onLink?: (link: GatewayLink) => void,
  device?: DeviceAuth,
  scopes?: readonly string[],
): Promise<GatewayLink | TunnelFailure> {
  let tunnel: Tunnel | undefined;
  if (target.ssh) {
    const { openTunnel } = await import('./ssh-tunnel.js');
    const opened = await openTunnel({ ...target.ssh, timeoutMs, env });
    if (!opened.ok) return opened;
    tunnel = opened.tunnel;
  }
  const link = new GatewayLink(target, timeoutMs, events, tunnel, device, scopes);
  onLink?.(link);
  await link.start();
  return link;
}

/**
 * Reads every agent's auth status over `link`, within `timeoutMs` in all (connecting included).
 * Never asks for `refresh: true` (that calls the providers).
 */
export async function readViaGateway(
  link: GatewayLink,
  onlyAgents: readonly string[],
  timeoutMs: number,
): Promise<{ ok: true; value: GatewayRead } | ({ ok: false } & GatewayFailure)> {
  const limit = deadline(timeoutMs);
  try {
    const ready = await link.ready(limit.signal);
    if (!ready.ok) return ready;
    const read = async (): Promise<GatewayRead> => {
      let agents = onlyAgents.length > 0 ? onlyAgents.map((id) => ({ id, isDefault: false })) : link.agents;
      if (!agents) {
        const listed = checkedReply('agents.list', agentsListReplySchema, await link.request<unknown>('agents.list', {}));
        agents = listed.agents.map((a) => ({ id: a.id, isDefault: a.id === listed.defaultId }));
        link.agents = agents;
      }
      const statuses = new Map<string, ModelsStatus>();
      for (const agent of agents) statuses.set(agent.id, await authStatus(link, agent.id, limit.signal));
      return { agents, statuses };
    };
    const timedOut = new Promise<never>((_, reject) =>
      limit.signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), { once: true }),
    );
    return { ok: true, value: await Promise.race([read(), timedOut]) };
  } catch (error) {
    return { ok: false, ...classify(error) };
  } finally {
    limit.clear();
  }
}

async function authStatus(link: GatewayLink, agentId: string, signal: AbortSignal): Promise<ModelsStatus> {
  for (let attempt = 0; ; attempt++) {
    const reply = checkedReply('models.authStatus', authStatusReplySchema, await link.request<unknown>('models.authStatus', { agentId }));
    if (reply.unavailable?.code !== 'PREPARED_MODEL_AUTH_UNAVAILABLE') return toModelsStatus(reply);
    if (attempt >= PREPARED_RETRIES || signal.aborted) throw new Error('the gateway is still preparing model auth (PREPARED_MODEL_AUTH_UNAVAILABLE)');
    await sleep(PREPARED_WAIT_MS, signal);
  }
}

/** A reply in the shape `schema` reads, or an error naming the first field that is not (never JavaScript's own words). */
function checkedReply<T>(method: string, schema: z.ZodMiniType<T, unknown>, reply: unknown): T {
  const parsed = schema.safeParse(reply);
  if (parsed.success) return parsed.data;
  throw new Error(`the gateway's ${method} reply is not in the expected shape (${firstIssue(parsed.error)})`);
}

/**
 * The RPC reply in the shape of `openclaw models status --json`, so both transports go through
 * one normalization and give the same ids, statuses and remedies. Per profile, never the
 * provider's roll-up (it hides an expired profile when another one works). What the RPC lacks
 * (the configured models, route issues, runtimes, cooldowns) stays empty here.
 */
export function toModelsStatus(reply: AuthStatusReply): ModelsStatus {
  const profiles = reply.providers.flatMap((p) =>
    p.profiles.map((profile) => {
      const type: 'oauth' | 'token' | 'api_key' = profile.type === 'oauth' || profile.type === 'api_key' ? profile.type : 'token';
      return {
        profileId: profile.profileId,
        provider: p.provider,
        type,
        status: profile.status,
        ...(profile.reasonCode ? { reasonCode: profile.reasonCode } : {}),
        ...(typeof profile.expiry?.at === 'number' ? { expiresAt: profile.expiry.at } : {}),
      };
    }),
  );
  return {
    auth: { missingProvidersInUse: [], unusableProfiles: [], runtimeAuthRoutes: [], modelRouteIssues: [], oauth: { profiles } },
  };
}

/**
 * The client package (pinned exactly in package.json) and the protocol it speaks, for the mismatch
 * warning. Constants, not imports, so that a check never loads the client to say this; a unit
 * test keeps them equal to the installed packages.
 */
export const CLIENT_PACKAGE = '2026.9.1';
export const CLIENT_PROTOCOL = 4;

export function classify(error: unknown): GatewayFailure {
  const e = error as { code?: string; message?: string; details?: { code?: string; expectedProtocol?: unknown } };
  const code = e.details?.code ?? e.code ?? '';
  const message = quoteForeign(e.message ?? String(error));
  if (code === 'PAIRING_REQUIRED') {
    const requestId = (e.details as { requestId?: unknown } | undefined)?.requestId;
    return { kind: 'pairing', message, ...(typeof requestId === 'string' && /^[A-Za-z0-9-]{1,100}$/.test(requestId) ? { requestId } : {}) };
  }
  // Matched by message: the client's error classes lose their names in the bundle.
  if (/tls fingerprint|certificate|CERT_|SELF_SIGNED/i.test(`${code} ${message}`)) return { kind: 'tls', message };
  const plaintext = /^SECURITY ERROR: Cannot connect to "([^"]*)" over plaintext ws:/.exec(e.message ?? '');
  if (plaintext) {
    return {
      kind: 'plaintext',
      message: `OpenClaw's client refuses plaintext ws:// to ${quoteForeign(plaintext[1] ?? '', 80)} (only loopback, private and tailnet addresses): use wss://, or an SSH tunnel (gateway.ssh)`,
    };
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ECONNRESET') return { kind: 'unreachable', message };
  if (code.startsWith('AUTH_') || /unauthorized/i.test(message)) return { kind: 'auth', message };
  if (code === 'PROTOCOL_MISMATCH' || /protocol mismatch/i.test(message)) {
    const theirs = typeof e.details?.expectedProtocol === 'number' ? String(e.details.expectedProtocol) : 'another version';
    return {
      kind: 'protocol',
      message: `protocol mismatch: the gateway speaks protocol ${theirs}, authwatch's client (@openclaw/gateway-client ${CLIENT_PACKAGE}) speaks protocol ${CLIENT_PROTOCOL}`,
    };
  }
  return { kind: 'failed', message };
}
