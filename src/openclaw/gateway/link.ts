import type { GatewayClient } from '@openclaw/gateway-client';
import type { Env } from '../../env.js';
import { quoteForeign } from '../../redact.js';
import { failed, ok, type Result } from '../../result.js';
import { VERSION } from '../../version.js';
import type { TunnelFailure } from '../ssh/failure.js';
import type { Tunnel } from '../ssh/tunnel.js';
import type { GatewayTarget } from '../target.js';
import { type DeviceFile, deviceHostDeps, identityOf } from './device.js';
import { classify, type GatewayFailure } from './failure.js';
import { trustSystemCas } from './tls.js';
import { gatewayKey, withCredentials } from './url.js';

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
}

export interface LinkOptions {
  target: GatewayTarget;
  /** The connect's and each request's limit; for a target through SSH, also the tunnel's. */
  timeoutMs: number;
  env: Env;
  events?: LinkEvents;
  /** For a `paired` target. */
  device?: DeviceAuth;
  /** What it may do: reads only, unless it sends alerts (`operator.write`, the openclaw notifier). */
  scopes?: readonly string[];
  /** Handed the link before it starts, so that whoever keeps it can close it whatever happens next. */
  onLink?: (link: GatewayLink) => void;
}

type Agents = Array<{ id: string; isDefault: boolean }>;

/**
 * One connection to the gateway with the official client: a `cli` operator with `operator.read`
 * by default, and `operator.write` only where a caller needs it (the openclaw notifier's send);
 * never admin, whose replies carry account emails. It needs no device pairing on loopback. The
 * client reconnects by itself (1 s doubling to 30 s) and stops for good on a wrong token or a
 * protocol mismatch. A one-shot check opens one and closes it; `watch` keeps one open.
 */
export class GatewayLink {
  readonly target: GatewayTarget;
  readonly #timeoutMs: number;
  readonly #events: LinkEvents;
  /** The SSH forward it talks through, for a gateway on another host (closed with the link). */
  readonly #tunnel: Tunnel | undefined;
  /** For a `paired` target: the device it signs in as (its file changes as the gateway issues or refuses tokens). */
  readonly device: DeviceAuth | undefined;
  readonly #scopes: readonly string[];
  #client: GatewayClient | undefined;
  #state: { up: true } | { up: false; failure: GatewayFailure | null } = { up: false, failure: null };
  #settled: Array<() => void> = [];
  #everUp = false;
  #pausedAt: number | undefined;
  #agents: Agents | undefined;
  #configChangedAt = 0;
  #authFailureAt = 0;
  #deviceChanged = false;
  #deviceRejected: string | undefined;

  constructor(options: Omit<LinkOptions, 'env' | 'onLink'> & { tunnel?: Tunnel | undefined }) {
    this.target = options.target;
    this.#timeoutMs = options.timeoutMs;
    this.#events = options.events ?? {};
    this.#tunnel = options.tunnel;
    this.device = options.device;
    this.#scopes = options.scopes ?? ['operator.read'];
  }

  /** The agent list read on this connection, until the gateway announces `config.changed` or reconnects. */
  knownAgents(): Agents | undefined {
    return this.#agents;
  }

  rememberAgents(agents: Agents): void {
    this.#agents = agents;
  }

  /** When the gateway last announced `config.changed` (epoch ms): route facts older than this are stale. */
  get configChangedAt(): number {
    return this.#configChangedAt;
  }

  /** When the gateway's log last showed a profile put in cooldown or disabled (auth-failures.ts): its cooldowns need a CLI pass. */
  get authFailureAt(): number {
    return this.#authFailureAt;
  }

  noteAuthFailure(at = Date.now()): void {
    this.#authFailureAt = at;
  }

  /** The device file once the gateway issued a token or refused the stored one, for the caller to save; then undefined until the next change. */
  takeDeviceUpdate(): DeviceFile | undefined {
    if (!this.#deviceChanged || !this.device) return undefined;
    this.#deviceChanged = false;
    return this.device.file;
  }

  /** Why a token the gateway issued was not kept (not in shape), if it issued one. */
  get deviceRejection(): string | undefined {
    return this.#deviceRejected;
  }

  /**
   * Whether this link can serve `target`: the same gateway and credential, and not given up on
   * more than a minute ago (a gateway restarted with the right token, or upgraded, is tried again).
   */
  serves(target: GatewayTarget, now = Date.now()): boolean {
    if (this.#pausedAt !== undefined && now - this.#pausedAt > 60_000) return false;
    // A tunnel whose ssh exited is reopened (with a new link) by the next check.
    if (this.#tunnel && !this.#tunnel.alive()) return false;
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
    const url = this.#tunnel ? `ws://127.0.0.1:${this.#tunnel.localPort}` : withCredentials(this.target.url, this.target.urlCredentials);
    if (url.startsWith('wss:') && !this.target.tlsFingerprint) trustSystemCas();
    this.#client = new GatewayClient({
      url,
      ...this.#signIn(),
      ...(this.target.tlsFingerprint ? { tlsFingerprint: this.target.tlsFingerprint } : {}),
      clientName: 'cli',
      mode: 'cli',
      role: 'operator',
      scopes: [...this.#scopes],
      clientVersion: `authwatch/${VERSION}`,
      platform: process.platform,
      requestTimeoutMs: this.#timeoutMs,
      onHelloOk: () => this.#up(),
      onConnectError: (error) => this.#down(classify(error)),
      onClose: (code, reason, info) => {
        if (info?.connectError) this.#down(classify(info.connectError));
        else this.#down({ kind: 'unreachable', message: `connection closed (${code}${reason ? `: ${quoteForeign(reason, 80)}` : ''})` });
      },
      onReconnectPaused: () => this.#paused(),
      onEvent: (frame) => {
        if (frame.event === 'config.changed') {
          this.#agents = undefined;
          this.#configChangedAt = Date.now();
        }
        if (frame.event !== 'tick') this.#events.onEvent?.(frame.event);
      },
    });
    this.#client.start();
  }

  /** The shared credential, or this device's identity and its token store (kept under the URL as shown: no credentials in the device file). */
  #signIn() {
    const device = this.device;
    if (!device) return this.target.auth;
    const hostDeps = deviceHostDeps(device.file, {
      key: gatewayKey(this.target.url),
      url: this.target.url,
      onChange: () => {
        this.#deviceChanged = true;
      },
      onRejected: (why) => {
        this.#deviceRejected = why;
      },
    });
    return { ...(device.offerSharedAuth ? this.target.auth : {}), deviceIdentity: identityOf(device.file), hostDeps };
  }

  #up(): void {
    const again = this.#everUp;
    this.#everUp = true;
    this.#state = { up: true };
    this.#agents = undefined;
    this.#settle();
    if (again) this.#events.onReconnect?.();
  }

  #down(failure: GatewayFailure): void {
    // A close after a refused connect keeps the refusal: it says more than "closed (1008)".
    const previous = !this.#state.up ? this.#state.failure : null;
    const keep = previous && previous.kind !== 'unreachable' && failure.kind === 'unreachable';
    this.#state = { up: false, failure: keep ? previous : failure };
    this.#settle();
  }

  #paused(): void {
    const failure = (!this.#state.up && this.#state.failure) || { kind: 'failed' as const, message: 'the gateway refused the connection' };
    this.#state = { up: false, failure };
    this.#pausedAt = Date.now();
    this.#settle();
    this.#events.onPaused?.(failure);
  }

  #settle(): void {
    for (const resolve of this.#settled.splice(0)) resolve();
  }

  /**
   * Connected: ok. Down after a failure (the client retrying in the background): that failure at
   * once, so a check falls back instead of waiting. Still connecting: wait for the outcome.
   */
  async ready(signal: AbortSignal): Promise<Result<void, GatewayFailure>> {
    if (!this.#state.up && this.#state.failure === null) {
      await new Promise<void>((resolve) => {
        this.#settled.push(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    if (this.#state.up) return ok(undefined);
    return failed(this.#state.failure ?? { kind: 'unreachable', message: `no answer within ${this.#timeoutMs} ms` });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    if (!this.#client) return Promise.reject(new Error('not started'));
    return this.#client.request<T & Record<string, unknown>>(method, params);
  }

  async close(): Promise<void> {
    this.#settle();
    await this.#client?.stopAndWait({ timeoutMs: 500 }).catch(() => {});
    await this.#tunnel?.close();
  }
}

/**
 * A started link to `target`: for a gateway on another host the SSH forward is opened first (and
 * closed with the link), or why it could not be.
 */
export async function openGatewayLink(options: LinkOptions): Promise<Result<GatewayLink, TunnelFailure>> {
  let tunnel: Tunnel | undefined;
  if (options.target.ssh) {
    const { openTunnel } = await import('../ssh/tunnel.js');
    const opened = await openTunnel({ ...options.target.ssh, timeoutMs: options.timeoutMs, env: options.env });
    if (!opened.ok) return opened;
    tunnel = opened.value;
  }
  const link = new GatewayLink({ ...options, tunnel });
  options.onLink?.(link);
  await link.start();
  return ok(link);
}
