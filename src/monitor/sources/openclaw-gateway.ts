import { join } from 'node:path';
import type { GatewayClient } from '@openclaw/gateway-client';
import { openclawStateDir } from '../../config/paths.js';
import { readRegularFileSync } from '../../fs-read.js';
import { resolveSecretAt } from '../../notifiers/secret.js';
import { quoteForeign } from '../../redact.js';
import { VERSION } from '../../version.js';
import type { ModelsStatus } from './openclaw-schema.js';

type Env = Record<string, string | undefined>;

/** Where the gateway listens and how to authenticate, and where that was read (for remedies). */
export interface GatewayTarget {
  url: string;
  auth: { token: string } | { password: string };
  /** `sources.openclaw.gateway.token`, `~/.openclaw/openclaw.json (gateway.auth.token)`, `OPENCLAW_GATEWAY_TOKEN`, … */
  from: string;
}

export interface GatewayOverrides {
  url?: string | undefined;
  token?: string | undefined;
}

/** OpenClaw's config file: `$OPENCLAW_CONFIG_PATH`, else `<state dir>/openclaw.json`. */
export function openclawConfigPath(env: Env): string {
  return env.OPENCLAW_CONFIG_PATH || join(openclawStateDir(env), 'openclaw.json');
}

/**
 * The local gateway and a credential for it, as OpenClaw's own CLI finds them: the token (or
 * password) in OpenClaw's config, then OPENCLAW_GATEWAY_TOKEN / _PASSWORD; the port from the config,
 * then OPENCLAW_GATEWAY_PORT, then 18789. Our config's `gateway.url` / `gateway.token` win. Returns
 * why not when there is no credential to use (a SecretRef, or the gateway's runtime-only token).
 */
export function gatewayTarget(overrides: GatewayOverrides, env: Env): GatewayTarget | { unavailable: string } {
  const path = openclawConfigPath(env);
  let gateway: { port?: unknown; auth?: { token?: unknown; password?: unknown } } = {};
  try {
    const parsed = JSON.parse(readRegularFileSync(path, 1024 * 1024)) as { gateway?: typeof gateway };
    gateway = parsed.gateway ?? {};
  } catch (error) {
    // No file: the environment may still name a token. A file we cannot parse (JSON5 comments) is
    // not guessed at.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return { unavailable: `cannot read ${path} as JSON` };
  }
  const port = typeof gateway.port === 'number' ? gateway.port : Number(env.OPENCLAW_GATEWAY_PORT) || 18789;
  const url = overrides.url ?? `ws://127.0.0.1:${port}`;
  if (overrides.token !== undefined) {
    return { url, auth: { token: resolveSecretAt('gateway.token', overrides.token, env).reveal() }, from: 'sources.openclaw.gateway.token' };
  }
  for (const kind of ['token', 'password'] as const) {
    const value = gateway.auth?.[kind];
    if (typeof value === 'string' && value)
      return { url, auth: kind === 'token' ? { token: value } : { password: value }, from: `${path} (gateway.auth.${kind})` };
    if (value !== undefined && typeof value !== 'string')
      return { unavailable: `gateway.auth.${kind} in ${path} is a secret reference, which only OpenClaw resolves` };
  }
  if (env.OPENCLAW_GATEWAY_TOKEN) return { url, auth: { token: env.OPENCLAW_GATEWAY_TOKEN }, from: 'OPENCLAW_GATEWAY_TOKEN' };
  if (env.OPENCLAW_GATEWAY_PASSWORD) return { url, auth: { password: env.OPENCLAW_GATEWAY_PASSWORD }, from: 'OPENCLAW_GATEWAY_PASSWORD' };
  return { unavailable: `no gateway token in ${path} or OPENCLAW_GATEWAY_TOKEN (a gateway without one uses a runtime-only token no other process can read)` };
}

/** Why the gateway could not answer; `auto` falls back to the CLI on all but `auth`. */
export type GatewayFailure = { kind: 'unreachable' | 'auth' | 'protocol' | 'failed'; message: string };

export interface GatewayRead {
  agents: Array<{ id: string; isDefault: boolean }>;
  /** Each agent's `models.authStatus`, as ModelsStatus-shaped input for normalizeModelsStatus. */
  statuses: Map<string, ModelsStatus>;
}

/** `models.authStatus` is briefly empty after an auth edit (PREPARED_MODEL_AUTH_UNAVAILABLE): ask again this often. */
const PREPARED_RETRIES = 3;
const PREPARED_WAIT_MS = 700;

/**
 * Reads every agent's auth status over the gateway's WebSocket RPC with the official client: a
 * `cli` operator with `operator.read` only (never admin: its replies carry account emails), which
 * needs no device pairing on loopback. Never asks for `refresh: true` (that calls providers).
 */
export async function readViaGateway(
  target: GatewayTarget,
  onlyAgents: readonly string[],
  timeoutMs: number,
): Promise<{ ok: true; value: GatewayRead } | ({ ok: false } & GatewayFailure)> {
  // ws and the protocol package load only when the gateway is used.
  const { GatewayClient } = await import('@openclaw/gateway-client');
  let client: GatewayClient | undefined;
  const connected = new Promise<void>((resolve, reject) => {
    client = new GatewayClient({
      url: target.url,
      ...target.auth,
      clientName: 'cli',
      mode: 'cli',
      role: 'operator',
      scopes: ['operator.read'],
      clientVersion: `authwatch/${VERSION}`,
      platform: process.platform,
      requestTimeoutMs: timeoutMs,
      onHelloOk: () => resolve(),
      onConnectError: (error) => reject(error),
      onClose: (code, reason) => reject(new Error(`closed (${code}${reason ? `: ${reason}` : ''})`)),
    });
    client.start();
  });
  const timer = setTimeout(() => client?.stop(), timeoutMs);
  try {
    await Promise.race([connected, new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref())]);
    const c = client!;
    let agents: GatewayRead['agents'];
    if (onlyAgents.length > 0) {
      agents = onlyAgents.map((id) => ({ id, isDefault: false }));
    } else {
      const listed = (await c.request('agents.list', {})) as { defaultId?: string; agents?: Array<{ id?: unknown }> };
      agents = (listed.agents ?? []).flatMap((a) => (typeof a.id === 'string' ? [{ id: a.id, isDefault: a.id === listed.defaultId }] : []));
    }
    const statuses = new Map<string, ModelsStatus>();
    for (const agent of agents) statuses.set(agent.id, await authStatus(c, agent.id));
    return { ok: true, value: { agents, statuses } };
  } catch (error) {
    return { ok: false, ...classify(error) };
  } finally {
    clearTimeout(timer);
    await client?.stopAndWait({ timeoutMs: 500 }).catch(() => {});
  }
}

async function authStatus(client: GatewayClient, agentId: string): Promise<ModelsStatus> {
  for (let attempt = 0; ; attempt++) {
    const reply = (await client.request('models.authStatus', { agentId })) as AuthStatusReply;
    if (reply.unavailable?.code !== 'PREPARED_MODEL_AUTH_UNAVAILABLE') return toModelsStatus(reply);
    if (attempt >= PREPARED_RETRIES) throw new Error('the gateway is still preparing model auth (PREPARED_MODEL_AUTH_UNAVAILABLE)');
    await new Promise((r) => setTimeout(r, PREPARED_WAIT_MS));
  }
}

interface AuthStatusReply {
  providers?: Array<{
    provider?: string;
    profiles?: Array<{ profileId?: string; type?: string; status?: string; reasonCode?: string; expiry?: { at?: number } }>;
  }>;
  unavailable?: { code?: string };
}

/**
 * The RPC reply in the shape of `openclaw models status --json`, so both transports go through
 * one normalization and give the same ids, statuses and remedies. Per profile, never the
 * provider's roll-up (it hides an expired profile when another one works). What the RPC lacks
 * (the configured models, route issues, runtimes, cooldowns) stays empty here.
 */
export function toModelsStatus(reply: AuthStatusReply): ModelsStatus {
  const profiles = (reply.providers ?? []).flatMap((p) =>
    (p.profiles ?? []).flatMap((profile) => {
      if (!profile.profileId || !p.provider || !profile.status) return [];
      const type = profile.type === 'oauth' || profile.type === 'token' || profile.type === 'api_key' ? profile.type : 'token';
      return [
        {
          profileId: profile.profileId,
          provider: p.provider,
          type,
          status: profile.status,
          ...(profile.reasonCode ? { reasonCode: profile.reasonCode } : {}),
          ...(typeof profile.expiry?.at === 'number' ? { expiresAt: profile.expiry.at } : {}),
        },
      ];
    }),
  );
  return {
    auth: { missingProvidersInUse: [], unusableProfiles: [], runtimeAuthRoutes: [], modelRouteIssues: [], oauth: { profiles } },
  } as ModelsStatus;
}

function classify(error: unknown): GatewayFailure {
  const e = error as { code?: string; message?: string; details?: { code?: string } };
  const code = e.details?.code ?? e.code ?? '';
  const message = quoteForeign(e.message ?? String(error));
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') return { kind: 'unreachable', message };
  if (code.startsWith('AUTH_') || /unauthorized/i.test(message)) return { kind: 'auth', message };
  if (/protocol/i.test(code) || /protocol/i.test(message)) return { kind: 'protocol', message };
  return { kind: 'failed', message };
}
