import { statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { stateDir } from '../../../config/paths.js';
import { writeFileAtomic } from '../../../fs-atomic.js';
import { readRegularFile } from '../../../fs-read.js';
import { modelsStatusSchema, type ModelsStatus } from './schema.js';

/**
 * What only the CLI reports, kept between checks for the gateway path: the configured models
 * (which profiles are in use), model route issues, runtime routes, missing providers and
 * cooldowns. The gateway's `models.authStatus` has the profiles alone, so a gateway check takes
 * the profiles fresh from the gateway and these facts from the last CLI pass ("route pass").
 *
 * A pass runs when an agent's facts are missing, older than `routesEvery`, or stale: OpenClaw's
 * config file changed (models, fallbacks, plugins), the gateway lists other profiles or auth orders
 * than the pass saw (a login, paste-token, logout, `auth order set`), `watch` heard
 * `config.changed`, or the gateway logged a profile failure (a cooldown) since. The file is a cache:
 * unreadable means "run a pass", never an error.
 */

const entrySchema = z.object({
  /** When the pass ran (epoch ms). */
  at: z.number(),
  /** OpenClaw's config file as the pass saw it (see configStamp). */
  stamp: z.string(),
  /** The profile ids the pass saw, sorted. */
  profiles: z.array(z.string()),
  /** The gateway's auth orders when the pass ran (gateway-read.ts `orders`); absent in files from before. */
  orders: z.optional(z.string()),
  status: modelsStatusSchema,
});

const fileSchema = z.object({
  version: z.literal(1),
  /** How the last check read OpenClaw, to log a change of transport once. */
  via: z.optional(z.enum(['gateway', 'cli'])),
  /** Where the gateway's log ended when a one-shot check last read it (`logs.tail`), to see the profile failures since, and when. */
  logCursor: z.optional(z.number()),
  logReadAt: z.optional(z.number()),
  /** Checked entry by entry in loadRoutes: a record would assign the keys, and `__proto__` is an agent id too. */
  agents: z._default(z.unknown(), {}),
});

export type RouteEntry = z.output<typeof entrySchema>;
/** By agent id, a Map: agent ids come from outside, and an agent named `__proto__` must keep its facts like any other. */
export type RoutesFile = {
  version: 1;
  via?: 'gateway' | 'cli' | undefined;
  logCursor?: number | undefined;
  logReadAt?: number | undefined;
  agents: Map<string, RouteEntry>;
};

/** One file per gateway: `openclaw-routes.json` for the unnamed one, `openclaw-routes@<name>.json` for a named one. */
export function routesPath(env: Record<string, string | undefined>, gateway: string | null = null): string {
  return join(stateDir(env), gateway ? `openclaw-routes@${gateway}.json` : 'openclaw-routes.json');
}

export async function loadRoutes(path: string): Promise<RoutesFile> {
  try {
    const parsed = fileSchema.safeParse(JSON.parse(await readRegularFile(path, 16 * 1024 * 1024)));
    if (parsed.success) {
      const agents = new Map<string, RouteEntry>();
      const raw = parsed.data.agents;
      if (raw && typeof raw === 'object') {
        for (const [id, value] of Object.entries(raw)) {
          const entry = entrySchema.safeParse(value);
          if (entry.success) agents.set(id, entry.data);
        }
      }
      return {
        version: 1,
        ...(parsed.data.via ? { via: parsed.data.via } : {}),
        ...(parsed.data.logCursor === undefined ? {} : { logCursor: parsed.data.logCursor }),
        ...(parsed.data.logReadAt === undefined ? {} : { logReadAt: parsed.data.logReadAt }),
        agents,
      };
    }
  } catch {
    // Missing or unreadable: a cache, rebuilt by the next pass.
  }
  return { version: 1, agents: new Map() };
}

export async function saveRoutes(path: string, file: RoutesFile): Promise<void> {
  // Object.fromEntries defines each key as the object's own, `__proto__` included.
  await writeFileAtomic(path, `${JSON.stringify({ ...file, agents: Object.fromEntries(file.agents) })}\n`);
}

/** OpenClaw's config file, as `mtime:size` (or `none`): a change means the configured models may have changed. */
export function configStamp(configPath: string): string {
  try {
    const st = statSync(configPath);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'none';
  }
}

const profileIds = (status: ModelsStatus) => status.auth.oauth.profiles.map((p) => p.profileId).sort();

/**
 * How long facts from a pass stand against `config.changed` alone: a gateway that floods the event
 * would otherwise make every check a CLI run. A change of the config file or of the profiles is
 * never held back; `watch` checks again when the hold ends (via-gateway.ts).
 */
export const ROUTE_PASS_HOLD_MS = 60_000;

/**
 * The same for a profile failure in the gateway's log (a rate limit retried ten times logs ten):
 * shorter, so that with the log read every 15 s a cooldown is reported within a minute.
 */
export const FAILURE_PASS_HOLD_MS = 20_000;

/**
 * How often a one-shot check (a timer) reads the gateway's log for profile failures. Measured: a
 * `logs.tail` from a cursor costs the gateway ~100 ms (its redaction pass), doubling a check's
 * ~115 ms; read hourly, a 15-minute timer sees a cooldown within the hour, as when every check's
 * CLI pass was hourly, and runs the CLI only when one happened.
 */
export const ONE_SHOT_LOG_EVERY_MS = 3_600_000;

/** Why this agent needs a CLI pass now, or null when its saved facts still hold. */
export function passReason(
  entry: RouteEntry | undefined,
  gateway: ModelsStatus,
  {
    stamp,
    now,
    everyMs,
    invalidatedAt,
    failedAt = 0,
    orders,
  }: { stamp: string; now: number; everyMs: number; invalidatedAt: number; failedAt?: number; orders?: string | undefined },
): string | null {
  if (!entry) return 'no route facts yet';
  if (now - entry.at >= everyMs) return `route facts older than ${Math.round(everyMs / 60_000)} min`;
  if (entry.at < failedAt && now - entry.at >= FAILURE_PASS_HOLD_MS) return 'the gateway logged a profile failure';
  if (entry.at < invalidatedAt && now - entry.at >= ROUTE_PASS_HOLD_MS) return 'the gateway announced config.changed';
  if (entry.stamp !== stamp) return "OpenClaw's config file changed";
  if (JSON.stringify(entry.profiles) !== JSON.stringify(profileIds(gateway))) return 'the gateway lists other profiles';
  if (orders !== undefined && entry.orders !== undefined && entry.orders !== orders) return 'the gateway reports another auth order';
  return null;
}

/** The pass's facts to keep: everything but what is fresher from the gateway (and no account labels). */
export function routeEntry(status: ModelsStatus, stamp: string, at: number, orders?: string): RouteEntry {
  return {
    at,
    stamp,
    profiles: profileIds(status),
    ...(orders === undefined ? {} : { orders }),
    status: {
      defaultModel: status.defaultModel,
      resolvedDefault: status.resolvedDefault,
      fallbacks: status.fallbacks,
      imageModel: status.imageModel,
      imageFallbacks: status.imageFallbacks,
      utilityModel: status.utilityModel ? { ref: status.utilityModel.ref } : status.utilityModel,
      aliases: status.aliases,
      auth: {
        storePath: status.auth.storePath,
        missingProvidersInUse: status.auth.missingProvidersInUse,
        unusableProfiles: status.auth.unusableProfiles.map(({ profileId, provider, kind, reason, until, recoveryHint }) => ({
          profileId,
          provider,
          kind,
          reason,
          until,
          recoveryHint,
        })),
        runtimeAuthRoutes: status.auth.runtimeAuthRoutes.map(({ provider, runtime, status, authStatus, runtimeDetail, runtimePluginIds }) => ({
          provider,
          runtime,
          status,
          authStatus,
          runtimeDetail,
          runtimePluginIds,
        })),
        modelRouteIssues: status.auth.modelRouteIssues.map(({ kind, provider, model, message }) => ({ kind, provider, model, message })),
        oauth: {
          profiles: status.auth.oauth.profiles.map(({ profileId, provider, type, status }) => ({ profileId, provider, type, status })),
          providers: status.auth.oauth.providers?.map((p) => ({
            provider: p.provider,
            effectiveProfiles: p.effectiveProfiles?.map((e) => ({ profileId: e.profileId })),
          })),
        },
      },
    },
  };
}

const USABLE = new Set(['ok', 'expiring', 'static']);

/**
 * The gateway's profiles with the pass's route facts, in the CLI's shape. Where the two disagree
 * the gateway wins, since it is fresher and it is what serves requests: a cooldown that has ended
 * is dropped, and a provider the pass found without a credential is no longer missing once the
 * gateway has a usable profile for it (added since, or an API key in the gateway's environment).
 */
export function withRouteFacts(gateway: ModelsStatus, facts: ModelsStatus, now: number): ModelsStatus {
  const usableNow = new Set(gateway.auth.oauth.profiles.filter((p) => USABLE.has(p.status)).map((p) => p.provider));
  const usableThen = new Set(facts.auth.oauth.profiles.filter((p) => USABLE.has(p.status)).map((p) => p.provider));
  const gained = (provider: string) => usableNow.has(provider) && !usableThen.has(provider);
  const present = new Set(gateway.auth.oauth.profiles.map((p) => p.profileId));
  return {
    ...facts,
    auth: {
      storePath: facts.auth.storePath,
      missingProvidersInUse: facts.auth.missingProvidersInUse.filter((p) => !gained(p)),
      unusableProfiles: facts.auth.unusableProfiles.filter((u) => present.has(u.profileId) && (u.until === undefined || u.until > now)),
      runtimeAuthRoutes: facts.auth.runtimeAuthRoutes.filter((r) => !(r.authStatus === 'missing' && gained(r.provider))),
      modelRouteIssues: facts.auth.modelRouteIssues.filter((i) => !(i.kind === 'indeterminate' && gained(i.provider))),
      oauth: { profiles: gateway.auth.oauth.profiles, providers: facts.auth.oauth.providers },
    },
  };
}
