import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openclawStateDir } from '../../config/paths.js';
import type { Logger } from '../../log.js';
import { scrubIdentifier } from '../../redact.js';
import { RateLimited } from '../../rate-limit.js';
import { blank, type Line, onGateway, prose, type Remedy } from '../remedy-lines.js';
import type { Observation, SourceResult, Transport } from '../types.js';
import { localCli, modelsStatus, type OpenclawCli, readOpenclaw, sourceError, sshCli } from './openclaw-cli.js';
import { type OpenclawConfig, type OpenclawGateway, openclawConfigSchema, urlHost } from './openclaw-config.js';
import {
  type DeviceAuth,
  describeTarget,
  type GatewayFailure,
  type GatewayLink,
  type GatewayRead,
  type GatewayTarget,
  gatewayTargetFor,
  type LinkEvents,
  openclawConfigPath,
  openGatewayLink,
  readViaGateway,
} from './openclaw-gateway.js';
import { normalizeModelsStatus } from './openclaw-normalize.js';
import { openclawRemedy } from './openclaw-remedy.js';
import { ROUTE_PASS_HOLD_MS, type RoutesFile } from './openclaw-routes.js';
import type { ModelsStatus } from './openclaw-schema.js';
import { gatewayKey, loadDevice, pairingProblem, plaintextRefused, plaintextWarning, savePairing, shortId } from './gateway-device.js';
import { sshRemedy, type TunnelFailure } from './ssh-tunnel.js';
import type { Source, SourceSession } from './source.js';
import type { Env } from '../../env.js';

export const SOURCE = 'openclaw';

/** A gateway's `config.changed` re-reads at most this often, however many it sends. */
const CONFIG_REREAD_MS = 1_000;
export type { OpenclawConfig, OpenclawGateway } from './openclaw-config.js';
export { openclawArgv } from './openclaw-cli.js';
export { modelsInUse, normalizeModelsStatus } from './openclaw-normalize.js';

type Context = {
  env: Env;
  log: Logger;
  session?: SourceSession | undefined;
  /** When this gateway's read must be over (epoch ms): its `timeout` bounds the whole of it, fallback and every agent included. */
  until: number;
};

/** What is left of a read's time, never less than 1 ms (a timer of 0 would mean none). */
const left = (ctx: Pick<Context, 'until'>) => Math.max(1, ctx.until - Date.now());

/**
 * OpenClaw gateways: every agent's profiles, as `openclaw models status --json` reports them, read
 * through the running gateway or the CLI, here or on another host. Several gateways are read at
 * once (a remote one costs this host nothing but a connection).
 */
export const openclawSource: Source<OpenclawConfig> = {
  schema: openclawConfigSchema,
  read: async (gateways, { env, log, agents, session }) => {
    const results = await Promise.all(
      gateways
        .filter((g) => g.enabled)
        .map(async (gateway) => {
          const started = process.hrtime.bigint();
          const until = Date.now() + gateway.timeout;
          const result = await readGatewayOrCli(gateway, agents?.length ? agents : gateway.agents, { env, log, session, until });
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          return labelled(gateway, result, durationMs);
        }),
    );
    return {
      observations: results.flatMap((r) => r.observations),
      covered: results.flatMap((r) => r.covered),
      transports: results.flatMap((r) => r.transports ?? []),
    };
  },
  owns: (source) => source === SOURCE,
  // Per gateway and agent: `--agent work` must never resolve agent main's alerts.
  scopeOf: (record) => `${idPrefix(record.gateway?.name ?? null)}:${record.agent ?? '*'}`,
  remedy: openclawRemedy,
  /**
   * A local gateway's state dir, the `state/` store and each agent's `agents/<id>/agent`, each on
   * its own (not recursively: the state dir also holds agent workspaces). Remote ones: nothing.
   */
  watchDirs(gateways, env) {
    if (!gateways.some((g) => g.enabled && !remoteHost(g))) return [];
    const state = openclawStateDir(env);
    const dirs = [state, join(state, 'state')];
    try {
      for (const agent of readdirSync(join(state, 'agents'))) dirs.push(join(state, 'agents', agent, 'agent'));
    } catch {
      // No agents directory yet.
    }
    return dirs;
  },
  describe: (gateways) => gateways.filter((g) => g.enabled).map((g) => (g.name ? `${SOURCE} (gateway ${g.name})` : SOURCE)),
};

/** `openclaw` for the one unnamed gateway (ids without a gateway name), `openclaw@<name>` for a named one. */
const idPrefix = (name: string | null) => (name ? `${SOURCE}@${name}` : SOURCE);

/** The host a gateway's config points at, if not this one. */
function remoteHost(gateway: OpenclawGateway): string | undefined {
  return gateway.ssh ?? gateway.gateway.ssh ?? urlHost(gateway.gateway.url);
}

/**
 * Marks a gateway's records as its own: ids and scopes carry its name (when it has one), and a
 * record from another host says where its CLI runs, so that its remedies run there.
 */
function labelled(gateway: OpenclawGateway, result: SourceResult & { ssh?: string | null }, durationMs: number): SourceResult {
  const prefix = idPrefix(gateway.name);
  const rename = (id: string) => (prefix === SOURCE ? id : id.replace(/^openclaw(?=:)/, prefix));
  const ssh = result.ssh ?? null;
  const where = gateway.name || ssh ? { gateway: { name: gateway.name, ssh, command: gateway.remoteCommand } } : {};
  return {
    observations: result.observations.map((o) => ({ ...o, id: rename(o.id), ...where })),
    covered: result.covered.map(rename),
    transports: (result.transports ?? []).map((t) => ({ ...t, ...(gateway.name ? { gateway: gateway.name } : {}), durationMs })),
  };
}

/**
 * One gateway: through the gateway when `via` allows and it answers, else through the CLI (here,
 * or over SSH on the gateway's host). The CLI of this host never stands in for another host's.
 */
async function readGatewayOrCli(gateway: OpenclawGateway, agents: string[], ctx: Context): Promise<SourceResult & { ssh?: string | null }> {
  const cli = gateway.ssh ? sshCli(gateway.ssh, gateway.sshArgs, gateway.remoteCommand, gateway.timeout) : localCli(gateway.command, ctx.env);
  if (gateway.via === 'cli' && gateway.gateway.ssh && !gateway.ssh) {
    // This host's CLI would describe this host, not the one gateway.ssh names.
    const remedy = prose(
      `Run the CLI there instead: sources.openclaw.ssh: ${gateway.gateway.ssh}\nOr read its gateway through the tunnel: sources.openclaw.via: auto`,
    );
    const message = `sources.openclaw.via is cli, but the gateway is on ${gateway.gateway.ssh} (gateway.ssh) and this host's CLI cannot read it`;
    return {
      observations: [{ ...sourceError('openclaw:agents', null, message), remedy }],
      covered: [],
      transports: [{ via: 'cli' }],
      ssh: gateway.gateway.ssh,
    };
  }
  let fallbackReason: string | null = null;
  if (gateway.via !== 'cli') {
    const viaGateway = await readGateway(gateway, agents, cli, ctx);
    if ('result' in viaGateway) return viaGateway.result;
    fallbackReason = viaGateway.fallback;
    await noteTransport(gateway, ctx, 'cli', fallbackReason);
  }
  const result = await readOpenclaw({ cli, agents, timeoutMs: gateway.timeout, until: ctx.until, env: ctx.env, log: ctx.log });
  const transport: Transport = { via: 'cli', agents: result.agents, fallbackReason, ...(cli.ssh ? { ssh: cli.ssh } : {}) };
  return { ...result, transports: [transport], ssh: cli.ssh };
}

/**
 * The gateway path: its records, an `error` record where the CLI would not help (a wrong token, or
 * `via: gateway`), or why to fall back to the CLI (`auto`: not running, no token to read, another
 * protocol). In `watch` the connection stays open between checks (kept in the session).
 */
async function readGateway(
  gateway: OpenclawGateway,
  agents: string[],
  cli: OpenclawCli,
  ctx: Context,
): Promise<{ result: SourceResult & { ssh?: string | null } } | { fallback: string }> {
  const { env, log, session } = ctx;
  const { target, viaCliHost } = gatewayTargetFor(gateway, env);
  const ssh = 'ssh' in target && target.ssh ? target.ssh.destination : (gateway.ssh ?? null);
  let where = 'url' in target ? describeTarget(target) : undefined;
  const fail = (message: string, remedy: Remedy) => ({
    result: {
      observations: [{ ...sourceError('openclaw:agents', null, message), remedy }],
      covered: [],
      transports: [{ via: 'gateway', ...(where ? { url: where } : {}) }],
      ssh,
    },
  });
  // A gateway on another host: this host's CLI would describe this host instead, so fall back only
  // to a CLI that runs there (`ssh`).
  const elsewhere = 'url' in target && (target.ssh !== undefined || target.paired === true);
  const mayFallBack = gateway.via === 'auto' && (!elsewhere || cli.ssh !== null);
  if ('unavailable' in target) {
    return mayFallBack ? { fallback: target.unavailable } : fail(`openclaw gateway: ${target.unavailable}`, gatewayRemedy('unavailable'));
  }
  let device: DeviceAuth | undefined;
  if (target.paired) {
    // Another host by URL: only as this host's paired device (gateway-device.ts).
    const paired = await pairedDevice(gateway, target, ctx);
    if ('problem' in paired) return mayFallBack ? { fallback: paired.problem.message } : fail(paired.problem.message, paired.problem.remedy);
    device = paired.device;
    where = paired.where;
  }
  const opened = await gatewayLink(gateway, target, ctx, device);
  if ('kind' in opened) {
    const argsKey = viaCliHost ? 'sources.openclaw.sshArgs' : 'sources.openclaw.gateway.sshArgs';
    return fail(opened.message, sshRemedy(opened.kind, target.ssh?.destination ?? '', argsKey));
  }
  const link = opened;
  try {
    const read = await readViaGateway(link, agents, left(ctx));
    // The link kept by watch signs in with the device it was opened with.
    const used = link.device;
    if (used?.changed) {
      used.changed = false;
      await savePairing(env, used.file, gatewayKey(target.url)).catch((error) =>
        log.warn({ reason: String(error) }, 'openclaw gateway: cannot save the device file'),
      );
    }
    if (!read.ok && used) {
      const problem = pairingProblem(used.file, target.url, gateway.name) ?? {
        message: `openclaw gateway ${where}: ${read.message}`,
        remedy: gatewayRemedy(read.kind, target),
      };
      return fail(problem.message, problem.remedy);
    }
    if (!read.ok) {
      const message = `openclaw gateway ${where}: ${read.message}${read.kind === 'auth' ? ` (credential from ${target.from})` : ''}`;
      if (read.kind === 'protocol' && !session) log.warn({}, protocolWarning(target, read.message));
      if (!mayFallBack || read.kind === 'auth') return fail(message, gatewayRemedy(read.kind, target));
      return { fallback: message };
    }
    // Route facts come from the CLI on the gateway's host: here, or over SSH (`ssh`). A gateway
    // reached by `gateway.ssh` alone goes without them.
    const routesCli = elsewhere && !cli.ssh ? null : cli;
    const routes = routesCli
      ? await routeFacts(gateway, routesCli, read.value, link.configChangedAt, ctx)
      : { statuses: read.value.statuses, errors: [], ageMs: null };
    const observations: Observation[] = [...routes.errors];
    for (const agent of read.value.agents) {
      const status = routes.statuses.get(agent.id);
      if (status) for (const o of normalizeModelsStatus(status, agent)) observations.push(o);
    }
    await noteTransport(gateway, ctx, 'gateway', null, routes.file);
    return {
      result: {
        observations,
        covered: coveredScopes(
          agents.length === 0,
          read.value.agents.map((a) => a.id),
        ),
        transports: [{ via: 'gateway', url: where, agents: read.value.agents.length, fallbackReason: null, routesAgeMs: routes.ageMs }],
        ssh,
      },
    };
  } finally {
    if (!session) await link.close();
  }
}

/** What to do when the gateway path fails where the CLI would not help (a wrong token) or is not wanted (`via: gateway`). */
function gatewayRemedy(kind: GatewayFailure['kind'] | 'unavailable', target?: GatewayTarget): Remedy {
  const orAuto: Line = ['Or let authwatch use the CLI when the gateway cannot answer: sources.openclaw.via: auto'];
  const restart = onGateway('openclaw', 'gateway', 'restart');
  switch (kind) {
    case 'auth':
      return [
        [`The gateway refused the credential from ${target?.from ?? 'the config'}.`],
        ["If OpenClaw's config changed since the gateway started, restart it: ", restart],
        ['Otherwise give authwatch the token the gateway uses: sources.openclaw.gateway.token (env: or file:)'],
        ['Or read OpenClaw through its CLI instead: sources.openclaw.via: cli'],
      ];
    case 'unavailable':
      return [
        ['Give the gateway a token authwatch can read: ', onGateway('openclaw', 'config', 'set', 'gateway.auth.token', blank('token')), ', then ', restart],
        ['Or name one for authwatch: sources.openclaw.gateway.token (env: or file:), or OPENCLAW_GATEWAY_TOKEN'],
        orAuto,
      ];
    case 'protocol':
      return [['Update authwatch or OpenClaw, whichever is older, so that their gateway protocols match.'], orAuto];
    case 'tls':
      return [
        target?.tlsFingerprint
          ? [
              "The gateway's certificate is not the one pinned (sources.openclaw.gateway.tlsFingerprint). If it was renewed there, check the new one and pin it:",
            ]
          : ["If the gateway's certificate is self-signed, pin it: sources.openclaw.gateway.tlsFingerprint: <sha256>"],
        ['On the gateway host: openssl x509 -noout -fingerprint -sha256 -in ~/.openclaw/gateway/tls/gateway-cert.pem'],
        ['Or reach it through an SSH tunnel instead: sources.openclaw.gateway.ssh: user@host'],
      ];
    case 'plaintext':
      return [['Use its wss:// URL (gateway.tls on its host), or reach it through an SSH tunnel: sources.openclaw.gateway.ssh: user@host']];
    default:
      return [['Start the gateway: ', onGateway('openclaw', 'gateway', 'start'), ' (its state: ', onGateway('openclaw', 'gateway', 'status'), ')'], orAuto];
  }
}

/** The scopes a read covered in full: every agent read, and `*` when the agent list itself was read. */
function coveredScopes(listed: boolean, agents: readonly string[]): string[] {
  return [...(listed ? ['openclaw:*'] : []), ...agents.map((id) => `openclaw:${id}`)];
}

/**
 * A connection for this check: `watch` keeps one per gateway (and SSH tunnel); a one-shot check
 * opens its own. For a gateway on another host the SSH forward is opened first.
 */
async function gatewayLink(gateway: OpenclawGateway, target: GatewayTarget, ctx: Context, device?: DeviceAuth): Promise<GatewayLink | TunnelFailure> {
  const { log, session, env } = ctx;
  const key = `openclaw-gateway${gateway.name ? `@${gateway.name}` : ''}`;
  const kept = session?.get<GatewayLink>(key);
  if (kept?.serves(target)) return kept;
  const named = { url: target.url, ...(gateway.name ? { gateway: gateway.name } : {}) };
  // A gateway may announce config.changed in floods: re-read at most once a second (one log line
  // each, counting the events it covers), and once more a minute on, when the route pass that the
  // change calls for is no longer held back (openclaw-routes.ts passes at most once a minute for it).
  const reread = new RateLimited(CONFIG_REREAD_MS, (events) => {
    log.info({ ...named, events }, 'openclaw gateway: config changed');
    session?.trigger('openclaw config changed');
  });
  let routesCheckPending = false;
  const events: LinkEvents = {
    onEvent: (event) => {
      if (event !== 'config.changed' || !session) return;
      reread.poke();
      if (routesCheckPending) return;
      routesCheckPending = true;
      setTimeout(() => {
        routesCheckPending = false;
        session.trigger('openclaw config changed (route facts)');
      }, ROUTE_PASS_HOLD_MS).unref();
    },
    onReconnect: () => {
      log.info(named, 'openclaw gateway: connected again');
      session?.trigger('gateway reconnected');
    },
    // Under watch, said once per connection; a one-shot check says it itself (below the read).
    onPaused: (failure) => {
      if (session && failure.kind === 'protocol') log.warn(named, protocolWarning(target, failure.message));
    },
  };
  // Kept before it starts, so that the session closes it whatever happens next.
  const opened = await openGatewayLink(target, left(ctx), env, events, (link) => session?.set(key, link), device);
  if (!('kind' in opened) && target.ssh) log.debug({ ...named, destination: target.ssh.destination }, 'openclaw gateway: ssh tunnel open');
  return opened;
}

/**
 * The device to sign in as, for a gateway on another host by URL: its file and pairing, or the
 * problem (not paired, or its token was refused: pair again) as an `error` record's text. A
 * plaintext `ws://` there is said once per check (the client itself refuses public addresses).
 */
async function pairedDevice(
  gateway: OpenclawGateway,
  target: GatewayTarget,
  { env, log }: Context,
): Promise<{ device: DeviceAuth; where: string } | { problem: { message: string; remedy: Remedy } }> {
  const { device: file, warning } = await loadDevice(env);
  if (warning) log.warn({}, warning);
  if (plaintextRefused(target.url)) {
    return {
      problem: {
        message: `openclaw gateway ${target.url}: OpenClaw's client refuses plaintext ws:// to a public address (only loopback, private and tailnet addresses): use wss://, or an SSH tunnel (gateway.ssh)`,
        remedy: gatewayRemedy('plaintext'),
      },
    };
  }
  if (target.url.startsWith('ws:')) log.warn({ url: target.url }, plaintextWarning(target.url));
  const problem = pairingProblem(file, target.url, gateway.name);
  if (problem || !file) return { problem: problem ?? { message: 'not paired', remedy: [] } };
  return { device: { file, offerSharedAuth: false, changed: false }, where: `${describeTarget(target)} as device ${shortId(file.deviceId)}` };
}

const protocolWarning = (target: GatewayTarget, message: string) =>
  `openclaw gateway ${target.url}: ${message}; reading via the CLI until authwatch and OpenClaw agree (update the older one)`;

/**
 * Each agent's gateway status joined with the route facts from a CLI pass: saved ones while they
 * hold, a fresh pass where they are missing or stale (see openclaw-routes.ts). A failed pass is
 * the same `error` record the CLI path gives, and the saved facts (if any) still apply.
 */
async function routeFacts(
  gateway: OpenclawGateway,
  cli: OpenclawCli,
  read: GatewayRead,
  invalidatedAt: number,
  { env, log, until }: Context,
): Promise<{ statuses: Map<string, ModelsStatus>; errors: Observation[]; ageMs: number | null; file?: RoutesFile }> {
  if (gateway.routesEvery === 'off') return { statuses: read.statuses, errors: [], ageMs: null };
  const { configStamp, loadRoutes, passReason, routeEntry, routesPath, saveRoutes, withRouteFacts } = await import('./openclaw-routes.js');
  const path = routesPath(env, gateway.name);
  const file = await loadRoutes(path);
  // Another host's config file cannot be watched from here: its facts age out by routesEvery.
  const stamp = cli.ssh ? `ssh ${cli.ssh}` : configStamp(openclawConfigPath(env));
  const now = Date.now();
  const statuses = new Map<string, ModelsStatus>();
  const errors: Observation[] = [];
  let oldest: number | null = null;
  let changed = false;
  for (const agent of read.agents) {
    const fromGateway = read.statuses.get(agent.id);
    if (!fromGateway) continue;
    let entry = file.agents.get(agent.id);
    const reason = passReason(entry, fromGateway, { stamp, now, everyMs: gateway.routesEvery, invalidatedAt });
    if (reason) {
      log.debug({ agent: scrubIdentifier(agent.id), reason }, 'openclaw: route pass through the CLI');
      const pass = await modelsStatus(cli, agent, { timeoutMs: gateway.timeout, until, env, log });
      if ('status' in pass) {
        entry = routeEntry(pass.status, stamp, now);
        file.agents.set(agent.id, entry);
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
async function noteTransport(
  gateway: OpenclawGateway,
  { env, log }: Context,
  via: 'gateway' | 'cli',
  reason: string | null,
  loaded?: RoutesFile,
): Promise<void> {
  const { loadRoutes, routesPath, saveRoutes } = await import('./openclaw-routes.js');
  const path = routesPath(env, gateway.name);
  // The route pass of this check has just read (and perhaps written) it: not read again.
  const file = loaded ?? (await loadRoutes(path));
  const message = via === 'gateway' ? 'openclaw: reading via the gateway' : 'openclaw: reading via the CLI';
  const fields = { reason, ...(gateway.name ? { gateway: gateway.name } : {}) };
  if (file.via === via) {
    log.debug(fields, message);
    return;
  }
  log.info(fields, message);
  await saveRoutes(path, { ...file, via }).catch(() => {});
}
