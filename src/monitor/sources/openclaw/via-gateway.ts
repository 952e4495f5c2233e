import { RateLimited } from '../../../rate-limit.js';
import type { OpenclawCli } from '../../../openclaw/cli.js';
import { type DeviceFile, loadDevice, pairingProblem, plaintextWarning, savePairing, shortId } from '../../../openclaw/gateway/device.js';
import type { GatewayFailure } from '../../../openclaw/gateway/failure.js';
import { type DeviceAuth, type GatewayLink, type LinkEvents, openGatewayLink } from '../../../openclaw/gateway/link.js';
import { gatewayKey, plaintextRefused } from '../../../openclaw/gateway/url.js';
import { sshRemedy, type TunnelFailure } from '../../../openclaw/ssh/failure.js';
import { describeTarget, type GatewayTarget, gatewayTargetFor } from '../../../openclaw/target.js';
import { failed, ok, type Result } from '../../../result.js';
import { blank, type Line, onGateway, type Remedy } from '../../remedy-lines.js';
import type { Observation, SourceResult } from '../../types.js';
import type { OpenclawGateway } from './config.js';
import type { RouteFacts } from './route-facts.js';
import { left, type ReadContext } from './context.js';
import { type GatewayRead, readViaGateway } from './gateway-read.js';
import { modelsInUse, normalizeModelsStatus } from './normalize.js';
import { usageRecords } from './usage.js';
import { foldSharedStores } from './shared-store.js';
import { FAILURE_PASS_HOLD_MS, ROUTE_PASS_HOLD_MS } from './routes.js';
import { AuthFailureLog, failuresSince } from '../../../openclaw/gateway/auth-failures.js';
import type { SourceSession } from '../source.js';
import { sourceError } from './via-cli.js';

/** A gateway's `config.changed` re-reads at most this often, however many it sends. */
const CONFIG_REREAD_MS = 1_000;

export type GatewayResult = SourceResult & { ssh?: string | null };

/** The gateway path, as far as its records need to say: which gateway, on which host, as shown. */
interface PathFacts {
  gateway: OpenclawGateway;
  ssh: string | null;
  where: string | undefined;
}

/**
 * The gateway path: its records, an `error` record where the CLI would not help (a wrong token, or
 * `via: gateway`), or, as the failure, why to fall back to the CLI (`auto`: not running, no token
 * to read, another protocol). In `watch` the connection stays open between checks (kept in the session).
 */
export async function readGateway(gateway: OpenclawGateway, agents: string[], cli: OpenclawCli, ctx: ReadContext): Promise<Result<GatewayResult, string>> {
  const { target, viaCliHost } = gatewayTargetFor(gateway, ctx.env);
  const path: PathFacts = {
    gateway,
    ssh: target.ok && target.value.ssh ? target.value.ssh.destination : (gateway.ssh ?? null),
    where: target.ok ? describeTarget(target.value) : undefined,
  };
  // A gateway on another host: this host's CLI would describe this host instead, so fall back only
  // to a CLI that runs there (`ssh`).
  const elsewhere = target.ok && (target.value.ssh !== undefined || target.value.paired === true);
  const mayFallBack = gateway.via === 'auto' && (!elsewhere || cli.ssh !== null);
  if (!target.ok) return mayFallBack ? target : ok(errorResult(path, `openclaw gateway: ${target.failure}`, gatewayRemedy('unavailable')));
  let device: DeviceAuth | undefined;
  if (target.value.paired) {
    // Another host by URL: only as this host's paired device (openclaw/gateway/device.ts).
    const paired = await pairedDevice(gateway, target.value, ctx);
    if (!paired.ok) return mayFallBack ? failed(paired.failure.message) : ok(errorResult(path, paired.failure.message, paired.failure.remedy));
    device = paired.value.device;
    path.where = paired.value.where;
  }
  return readOverLink(gateway, { target: target.value, path, device, agents, cli, elsewhere, mayFallBack, viaCliHost }, ctx, true);
}

/**
 * Reads over watch's kept link, or a new one. A kept link through an SSH tunnel that fails to
 * carry the read (ssh died since the last check, and the news has not reached it yet) is replaced
 * once, with a new tunnel: a dropped tunnel is not the gateway failing. A direct link is left to
 * reconnect by itself (the client retries, and says when it is back).
 */
async function readOverLink(
  gateway: OpenclawGateway,
  how: {
    target: GatewayTarget;
    path: PathFacts;
    device: DeviceAuth | undefined;
    agents: string[];
    cli: OpenclawCli;
    elsewhere: boolean;
    mayFallBack: boolean;
    viaCliHost: boolean;
  },
  ctx: ReadContext,
  mayReuse: boolean,
): Promise<Result<GatewayResult, string>> {
  const { target, path, agents, cli, elsewhere, mayFallBack } = how;
  const opened = await gatewayLink(gateway, target, ctx, how.device, mayReuse);
  if (!opened.ok) {
    const argsKey = how.viaCliHost ? 'sources.openclaw.sshArgs' : 'sources.openclaw.gateway.sshArgs';
    return ok(errorResult(path, opened.failure.message, sshRemedy(opened.failure.kind, target.ssh?.destination ?? '', argsKey)));
  }
  const { link, reused } = opened.value;
  try {
    const read = await readViaGateway(link, agents, left(ctx));
    await saveDeviceUpdate(link, target, ctx);
    if (!read.ok && reused && target.ssh && (read.failure.kind === 'unreachable' || read.failure.kind === 'failed')) {
      ctx.log.info({ url: target.url, reason: read.failure.message }, 'openclaw gateway: the kept connection failed; opening a new one');
      return readOverLink(gateway, how, ctx, false);
    }
    if (!read.ok) return readFailure(path, target, read.failure, { device: link.device?.file, mayFallBack, ctx });
    // Route facts come from the CLI on the gateway's host: here, or over SSH (`ssh`). A gateway
    // reached by `gateway.ssh` alone goes without them.
    return ok(await gatewayRecords(path, read.value, { routesCli: elsewhere && !cli.ssh ? null : cli, link, listed: agents.length === 0, ctx }));
  } finally {
    if (!ctx.session) await link.close();
  }
}

/** One `error` record for the whole gateway, with what to do. */
function errorResult(path: PathFacts, message: string, remedy: Remedy): GatewayResult {
  return {
    observations: [{ ...sourceError('openclaw:agents', null, message), remedy }],
    covered: [],
    transports: [{ via: 'gateway', ...(path.where ? { url: path.where } : {}) }],
    ssh: path.ssh,
  };
}

/** The device file, when the gateway issued this device a token or refused the one it had. The link kept by watch signs in with the device it was opened with. */
async function saveDeviceUpdate(link: GatewayLink, target: GatewayTarget, { env, log }: ReadContext): Promise<void> {
  const file = link.takeDeviceUpdate();
  if (!file) return;
  await savePairing(env, file, gatewayKey(target.url)).catch((error) => log.warn({ reason: String(error) }, 'openclaw gateway: cannot save the device file'));
}

/** A read that failed: as a paired device, what pairing needs; else the failure, or a fallback to the CLI where that helps. */
function readFailure(
  path: PathFacts,
  target: GatewayTarget,
  failure: GatewayFailure,
  { device, mayFallBack, ctx }: { device: DeviceFile | undefined; mayFallBack: boolean; ctx: ReadContext },
): Result<GatewayResult, string> {
  if (device) {
    // The device file as this read left it: a refused token is gone from it.
    const problem = pairingProblem(device, target.url, path.gateway.name) ?? {
      message: `openclaw gateway ${path.where}: ${failure.message}`,
      remedy: gatewayRemedy(failure.kind, target),
    };
    return ok(errorResult(path, problem.message, problem.remedy));
  }
  const message = `openclaw gateway ${path.where}: ${failure.message}${failure.kind === 'auth' ? ` (credential from ${target.from})` : ''}`;
  if (failure.kind === 'protocol' && !ctx.session) ctx.log.warn({}, protocolWarning(target, failure.message));
  if (!mayFallBack || failure.kind === 'auth') return ok(errorResult(path, message, gatewayRemedy(failure.kind, target)));
  return failed(message);
}

/** The records of a read that succeeded: each agent's profiles with their route facts, and how it was read. */
async function gatewayRecords(
  path: PathFacts,
  read: GatewayRead,
  { routesCli, link, listed, ctx }: { routesCli: OpenclawCli | null; link: GatewayLink; listed: boolean; ctx: ReadContext },
): Promise<GatewayResult> {
  const { noteTransport, routeFacts } = await import('./route-facts.js');
  const routes: RouteFacts = routesCli
    ? await routeFacts(
        path.gateway,
        {
          cli: routesCli,
          read,
          invalidatedAt: link.configChangedAt,
          failedAt: link.authFailureAt,
          // Under watch the log is followed as it goes (followAuthFailures); a one-shot check reads what the last one left.
          ...(ctx.session ? {} : { failuresSince: (cursor: number | undefined) => failuresSince((method, params) => link.request(method, params), cursor) }),
        },
        ctx,
      )
    : { statuses: read.statuses, errors: [], ageMs: null };
  const profiles: Observation[] = [];
  const stores = new Map<string, string | undefined>();
  const inherited = new Set<string>();
  for (const agent of read.agents) {
    const status = routes.statuses.get(agent.id);
    if (!status) continue;
    for (const o of normalizeModelsStatus(status, agent)) profiles.push(o);
    // Which store each agent reads comes with the route facts (the RPC does not say).
    stores.set(agent.id, status.auth.storePath);
    // Which of an agent's profiles live in the shared store (`inherited`, the RPC's word; `saved`: its own).
    for (const p of status.auth.oauth.profiles) if (p.source === 'inherited') inherited.add(`openclaw:${agent.id}:${p.profileId}`);
  }
  const observations: Observation[] = [...routes.errors, ...foldSharedStores(profiles, read.agents, stores, inherited), ...usageOfAgents(read, routes)];
  await noteTransport(path.gateway, { via: 'gateway', reason: null, loaded: routes.file }, ctx);
  return {
    observations,
    covered: [
      ...coveredScopes(
        listed,
        read.agents.map((a) => a.id),
      ),
      ...[...read.usage.keys()].map((id) => `openclaw:${id}:usage`),
    ],
    transports: [{ via: 'gateway', url: path.where, agents: read.agents.length, fallbackReason: null, routesAgeMs: routes.ageMs }],
    ssh: path.ssh,
  };
}

/** The scopes a read covered in full: every agent read, and `*` when the agent list itself was read. */
function coveredScopes(listed: boolean, agents: readonly string[]): string[] {
  return [...(listed ? ['openclaw:*'] : []), ...agents.map((id) => `openclaw:${id}`)];
}

/** What to do when the gateway path fails where the CLI would not help (a wrong token) or is not wanted (`via: gateway`). */
export function gatewayRemedy(kind: GatewayFailure['kind'] | 'unavailable', target?: GatewayTarget): Remedy {
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

/**
 * A connection for this check: `watch` keeps one per gateway (and SSH tunnel); a one-shot check
 * opens its own. For a gateway on another host the SSH forward is opened first.
 */
async function gatewayLink(
  gateway: OpenclawGateway,
  target: GatewayTarget,
  ctx: ReadContext,
  device: DeviceAuth | undefined,
  mayReuse: boolean,
): Promise<Result<{ link: GatewayLink; reused: boolean }, TunnelFailure>> {
  const { log, session, env } = ctx;
  const key = `openclaw-gateway${gateway.name ? `@${gateway.name}` : ''}`;
  const kept = mayReuse ? session?.get<GatewayLink>(key) : undefined;
  if (kept?.serves(target)) return ok({ link: kept, reused: true });
  const named = { url: target.url, ...(gateway.name ? { gateway: gateway.name } : {}) };
  const opened = await openGatewayLink({
    target,
    timeoutMs: left(ctx),
    env,
    events: linkEvents(target, ctx, named),
    ...(device ? { device } : {}),
    // Kept before it starts, so that the session closes it whatever happens next.
    onLink: (link) => {
      if (!session) return;
      session.set(key, link);
      session.set(`${key}:auth-failures`, followAuthFailures(link, session, log, named));
    },
  });
  if (!opened.ok) return opened;
  if (target.ssh) log.debug({ ...named, destination: target.ssh.destination }, 'openclaw gateway: ssh tunnel open');
  return ok({ link: opened.value, reused: false });
}

/**
 * Under watch, cooldowns within a minute: the gateway's log, read every 15 s, says when a profile
 * is put in cooldown or disabled; the next check then runs the CLI pass that reports it (now, or
 * once the pass hold ends). Nothing else in the log (a chat turn) leads to a CLI run.
 */
function followAuthFailures(link: GatewayLink, session: SourceSession, log: ReadContext['log'], named: Record<string, string>): AuthFailureLog {
  const afterHold = checkOnceHeld(session, FAILURE_PASS_HOLD_MS, 'openclaw profile failure (route facts)');
  return new AuthFailureLog((method, params) => link.request(method, params), {
    onFollowing: () => log.info(named, 'openclaw gateway: following its log for profile failures'),
    onFailure: () => {
      link.noteAuthFailure();
      log.info(named, 'openclaw gateway: a profile failed (its log), checking its cooldowns');
      session.trigger('openclaw profile failure');
      afterHold();
    },
  });
}

/**
 * A check once a route pass's hold (routes.ts) has ended, for a change that calls for one: at most
 * one pending, however many changes come meanwhile.
 */
function checkOnceHeld(session: SourceSession, holdMs: number, reason: string): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      session.trigger(reason);
    }, holdMs).unref();
  };
}

/** What watch does with a kept link's events: re-read on `config.changed` and on reconnecting. */
function linkEvents(target: GatewayTarget, { log, session }: ReadContext, named: Record<string, string>): LinkEvents {
  // A gateway may announce config.changed in floods: re-read at most once a second (one log line
  // each, counting the events it covers), and once more a minute on, when the route pass that the
  // change calls for is no longer held back (routes.ts passes at most once a minute for it).
  const reread = new RateLimited(CONFIG_REREAD_MS, (events) => {
    log.info({ ...named, events }, 'openclaw gateway: config changed');
    session?.trigger('openclaw config changed');
  });
  const afterHold = session ? checkOnceHeld(session, ROUTE_PASS_HOLD_MS, 'openclaw config changed (route facts)') : undefined;
  return {
    onEvent: (event) => {
      if (event !== 'config.changed' || !afterHold) return;
      reread.poke();
      afterHold();
    },
    onReconnect: () => {
      log.info(named, 'openclaw gateway: connected again');
      session?.trigger('gateway reconnected');
    },
    // Under watch, said once per connection; a one-shot check says it itself (readFailure).
    onPaused: (failure) => {
      if (session && failure.kind === 'protocol') log.warn(named, protocolWarning(target, failure.message));
    },
  };
}

type Problem = { message: string; remedy: Remedy };

/**
 * The device to sign in as, for a gateway on another host by URL: its file and pairing, or the
 * problem (not paired, or its token was refused: pair again) as an `error` record's text. A
 * plaintext `ws://` there is said once per check (the client itself refuses public addresses).
 */
async function pairedDevice(
  gateway: OpenclawGateway,
  target: GatewayTarget,
  { env, log }: ReadContext,
): Promise<Result<{ device: DeviceAuth; where: string }, Problem>> {
  const { device: file, warning } = await loadDevice(env);
  if (warning) log.warn({}, warning);
  if (plaintextRefused(target.url)) {
    return failed({
      message: `openclaw gateway ${target.url}: OpenClaw's client refuses plaintext ws:// to a public address (only loopback, private and tailnet addresses): use wss://, or an SSH tunnel (gateway.ssh)`,
      remedy: gatewayRemedy('plaintext'),
    });
  }
  if (target.url.startsWith('ws:')) log.warn({ url: target.url }, plaintextWarning(target.url));
  const problem = pairingProblem(file, target.url, gateway.name);
  if (problem || !file) return failed(problem ?? { message: 'not paired', remedy: [] });
  return ok({ device: { file, offerSharedAuth: false }, where: `${describeTarget(target)} as device ${shortId(file.deviceId)}` });
}

const protocolWarning = (target: GatewayTarget, message: string) =>
  `openclaw gateway ${target.url}: ${message}; reading via the CLI until authwatch and OpenClaw agree (update the older one)`;

/**
 * Each agent's usage windows as records, a provider counted as in use as its profiles are. Agents
 * that read one store report the same windows (one subscription): the first agent's record stands
 * for the others (`sharedWith`), one alert for one window.
 */
function usageOfAgents(read: GatewayRead, routes: RouteFacts): Observation[] {
  const out: Observation[] = [];
  const first = new Map<string, Observation>();
  for (const agent of read.agents) {
    const usage = read.usage.get(agent.id);
    if (!usage) continue;
    const status = routes.statuses.get(agent.id);
    const inUse = status ? modelsInUse(status) : null;
    for (const record of usageRecords(agent, usage, (provider) => inUse === null || inUse.providers.has(provider))) {
      const key = `${record.provider}\u0000${record.usage!.window}\u0000${record.usage!.usedPercent}\u0000${record.usage!.resetAt}`;
      const owner = first.get(key);
      if (owner) owner.sharedWith = [...(owner.sharedWith ?? []), agent.id];
      else {
        first.set(key, record);
        out.push(record);
      }
    }
  }
  return out;
}
