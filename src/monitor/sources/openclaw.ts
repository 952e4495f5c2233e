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
import {
  describeTarget,
  type GatewayFailure,
  type GatewayLink,
  type GatewayRead,
  type LinkEvents,
  openGatewayLink,
  type GatewayTarget,
  gatewayTarget,
  openclawConfigPath,
  readViaGateway,
} from './openclaw-gateway.js';
import { openclawRemedy } from './openclaw-remedy.js';
import { splitDestination, type TunnelFailure } from './ssh-tunnel.js';
import type { RoutesFile } from './openclaw-routes.js';
import { shWord } from '../../shell.js';
import type { Source, SourceSession } from './source.js';

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
     * How to read it: `auto` asks the running gateway over its WebSocket RPC (a tenth of the CLI's
     * time) and falls back to the CLI when it cannot; `gateway` never falls back; `cli` always
     * runs the OpenClaw CLI.
     */
    via: z._default(z.enum(['cli', 'gateway', 'auto']), 'auto'),
    /**
     * Overrides for the gateway: its URL (default ws://127.0.0.1:<OpenClaw's port>) and token
     * (`env:`/`file:`); or, for a gateway on another host, `ssh: user@host[:port]` (an SSH tunnel to
     * its `remotePort`, default 18789) with extra `sshArgs` (`-i key`, `-F config`).
     */
    gateway: z._default(
      z.strictObject({
        url: z.optional(nonEmpty()),
        token: z.optional(nonEmpty()),
        ssh: z.optional(nonEmpty()),
        remotePort: z.optional(z.int().check(z.minimum(1), z.maximum(65_535))),
        sshArgs: z.optional(z.array(nonEmpty())),
      }),
      {},
    ),
    /**
     * Through the gateway, how often at most a CLI pass refreshes what only the CLI reports
     * (configured models, route issues, cooldowns); `off` never runs one. See openclaw-routes.ts.
     */
    routesEvery: z._default(z.union([z.literal('off'), durationSchema]), 3_600_000),
  }),
  {},
);

export type OpenclawConfig = z.output<typeof configSchema>;

/** The OpenClaw CLI: every agent's profiles, as `openclaw models status --json` reports them. */
export const openclawSource: Source<OpenclawConfig> = {
  schema: configSchema,
  read: async (config, { env, log, agents, session }) => {
    if (!config.enabled) return { observations: [], covered: [] };
    const wanted = agents?.length ? agents : config.agents;
    let fallbackReason: string | null = null;
    if (config.via !== 'cli') {
      const viaGateway = await readGateway(config, wanted, { env, log, session });
      if ('result' in viaGateway) return viaGateway.result;
      fallbackReason = viaGateway.fallback;
      await noteTransport(env, log, 'cli', fallbackReason);
    }
    const result = await readOpenclaw({ command: config.command, agents: wanted, timeoutMs: config.timeout, env, log });
    return { ...result, transport: { via: 'cli', agents: result.agents, fallbackReason } };
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

type Env = Record<string, string | undefined>;

/**
 * The gateway path: its records, an `error` record where the CLI would not help (a wrong token, or
 * `via: gateway`), or why to fall back to the CLI (`auto`: not running, no token to read, another
 * protocol). In `watch` the connection stays open between checks (kept in the session).
 */
async function readGateway(
  config: OpenclawConfig,
  agents: string[],
  { env, log, session }: { env: Env; log: Logger; session?: SourceSession | undefined },
): Promise<{ result: SourceResult } | { fallback: string }> {
  const target = gatewayTarget(config.gateway, env);
  const fail = (message: string, remedy: string) => ({
    result: {
      observations: [{ ...sourceError('openclaw:agents', null, message), remedy }],
      covered: [],
      transport: { via: 'gateway', ...('url' in target ? { url: target.url } : {}) },
    },
  });
  // A gateway on another host: the local CLI would describe this host instead, so never fall back to it.
  const mayFallBack = config.via === 'auto' && !('ssh' in target && target.ssh);
  if ('unavailable' in target)
    return mayFallBack ? { fallback: target.unavailable } : fail(`openclaw gateway: ${target.unavailable}`, gatewayRemedy('unavailable'));
  const where = describeTarget(target);
  const opened = await gatewayLink(target, { env, log, session, timeoutMs: config.timeout });
  if ('kind' in opened) return fail(opened.message, sshRemedy(opened.kind, target.ssh?.destination ?? ''));
  const link = opened;
  try {
    const read = await readViaGateway(link, agents, config.timeout);
    if (!read.ok) {
      const message = `openclaw gateway ${where}: ${read.message}${read.kind === 'auth' ? ` (credential from ${target.from})` : ''}`;
      if (read.kind === 'protocol' && !session) log.warn({}, protocolWarning(target, read.message));
      if (!mayFallBack || read.kind === 'auth') return fail(message, gatewayRemedy(read.kind, target));
      return { fallback: message };
    }
    // Route facts come from the CLI on the gateway's host; for a remote gateway that needs the CLI
    // over SSH (not built yet), so its checks go without them.
    const routes = target.ssh
      ? { statuses: read.value.statuses, errors: [], ageMs: null }
      : await routeFacts(config, read.value, link.configChangedAt, { env, log });
    const observations: Observation[] = [...routes.errors];
    for (const agent of read.value.agents) {
      const status = routes.statuses.get(agent.id);
      if (status) for (const o of normalizeModelsStatus(status, agent)) observations.push(o);
    }
    await noteTransport(env, log, 'gateway', null, routes.file);
    return {
      result: {
        observations,
        covered: coveredScopes(
          agents.length === 0,
          read.value.agents.map((a) => a.id),
        ),
        transport: { via: 'gateway', url: where, agents: read.value.agents.length, fallbackReason: null, routesAgeMs: routes.ageMs },
      },
    };
  } finally {
    if (!session) await link.close();
  }
}

/** What to do when the gateway path fails where the CLI would not help (a wrong token) or is not wanted (`via: gateway`). */
function gatewayRemedy(kind: GatewayFailure['kind'] | 'unavailable', target?: GatewayTarget): string {
  const orAuto = 'Or let authwatch use the CLI when the gateway cannot answer: sources.openclaw.via: auto';
  switch (kind) {
    case 'auth':
      return [
        `The gateway refused the credential from ${target?.from ?? 'the config'}.`,
        "If OpenClaw's config changed since the gateway started, restart it: openclaw gateway restart",
        'Otherwise give authwatch the token the gateway uses: sources.openclaw.gateway.token (env: or file:)',
        'Or read OpenClaw through its CLI instead: sources.openclaw.via: cli',
      ].join('\n');
    case 'unavailable':
      return [
        'Give the gateway a token authwatch can read: openclaw config set gateway.auth.token <token>, then openclaw gateway restart',
        'Or name one for authwatch: sources.openclaw.gateway.token (env: or file:), or OPENCLAW_GATEWAY_TOKEN',
        orAuto,
      ].join('\n');
    case 'protocol':
      return ['Update authwatch or OpenClaw, whichever is older, so that their gateway protocols match.', orAuto].join('\n');
    default:
      return ['Start the gateway: openclaw gateway start (its state: openclaw gateway status)', orAuto].join('\n');
  }
}

/** The scopes a read covered in full: every agent read, and `*` when the agent list itself was read. */
function coveredScopes(listed: boolean, agents: readonly string[]): string[] {
  return [...(listed ? ['openclaw:*'] : []), ...agents.map((id) => `openclaw:${id}`)];
}

/**
 * A connection for this check: `watch` keeps one per gateway and credential (and SSH tunnel); a
 * one-shot check opens its own. For a gateway on another host the SSH forward is opened first.
 */
async function gatewayLink(
  target: GatewayTarget,
  { env, log, session, timeoutMs }: { env: Env; log: Logger; session: SourceSession | undefined; timeoutMs: number },
): Promise<GatewayLink | TunnelFailure> {
  const kept = session?.get<GatewayLink>(GATEWAY_LINK);
  if (kept?.serves(target)) return kept;
  const events: LinkEvents = {
    onEvent: (event) => {
      if (event !== 'config.changed' || !session) return;
      log.info({ url: target.url }, 'openclaw gateway: config changed');
      session.trigger('openclaw config changed');
    },
    onReconnect: () => {
      log.info({ url: target.url }, 'openclaw gateway: connected again');
      session?.trigger('gateway reconnected');
    },
    // Under watch, said once per connection; a one-shot check says it itself (below the read).
    onPaused: (failure) => {
      if (session && failure.kind === 'protocol') log.warn({}, protocolWarning(target, failure.message));
    },
  };
  // Kept before it starts, so that the session closes it whatever happens next.
  const opened = await openGatewayLink(target, timeoutMs, env, events, (link) => session?.set(GATEWAY_LINK, link));
  if (!('kind' in opened) && target.ssh) log.debug({ destination: target.ssh.destination }, 'openclaw gateway: ssh tunnel open');
  return opened;
}

/** What to do when the SSH hop to a remote gateway fails, as commands to paste (`-p` for a port). */
function sshRemedy(kind: TunnelFailure['kind'], destination: string): string {
  const { host: login, port } = splitDestination(destination);
  const to = `${port ? `-p ${port} ` : ''}${shWord(login)}`;
  const host = login.replace(/^[^@]*@/, '');
  switch (kind) {
    case 'hostkey':
      return [
        `The host key of ${host} is unknown or has changed. Check it with the host's owner, then record it by logging in once: ssh ${to}`,
        `(for a changed key, first: ssh-keygen -R ${shWord(port ? `[${host}]:${port}` : host)})`,
      ].join('\n');
    case 'auth':
      return [
        `ssh was refused a login without a password (authwatch runs it with BatchMode=yes). Copy your public key to the host with ssh-copy-id ${to}`,
        'Or name one: sources.openclaw.gateway.sshArgs: [-i, ~/.ssh/id_ed25519]',
      ].join('\n');
    case 'unreachable':
      return `Check that ${host} is up and its sshd answers: ssh ${to} true`;
    default:
      return `Run ssh ${to} true by hand to see what fails.`;
  }
}

const GATEWAY_LINK = 'openclaw-gateway';

const protocolWarning = (target: GatewayTarget, message: string) =>
  `openclaw gateway ${target.url}: ${message}; reading via the CLI until authwatch and OpenClaw agree (update the older one)`;

/**
 * Each agent's gateway status joined with the route facts from a CLI pass: saved ones while they
 * hold, a fresh pass where they are missing or stale (see openclaw-routes.ts). A failed pass is
 * the same `error` record the CLI path gives, and the saved facts (if any) still apply.
 */
async function routeFacts(
  config: OpenclawConfig,
  read: GatewayRead,
  invalidatedAt: number,
  { env, log }: { env: Env; log: Logger },
): Promise<{ statuses: Map<string, ModelsStatus>; errors: Observation[]; ageMs: number | null; file?: RoutesFile }> {
  if (config.routesEvery === 'off') return { statuses: read.statuses, errors: [], ageMs: null };
  const { configStamp, loadRoutes, passReason, routeEntry, routesPath, saveRoutes, withRouteFacts } = await import('./openclaw-routes.js');
  const path = routesPath(env);
  const file = await loadRoutes(path);
  const stamp = configStamp(openclawConfigPath(env));
  const now = Date.now();
  const statuses = new Map<string, ModelsStatus>();
  const errors: Observation[] = [];
  let oldest: number | null = null;
  let changed = false;
  for (const agent of read.agents) {
    const fromGateway = read.statuses.get(agent.id);
    if (!fromGateway) continue;
    let entry = file.agents[agent.id];
    const reason = passReason(entry, fromGateway, { stamp, now, everyMs: config.routesEvery, invalidatedAt });
    if (reason) {
      log.debug({ agent: scrubIdentifier(agent.id), reason }, 'openclaw: route pass through the CLI');
      const pass = await modelsStatus(openclawArgv(config.command, env), agent, { timeoutMs: config.timeout, env, log });
      if ('status' in pass) {
        entry = routeEntry(pass.status, stamp, now);
        file.agents[agent.id] = entry;
        changed = true;
      } else errors.push(pass.error);
    }
    if (entry) oldest = Math.max(oldest ?? 0, now - entry.at);
    statuses.set(agent.id, entry ? withRouteFacts(fromGateway, entry.status, now) : fromGateway);
  }
  if (changed) await saveRoutes(path, file).catch((error) => log.warn({ reason: String(error) }, 'openclaw: cannot save the route facts'));
  return { statuses, errors, ageMs: oldest, file };
}

/**
 * Logs a change of transport once, at info, with the reason (the last one is kept beside the
 * route facts, so a timer's runs do not repeat it); otherwise at debug.
 */
async function noteTransport(env: Env, log: Logger, via: 'gateway' | 'cli', reason: string | null, loaded?: RoutesFile): Promise<void> {
  const { loadRoutes, routesPath, saveRoutes } = await import('./openclaw-routes.js');
  const path = routesPath(env);
  // The route pass of this check has just read (and perhaps written) it: not read again.
  const file = loaded ?? (await loadRoutes(path));
  const message = via === 'gateway' ? 'openclaw: reading via the gateway' : 'openclaw: reading via the CLI';
  if (file.via === via) {
    log.debug({ reason }, message);
    return;
  }
  log.info({ reason }, message);
  await saveRoutes(path, { ...file, via }).catch(() => {});
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
export async function readOpenclaw(options: OpenclawOptions): Promise<SourceResult & { agents: number }> {
  const prefix = openclawArgv(options.command, options.env);
  // Scopes read in full: the alert lifecycle resolves a vanished credential only inside these.
  const covered: string[] = [];
  let agents: Agent[];
  if (options.agents.length > 0) {
    // Named agents: skip the extra run. Not knowing the default, remedies always carry --agent.
    agents = options.agents.map((id) => ({ id, isDefault: false }));
  } else {
    const listed = await runJson(prefix, ['agents', 'list', '--json'], options);
    if (!listed.ok)
      return { observations: [sourceError('openclaw:agents', null, `openclaw agents list: ${listed.message}`, listed.kind)], covered: [], agents: 0 };
    const parsed = agentsListSchema.safeParse(listed.value);
    if (!parsed.success) {
      const where = issuePath(parsed.error.issues[0]?.path ?? []);
      return {
        observations: [sourceError('openclaw:agents', null, `openclaw agents list --json is not in the expected shape (at ${where})`)],
        covered: [],
        agents: 0,
      };
    }
    agents = parsed.data.map((a) => ({ id: a.id, isDefault: a.isDefault === true }));
    covered.push('openclaw:*');
  }

  const observations: Observation[] = [];
  for (const agent of agents) {
    const read = await modelsStatus(prefix, agent, options);
    if ('error' in read) {
      observations.push(read.error);
      continue;
    }
    for (const o of normalizeModelsStatus(read.status, agent)) observations.push(o);
    covered.push(`openclaw:${agent.id}`);
  }
  return { observations, covered, agents: agents.length };
}

/** One agent's `openclaw models status --json`, parsed, or the `error` record saying why not. */
async function modelsStatus(
  prefix: string[],
  agent: Agent,
  options: Pick<OpenclawOptions, 'timeoutMs' | 'env' | 'log'>,
): Promise<{ status: ModelsStatus } | { error: Observation }> {
  const started = Date.now();
  // `--agent=ID` in one argv item: an id that begins with "-" (`--help`) stays a value, not an option.
  const out = await runJson(prefix, ['models', 'status', '--json', `--agent=${agent.id}`], options);
  // Logged before collectObservations scrubs the records: the id is scrubbed here.
  options.log.debug({ agent: scrubIdentifier(agent.id), ms: Date.now() - started, ok: out.ok }, 'openclaw models status');
  const id = `openclaw:${agent.id}:source`;
  if (!out.ok) return { error: sourceError(id, agent, `openclaw models status (agent ${agent.id}): ${out.message}`, out.kind) };
  const parsed = modelsStatusSchema.safeParse(out.value);
  if (parsed.success) return { status: parsed.data };
  const where = issuePath(parsed.error.issues[0]?.path ?? []);
  return { error: sourceError(id, agent, `openclaw models status (agent ${agent.id}) printed JSON that is not in the expected shape (at ${where})`) };
}

/** `OPENCLAW_BIN` > the configured command > `openclaw` on PATH. */
export function openclawArgv(command: string | string[], env: Record<string, string | undefined>): string[] {
  if (env.OPENCLAW_BIN) return [env.OPENCLAW_BIN];
  return Array.isArray(command) ? [...command] : [command];
}

async function runJson(
  prefix: string[],
  args: string[],
  options: Pick<OpenclawOptions, 'timeoutMs' | 'env'>,
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
