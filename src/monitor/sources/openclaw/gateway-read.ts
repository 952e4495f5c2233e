import type * as z from 'zod/mini';
import { deadline, sleep } from '../../../abort.js';
import { firstIssue } from '../../../schema-errors.js';
import { classify, type GatewayFailure } from '../../../openclaw/gateway/failure.js';
import type { GatewayLink } from '../../../openclaw/gateway/link.js';
import { failed, ok, type Result } from '../../../result.js';
import { type AuthStatusReply, agentsListReplySchema, authStatusReplySchema, type ModelsStatus } from './schema.js';
import type { UsageWindow } from './usage.js';

export interface GatewayRead {
  agents: Array<{ id: string; isDefault: boolean }>;
  /** Each agent's `models.authStatus`, as ModelsStatus-shaped input for normalizeModelsStatus. */
  statuses: Map<string, ModelsStatus>;
  /** Each agent's provider usage windows; absent for an agent whose reply had none (the cache still warming, or offline). */
  usage: Map<string, Map<string, UsageWindow[]>>;
  /** Each agent's auth order per provider as the gateway reports it, as one string to compare: a change calls for a route pass. */
  orders: Map<string, string>;
}

/**
 * `models.authStatus` is briefly not there after an auth edit: empty while the gateway prepares model
 * auth (PREPARED_MODEL_AUTH_UNAVAILABLE), or refused UNAVAILABLE while a plugin reloads
 * (PluginInstanceUnavailableError). Asked again after each of these waits (9.75 s in all, within the
 * read's deadline): one reload on a loaded CI host outlasted three asks 0.7 s apart.
 */
const PREPARED_WAITS_MS = [250, 500, 1000, 2000, 2000, 2000, 2000];

/**
 * Reads every agent's auth status over `link`, within `timeoutMs` in all (connecting included).
 * Never asks for `refresh: true` (that calls the providers).
 */
export async function readViaGateway(link: GatewayLink, onlyAgents: readonly string[], timeoutMs: number): Promise<Result<GatewayRead, GatewayFailure>> {
  const limit = deadline(timeoutMs);
  try {
    const ready = await link.ready(limit.signal);
    if (!ready.ok) return ready;
    const timedOut = new Promise<never>((_, reject) =>
      limit.signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), { once: true }),
    );
    return ok(await Promise.race([readAgents(link, onlyAgents, limit.signal), timedOut]));
  } catch (error) {
    return failed(classify(error));
  } finally {
    limit.clear();
  }
}

async function readAgents(link: GatewayLink, onlyAgents: readonly string[], signal: AbortSignal): Promise<GatewayRead> {
  let agents = onlyAgents.length > 0 ? onlyAgents.map((id) => ({ id, isDefault: false })) : link.knownAgents();
  if (!agents) {
    const listed = checkedReply('agents.list', agentsListReplySchema, await link.request<unknown>('agents.list', {}));
    agents = listed.agents.map((a) => ({ id: a.id, isDefault: a.id === listed.defaultId }));
    link.rememberAgents(agents);
  }
  const statuses = new Map<string, ModelsStatus>();
  const usage = new Map<string, Map<string, UsageWindow[]>>();
  const orders = new Map<string, string>();
  for (const agent of agents) {
    const reply = await authStatus(link, agent.id, signal);
    statuses.set(agent.id, toModelsStatus(reply));
    orders.set(agent.id, JSON.stringify(reply.providers.map((p) => [p.provider, p.profileOrder ?? null]).sort()));
    const windows = usageOf(reply);
    if (windows) usage.set(agent.id, windows);
  }
  return { agents, statuses, usage, orders };
}

/** The reply's usage windows per provider, or undefined when no provider carried any. */
function usageOf(reply: AuthStatusReply): Map<string, UsageWindow[]> | undefined {
  const out = new Map<string, UsageWindow[]>();
  for (const p of reply.providers) {
    if (!p.usage) continue;
    out.set(
      p.provider,
      p.usage.windows.map((w) => ({ label: w.label, usedPercent: w.usedPercent, resetAt: w.resetAt ?? null })),
    );
  }
  return out.size > 0 ? out : undefined;
}

async function authStatus(link: GatewayLink, agentId: string, signal: AbortSignal): Promise<AuthStatusReply> {
  for (let attempt = 0; ; attempt++) {
    const wait = PREPARED_WAITS_MS[attempt];
    const last = wait === undefined || signal.aborted;
    let answer: unknown;
    try {
      answer = await link.request<unknown>('models.authStatus', { agentId });
    } catch (error) {
      if (last || (error as { gatewayCode?: unknown }).gatewayCode !== 'UNAVAILABLE') throw error;
      await sleep(wait, signal);
      continue;
    }
    const reply = checkedReply('models.authStatus', authStatusReplySchema, answer);
    if (reply.unavailable?.code !== 'PREPARED_MODEL_AUTH_UNAVAILABLE') return reply;
    if (last) throw new Error('the gateway is still preparing model auth (PREPARED_MODEL_AUTH_UNAVAILABLE)');
    await sleep(wait, signal);
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
        ...(profile.source ? { source: profile.source } : {}),
        ...(typeof profile.expiry?.at === 'number' ? { expiresAt: profile.expiry.at } : {}),
      };
    }),
  );
  return {
    auth: { missingProvidersInUse: [], unusableProfiles: [], runtimeAuthRoutes: [], modelRouteIssues: [], oauth: { profiles } },
  };
}
