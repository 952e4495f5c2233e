import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { durationSchema } from '../../config/duration-schema.js';
import { openclawStateDir } from '../../config/paths.js';
import type { Logger } from '../../log.js';
import { quoteForeign, scrubIdentifier } from '../../redact.js';
import type { ModelRoute, Observation, SourceResult } from '../types.js';
import { agentsListSchema, cliErrorSchema, modelsStatusSchema, type ModelsStatus } from './openclaw-schema.js';
import { issuePath } from '../../issue-path.js';
import { parseJsonOutput } from './parse-json.js';
import { describeStderr, runProgram, type FailureKind } from '../../process/run.js';
import { gatewayTarget, readViaGateway } from './openclaw-gateway.js';
import { openclawRemedy } from './openclaw-remedy.js';
import type { Source } from './source.js';

export const SOURCE = 'openclaw';

const nonEmpty = () => z.string().check(z.minLength(1));

const configSchema = z.prefault(
  z.strictObject({
    enabled: z._default(z.boolean(), true),
    /** The program to run: a name on PATH, a path, or an argv prefix such as [node, /path/openclaw.mjs]. */
    command: z._default(z.union([nonEmpty(), z.array(nonEmpty()).check(z.minLength(1))]), 'openclaw'),
    /** Agents to check. Empty: every agent `openclaw agents list --json` reports. */
    agents: z._default(z.array(nonEmpty()), []),
    timeout: z.prefault(durationSchema, '60s'),
    /**
     * How to read it: `cli` runs the OpenClaw CLI; `gateway` asks the running gateway over its
     * WebSocket RPC (a tenth of the time) and never falls back; `auto` tries the gateway, then the
     * CLI. The gateway does not report configured models, route issues or cooldowns, so `cli` stays
     * the default until a periodic CLI pass supplies them (issue 11).
     */
    via: z._default(z.enum(['cli', 'gateway', 'auto']), 'cli'),
    /** Overrides for the gateway: its URL (default ws://127.0.0.1:<OpenClaw's port>) and token (`env:`/`file:`). */
    gateway: z._default(z.strictObject({ url: z.optional(nonEmpty()), token: z.optional(nonEmpty()) }), {}),
  }),
  {},
);

export type OpenclawConfig = z.output<typeof configSchema>;

/** The OpenClaw CLI: every agent's profiles, as `openclaw models status --json` reports them. */
export const openclawSource: Source<OpenclawConfig> = {
  schema: configSchema,
  read: async (config, { env, log, agents }) => {
    if (!config.enabled) return { observations: [], covered: [] };
    const wanted = agents?.length ? agents : config.agents;
    if (config.via !== 'cli') {
      const viaGateway = await readGateway(config, wanted, env);
      if ('result' in viaGateway) return viaGateway.result;
      log.info({ reason: viaGateway.fallback }, 'openclaw: reading via the CLI');
    }
    return readOpenclaw({ command: config.command, agents: wanted, timeoutMs: config.timeout, env, log });
  },
  owns: (source) => source === SOURCE,
  // Per agent: `--agent work` must never resolve agent main's alerts.
  scopeOf: (record) => `${SOURCE}:${record.agent ?? '*'}`,
  remedy: openclawRemedy,
  /**
   * Its state dir, the `state/` store and each agent's `agents/<id>/agent`, each on its own (not
   * recursively: the state dir also holds agent workspaces).
   */
  watchDirs(config, env) {
    if (!config.enabled) return [];
    const state = openclawStateDir(env);
    const dirs = [state, join(state, 'state')];
    try {
      for (const agent of readdirSync(join(state, 'agents'))) dirs.push(join(state, 'agents', agent, 'agent'));
    } catch {
      // No agents directory yet.
    }
    return dirs;
  },
  describe: (config) => (config.enabled ? [SOURCE] : []),
};

/**
 * The gateway path: its records, an `error` record where the CLI would not help (a wrong token, or
 * `via: gateway`), or why to fall back to the CLI (`auto`: not running, no token to read).
 */
async function readGateway(
  config: OpenclawConfig,
  agents: string[],
  env: Record<string, string | undefined>,
): Promise<{ result: SourceResult } | { fallback: string }> {
  const target = gatewayTarget(config.gateway, env);
  const fail = (message: string, failure: FailureKind = 'failed') => ({
    result: { observations: [sourceError('openclaw:agents', null, message, failure)], covered: [] },
  });
  if ('unavailable' in target) return config.via === 'gateway' ? fail(`openclaw gateway: ${target.unavailable}`) : { fallback: target.unavailable };
  const read = await readViaGateway(target, agents, config.timeout);
  if (!read.ok) {
    const message = `openclaw gateway ${target.url}: ${read.message}${read.kind === 'auth' ? ` (credential from ${target.from})` : ''}`;
    if (config.via === 'gateway' || read.kind === 'auth') return fail(message, read.kind === 'unreachable' ? 'not-found' : 'failed');
    return { fallback: message };
  }
  const observations: Observation[] = [];
  for (const agent of read.value.agents) {
    const status = read.value.statuses.get(agent.id);
    if (status) for (const o of normalizeModelsStatus(status, agent)) observations.push(o);
  }
  return {
    result: {
      observations,
      covered: agents.length ? read.value.agents.map((a) => `openclaw:${a.id}`) : ['openclaw:*', ...read.value.agents.map((a) => `openclaw:${a.id}`)],
    },
  };
}

export interface OpenclawOptions {
  /** A program name/path, or an argv prefix. `OPENCLAW_BIN` in env overrides it. */
  command: string | string[];
  /** Agents to check; empty means every agent OpenClaw lists. */
  agents: string[];
  timeoutMs: number;
  env: Record<string, string | undefined>;
  log: Logger;
}

interface Agent {
  id: string;
  isDefault: boolean;
}

/**
 * Reads credential health from the OpenClaw CLI: `agents list --json`, then
 * `models status --json --agent ID` per agent, one after the other (each run costs ~285 MB,
 * which a phone may not have twice). Failures become `error` observations, never exceptions.
 */
export async function readOpenclaw(options: OpenclawOptions): Promise<SourceResult> {
  const prefix = openclawArgv(options.command, options.env);
  // Scopes read in full: the alert lifecycle resolves a vanished credential only inside these.
  const covered: string[] = [];
  let agents: Agent[];
  if (options.agents.length > 0) {
    // Named agents: skip the extra run. Not knowing the default, remedies always carry --agent.
    agents = options.agents.map((id) => ({ id, isDefault: false }));
  } else {
    const listed = await runJson(prefix, ['agents', 'list', '--json'], options);
    if (!listed.ok) return { observations: [sourceError('openclaw:agents', null, `openclaw agents list: ${listed.message}`, listed.kind)], covered: [] };
    const parsed = agentsListSchema.safeParse(listed.value);
    if (!parsed.success) {
      const where = issuePath(parsed.error.issues[0]?.path ?? []);
      return { observations: [sourceError('openclaw:agents', null, `openclaw agents list --json is not in the expected shape (at ${where})`)], covered: [] };
    }
    agents = parsed.data.map((a) => ({ id: a.id, isDefault: a.isDefault === true }));
    covered.push('openclaw:*');
  }

  const observations: Observation[] = [];
  for (const agent of agents) {
    const started = Date.now();
    // `--agent=ID` in one argv item: an id that begins with "-" (`--help`) stays a value, not an option.
    const out = await runJson(prefix, ['models', 'status', '--json', `--agent=${agent.id}`], options);
    // Logged before collectObservations scrubs the records: the id is scrubbed here.
    options.log.debug({ agent: scrubIdentifier(agent.id), ms: Date.now() - started, ok: out.ok }, 'openclaw models status');
    if (!out.ok) {
      observations.push(sourceError(`openclaw:${agent.id}:source`, agent, `openclaw models status (agent ${agent.id}): ${out.message}`, out.kind));
      continue;
    }
    const parsed = modelsStatusSchema.safeParse(out.value);
    if (!parsed.success) {
      const where = issuePath(parsed.error.issues[0]?.path ?? []);
      observations.push(
        sourceError(
          `openclaw:${agent.id}:source`,
          agent,
          `openclaw models status (agent ${agent.id}) printed JSON that is not in the expected shape (at ${where})`,
        ),
      );
      continue;
    }
    for (const o of normalizeModelsStatus(parsed.data, agent)) observations.push(o);
    covered.push(`openclaw:${agent.id}`);
  }
  return { observations, covered };
}

/** `OPENCLAW_BIN` > the configured command > `openclaw` on PATH. */
export function openclawArgv(command: string | string[], env: Record<string, string | undefined>): string[] {
  if (env.OPENCLAW_BIN) return [env.OPENCLAW_BIN];
  return Array.isArray(command) ? [...command] : [command];
}

async function runJson(
  prefix: string[],
  args: string[],
  options: OpenclawOptions,
): Promise<{ ok: true; value: unknown } | { ok: false; kind: FailureKind; message: string }> {
  const run = await runProgram([...prefix, ...args], { timeoutMs: options.timeoutMs, env: options.env });
  if (!run.ok) return run;
  const json = parseJsonOutput(run.stdout);
  if (!json.ok) {
    const why = describeStderr(run.stderr);
    return { ok: false, kind: 'failed', message: `printed output that is not JSON (exit ${run.exitCode})${why ? `: ${why}` : ''}` };
  }
  // With --json, OpenClaw reports its own failures (unknown agent, bad config) as {ok:false,error}.
  const cliError = cliErrorSchema.safeParse(json.value);
  if (cliError.success) return { ok: false, kind: 'failed', message: `failed (exit ${run.exitCode}): ${quoteForeign(cliError.data.error.message)}` };
  return json;
}

function sourceError(id: string, agent: Agent | null, message: string, failure: FailureKind = 'failed'): Observation {
  return {
    id,
    source: SOURCE,
    agent: agent?.id ?? null,
    agentIsDefault: agent?.isDefault ?? false,
    provider: null,
    profileId: null,
    type: null,
    condition: 'error',
    expiresAt: null,
    refreshable: false,
    detail: message,
    failure,
  };
}

/** OpenClaw reason codes that mean "stored, but cannot be used", with words for people. */
const UNUSABLE_REASONS: Record<string, string> = {
  invalid_expires: 'the stored expiry is invalid',
  unresolved_ref: 'the credential reference (env var or secret) cannot be resolved',
  setup_inactive: 'the setup token is not active',
  malformed_api_key: 'the API key is malformed',
};

type ModelRole = NonNullable<ModelRoute['role']>;

/**
 * Which providers OpenClaw would use for this agent, and what each configured model is for: the
 * default model, the fallbacks, the image model and its fallbacks, and the utility model, as
 * OpenClaw's own check counts them. null when the output does not say (older releases) or names a
 * model we cannot place: then every profile counts as in use, so nothing is silenced on a guess.
 */
export function modelsInUse(status: ModelsStatus): { providers: Set<string>; roles: Map<string, ModelRole> } | null {
  const configured: Array<[string | null | undefined, ModelRole]> = [
    [status.resolvedDefault ?? status.defaultModel, 'default'],
    ...(status.fallbacks ?? []).map((ref): [string, ModelRole] => [ref, 'fallback']),
    [status.imageModel, 'image'],
    ...(status.imageFallbacks ?? []).map((ref): [string, ModelRole] => [ref, 'image-fallback']),
    [status.utilityModel?.ref, 'utility'],
  ];
  if (!configured[0]![0]) return null;
  const providers = new Set<string>();
  const roles = new Map<string, ModelRole>();
  for (const [ref, role] of configured) {
    if (!ref) continue;
    const alias = status.aliases?.[ref];
    const key = typeof alias === 'string' ? alias : ref;
    const slash = key.indexOf('/');
    if (slash <= 0) return null;
    providers.add(key.slice(0, slash).toLowerCase());
    if (!roles.has(key)) roles.set(key, role);
  }
  return { providers, roles };
}

/**
 * Turns one agent's status JSON into observations: one per profile (marked `inUse: false` when
 * OpenClaw would not use it), plus what OpenClaw's `--check` fails on beyond profiles: providers in
 * use with no credential, configured models it cannot route, and agent runtimes it cannot start.
 */
export function normalizeModelsStatus(status: ModelsStatus, agent: Agent): Observation[] {
  const base = {
    source: SOURCE,
    agent: agent.id,
    agentIsDefault: agent.isDefault,
    refreshable: false,
  };
  const inUse = modelsInUse(status);
  // The profiles left after the configured auth order, per provider (absent: all of them).
  const effective = new Map(
    (status.auth.oauth.providers ?? []).flatMap((p) => (p.effectiveProfiles ? [[p.provider, new Set(p.effectiveProfiles.map((e) => e.profileId))]] : [])),
  );
  const used = (provider: string | null, profileId: string) =>
    inUse === null || (provider !== null && inUse.providers.has(provider) && (effective.get(provider)?.has(profileId) ?? true));
  const unusable = new Map(status.auth.unusableProfiles.map((u) => [u.profileId, u]));
  const out: Observation[] = [];

  for (const profile of status.auth.oauth.profiles) {
    const blocked = unusable.get(profile.profileId);
    unusable.delete(profile.profileId);
    const common = {
      ...base,
      id: `openclaw:${agent.id}:${profile.profileId}`,
      provider: profile.provider,
      profileId: profile.profileId,
      type: profile.type,
      expiresAt: profile.expiresAt ?? null,
      inUse: used(profile.provider, profile.profileId),
    };
    if (blocked) {
      out.push({ ...common, ...unusableFields(blocked) });
      continue;
    }
    switch (profile.status) {
      case 'ok':
      case 'expiring':
      case 'static':
        out.push({ ...common, condition: 'valid', detail: null });
        break;
      case 'expired':
        out.push({ ...common, condition: 'expired', detail: null });
        break;
      case 'missing': {
        const reason = profile.reasonCode ? UNUSABLE_REASONS[profile.reasonCode] : undefined;
        out.push({ ...common, condition: reason ? 'unusable' : 'missing', detail: reason ?? 'no credential stored' });
        break;
      }
      default:
        out.push({ ...common, condition: 'error', detail: `openclaw reported an unknown status "${quoteForeign(profile.status, 40)}"` });
    }
  }

  // Blocked profiles that the profile list did not include (older releases list only OAuth/token).
  for (const blocked of unusable.values()) {
    const provider = blocked.provider ?? blocked.profileId.split(':')[0] ?? null;
    out.push({
      ...base,
      id: `openclaw:${agent.id}:${blocked.profileId}`,
      provider,
      profileId: blocked.profileId,
      type: null,
      expiresAt: null,
      inUse: used(provider, blocked.profileId),
      ...unusableFields(blocked),
    });
  }

  // A provider in use with no usable credential. When one of its profiles already reports the
  // problem (an expired token puts its provider here too), that profile is the alert: skip this.
  const reported = new Set(out.filter((o) => o.condition !== 'valid' && o.inUse !== false).map((o) => o.provider));
  const missing = new Set([
    ...status.auth.missingProvidersInUse,
    ...status.auth.runtimeAuthRoutes.filter((r) => r.authStatus === 'missing').map((r) => r.provider),
  ]);
  for (const provider of missing) {
    if (reported.has(provider)) continue;
    reported.add(provider);
    out.push({
      ...base,
      id: `openclaw:${agent.id}:provider:${provider}`,
      provider,
      profileId: null,
      type: null,
      condition: 'missing',
      expiresAt: null,
      detail: 'in use by a configured model, but no credential is set up',
    });
  }

  // An agent runtime (Codex) that cannot start: every model it serves fails, whatever the keys.
  const runtimeDown = status.auth.runtimeAuthRoutes.filter((r) => r.status === 'unavailable');
  for (const route of runtimeDown) {
    const runtime = route.runtime ?? 'agent';
    out.push({
      ...base,
      id: `openclaw:${agent.id}:runtime:${route.provider}:${runtime}`,
      provider: route.provider,
      profileId: null,
      type: null,
      condition: 'unusable',
      expiresAt: null,
      detail: `the ${runtime} runtime for ${route.provider} models is unavailable${route.runtimeDetail ? `: ${quoteForeign(route.runtimeDetail)}` : ''}`,
      route: { kind: 'runtime', model: null, role: null, runtime, plugins: route.runtimePluginIds ?? [] },
    });
  }

  // Configured models OpenClaw cannot route (a fallback whose provider has no credential, a model
  // its runtime does not support). Folded into a record above when that already says why.
  const seen = new Set<string>();
  for (const issue of status.auth.modelRouteIssues) {
    if (issue.kind !== 'incompatible' && issue.kind !== 'indeterminate') continue;
    if (issue.kind === 'indeterminate' && (reported.has(issue.provider) || runtimeDown.some((r) => r.provider === issue.provider))) continue;
    const model = issue.model ? `${issue.provider}/${issue.model}` : null;
    const id = `openclaw:${agent.id}:route:${model ?? issue.provider}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const role = (model && inUse?.roles.get(model)) || null;
    const hasCredential = status.auth.oauth.profiles.some((p) => p.provider === issue.provider);
    const what = `${role ? `${role.replace('-', ' ')} model` : 'model'} ${model ?? issue.provider}`;
    const said = issue.message ? ` (OpenClaw: ${quoteForeign(issue.message)})` : '';
    out.push({
      ...base,
      id,
      provider: issue.provider,
      profileId: null,
      type: null,
      // Readiness unknown and no profile at all: the provider simply has no credential here.
      condition: issue.kind === 'indeterminate' && !hasCredential ? 'missing' : 'unusable',
      expiresAt: null,
      detail:
        issue.kind === 'incompatible'
          ? `${what} cannot be served by its route${said}`
          : `${what}: ${hasCredential ? 'no usable credential could be confirmed' : `no credential for ${issue.provider}`}${said}`,
      route: { kind: issue.kind, model, role },
    });
  }
  return out;
}

function unusableFields(blocked: ModelsStatus['auth']['unusableProfiles'][number]) {
  return {
    condition: 'unusable' as const,
    detail: `${blocked.kind}${blocked.reason ? `: ${quoteForeign(blocked.reason, 60)}` : ''}`,
    unusable: { kind: blocked.kind, reason: blocked.reason ?? null, until: blocked.until ?? null },
  };
}
