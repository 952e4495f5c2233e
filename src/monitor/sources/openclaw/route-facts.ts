import { scrubIdentifier } from '../../../redact.js';
import type { OpenclawCli } from '../../../openclaw/cli.js';
import { openclawConfigPath } from '../../../openclaw/config-file.js';
import type { Observation } from '../../types.js';
import type { OpenclawGateway } from './config.js';
import type { ReadContext } from './context.js';
import type { GatewayRead } from './gateway-read.js';
import { configStamp, loadRoutes, ONE_SHOT_LOG_EVERY_MS, passReason, routeEntry, type RoutesFile, routesPath, saveRoutes, withRouteFacts } from './routes.js';
import type { ModelsStatus } from './schema.js';
import { modelsStatus } from './via-cli.js';

/** Each agent's status with its route facts, the failed passes' records, the oldest facts' age, and the file they came from. */
export interface RouteFacts {
  statuses: Map<string, ModelsStatus>;
  errors: Observation[];
  ageMs: number | null;
  file?: RoutesFile;
}

/**
 * Each agent's gateway status joined with the route facts from a CLI pass: saved ones while they
 * hold, a fresh pass where they are missing or stale (see routes.ts). A failed pass is the same
 * `error` record the CLI path gives, and the saved facts (if any) still apply.
 */
export async function routeFacts(
  gateway: OpenclawGateway,
  {
    cli,
    read,
    invalidatedAt,
    failedAt,
    failuresSince,
  }: {
    cli: OpenclawCli;
    read: GatewayRead;
    invalidatedAt: number;
    failedAt: number;
    /** A one-shot check: the gateway log since the last one's cursor (watch follows it as it goes). */
    failuresSince?: (cursor: number | undefined) => Promise<{ cursor: number; failed: boolean } | null>;
  },
  { env, log, until }: ReadContext,
): Promise<RouteFacts> {
  if (gateway.routesEvery === 'off') return { statuses: read.statuses, errors: [], ageMs: null };
  const path = routesPath(env, gateway.name);
  const file = await loadRoutes(path);
  // Another host's config file cannot be watched from here: its facts age out by routesEvery.
  const stamp = cli.ssh ? `ssh ${cli.ssh}` : configStamp(openclawConfigPath(env));
  const now = Date.now();
  const statuses = new Map<string, ModelsStatus>();
  const errors: Observation[] = [];
  let oldest: number | null = null;
  let changed = false;
  const logDue = failuresSince && now - (file.logReadAt ?? 0) >= ONE_SHOT_LOG_EVERY_MS;
  const logged = logDue ? await failuresSince(file.logCursor) : null;
  if (logDue)
    log.debug(
      { from: file.logCursor ?? null, to: logged?.cursor ?? null, failed: logged?.failed ?? null },
      "openclaw: read the gateway's log for profile failures",
    );
  if (logged) {
    changed = true;
    file.logCursor = logged.cursor;
    file.logReadAt = now;
  }
  for (const agent of read.agents) {
    const fromGateway = read.statuses.get(agent.id);
    if (!fromGateway) continue;
    let entry = file.agents.get(agent.id);
    const orders = read.orders.get(agent.id);
    // A profile failed since a one-shot check last read the log: every agent's cooldowns are read
    // again now, with no hold (the next read is an hour away).
    const reason =
      logged?.failed && entry
        ? 'the gateway logged a profile failure'
        : passReason(entry, fromGateway, { stamp, now, everyMs: gateway.routesEvery, invalidatedAt, failedAt, orders });
    if (reason) {
      log.debug({ agent: scrubIdentifier(agent.id), reason }, 'openclaw: route pass through the CLI');
      const pass = await modelsStatus(cli, agent, { timeoutMs: gateway.timeout, until, env, log });
      if (pass.ok) {
        entry = routeEntry(pass.value, stamp, now, orders);
        file.agents.set(agent.id, entry);
        changed = true;
      } else errors.push(pass.failure);
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
export async function noteTransport(
  gateway: OpenclawGateway,
  { via, reason, loaded }: { via: 'gateway' | 'cli'; reason: string | null; loaded?: RoutesFile | undefined },
  { env, log }: Pick<ReadContext, 'env' | 'log'>,
): Promise<void> {
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
