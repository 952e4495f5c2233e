import { quoteForeign } from '../../../redact.js';
import type { ModelRoute, Observation } from '../../types.js';
import type { ModelsStatus } from './schema.js';

/** An OpenClaw agent, and whether it is the default one. */
export interface Agent {
  id: string;
  isDefault: boolean;
}

const SOURCE = 'openclaw';

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

/** What every pass of one agent's normalization shares. */
interface Pass {
  status: ModelsStatus;
  agent: Agent;
  base: Pick<Observation, 'source' | 'agent' | 'agentIsDefault' | 'refreshable'>;
  inUse: ReturnType<typeof modelsInUse>;
  /** Whether OpenClaw would use this profile (of this provider). */
  used: (provider: string | null, profileId: string) => boolean;
}

/**
 * Turns one agent's status JSON into observations: one per profile (marked `inUse: false` when
 * OpenClaw would not use it), plus what OpenClaw's `--check` fails on beyond profiles: providers in
 * use with no credential, configured models it cannot route, and agent runtimes it cannot start.
 */
export function normalizeModelsStatus(status: ModelsStatus, agent: Agent): Observation[] {
  const inUse = modelsInUse(status);
  // The profiles left after the configured auth order, per provider (absent: all of them).
  const effective = new Map(
    (status.auth.oauth.providers ?? []).flatMap((p) => (p.effectiveProfiles ? [[p.provider, new Set(p.effectiveProfiles.map((e) => e.profileId))]] : [])),
  );
  const pass: Pass = {
    status,
    agent,
    base: { source: SOURCE, agent: agent.id, agentIsDefault: agent.isDefault, refreshable: false },
    inUse,
    used: (provider, profileId) => inUse === null || (provider !== null && inUse.providers.has(provider) && (effective.get(provider)?.has(profileId) ?? true)),
  };
  const out = profileRecords(pass);
  // A provider whose trouble a record already reports (an expired token puts its provider among the missing too).
  const reported = new Set(out.filter((o) => o.condition !== 'valid' && o.inUse !== false).map((o) => o.provider));
  out.push(...missingProviderRecords(pass, reported));
  const runtimeDown = status.auth.runtimeAuthRoutes.filter((r) => r.status === 'unavailable');
  out.push(...runtimeRecords(pass, runtimeDown));
  // OpenClaw cannot confirm a route whose OAuth access token lapsed without refreshing it, which the
  // gateway does on use: that profile's record speaks for it.
  const renewsOnUse = new Set(out.filter((o) => o.refreshable && o.condition === 'valid').map((o) => o.provider));
  out.push(...routeIssueRecords(pass, (provider) => reported.has(provider) || renewsOnUse.has(provider) || runtimeDown.some((r) => r.provider === provider)));
  return out;
}

/** One record per profile: the listed ones, then blocked profiles the list left out (older releases list only OAuth/token). */
function profileRecords({ status, agent, base, used }: Pass): Observation[] {
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
      // OpenClaw's own word for it, which `--check` goes by: authwatch judges OAuth differently.
      openclawStatus: profile.status,
    };
    out.push(blocked ? { ...common, ...unusableFields(blocked) } : { ...common, ...profileCondition(profile) });
  }
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
  return out;
}

function profileCondition(
  profile: ModelsStatus['auth']['oauth']['profiles'][number],
): Pick<Observation, 'condition' | 'detail' | 'unusable'> & Partial<Pick<Observation, 'refreshable'>> {
  if (profile.type === 'oauth') {
    // A refresh that failed leaves an inert fence in the store: reported `expired` for reason
    // `expired`, with no expiry. That is the outage; the user must sign in again.
    if (profile.status === 'expired' && profile.reasonCode === 'expired' && profile.expiresAt === undefined) {
      return { condition: 'expired', detail: 'its last refresh failed (OpenClaw fenced the login): sign in again', refreshable: false };
    }
    // Any other expiry is the access token's, which the gateway refreshes on use (5 minutes ahead):
    // "expiring" and a lapsed "expired" are its routine cycle on an idle gateway (evaluate.ts).
    if ((profile.status === 'ok' || profile.status === 'expiring' || profile.status === 'expired') && profile.expiresAt !== undefined) {
      return { condition: 'valid', detail: null, refreshable: true };
    }
  }
  switch (profile.status) {
    case 'ok':
    case 'expiring':
    case 'static':
      return { condition: 'valid', detail: null };
    case 'expired':
      return { condition: 'expired', detail: null };
    case 'missing': {
      const reason = profile.reasonCode ? UNUSABLE_REASONS[profile.reasonCode] : undefined;
      if (!reason) return { condition: 'missing', detail: 'no credential stored' };
      // OpenClaw's reason code picks the remedy (`setup_inactive`: activate the saved sign-in).
      return { condition: 'unusable', detail: reason, unusable: { kind: profile.reasonCode!, reason: null, until: null } };
    }
    default:
      return { condition: 'error', detail: `openclaw reported an unknown status "${quoteForeign(profile.status, 40)}"` };
  }
}

/**
 * A provider in use with no usable credential. When one of its profiles already reports the
 * problem, that profile is the alert: skipped here (and `reported` learns each one added).
 */
function missingProviderRecords({ status, agent, base }: Pass, reported: Set<string | null>): Observation[] {
  const missing = new Set([
    ...status.auth.missingProvidersInUse,
    ...status.auth.runtimeAuthRoutes.filter((r) => r.authStatus === 'missing').map((r) => r.provider),
  ]);
  const out: Observation[] = [];
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
  return out;
}

type RuntimeRoute = ModelsStatus['auth']['runtimeAuthRoutes'][number];

/** An agent runtime (Codex) that cannot start: every model it serves fails, whatever the keys. */
function runtimeRecords({ agent, base }: Pass, runtimeDown: RuntimeRoute[]): Observation[] {
  return runtimeDown.map((route) => {
    const runtime = route.runtime ?? 'agent';
    return {
      ...base,
      id: `openclaw:${agent.id}:runtime:${route.provider}:${runtime}`,
      provider: route.provider,
      profileId: null,
      type: null,
      condition: 'unusable',
      expiresAt: null,
      detail: `the ${runtime} runtime for ${route.provider} models is unavailable${route.runtimeDetail ? `: ${quoteForeign(route.runtimeDetail)}` : ''}`,
      route: { kind: 'runtime', model: null, role: null, runtime, plugins: route.runtimePluginIds ?? [] },
    };
  });
}

/**
 * Configured models OpenClaw cannot route (a fallback whose provider has no credential, a model
 * its runtime does not support). An indeterminate one is folded into a record above when that
 * already says why (`explained`).
 */
function routeIssueRecords({ status, agent, base, inUse }: Pass, explained: (provider: string) => boolean): Observation[] {
  const out: Observation[] = [];
  const seen = new Set<string>();
  for (const issue of status.auth.modelRouteIssues) {
    if (issue.kind !== 'incompatible' && issue.kind !== 'indeterminate') continue;
    if (issue.kind === 'indeterminate' && explained(issue.provider)) continue;
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
    unusable: {
      kind: blocked.kind,
      reason: blocked.reason ?? null,
      until: blocked.until ?? null,
      ...(blocked.recoveryHint ? { hint: quoteForeign(blocked.recoveryHint, 300) } : {}),
    },
  };
}
