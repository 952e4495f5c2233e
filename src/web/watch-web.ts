import type { Server } from 'node:http';
import { stateDir } from '../config/paths.js';
import type { Logger } from '../log.js';
import { historyPath, readHistory } from '../monitor/history.js';
import type { CheckReport } from '../monitor/report.js';
import { changeState, withSnooze } from '../monitor/state-change.js';
import type { WatchRuntime } from '../scheduler/watch.js';
import { renderPage } from './page.js';
import { isLoopbackHost, startWebServer } from './server.js';
import { snoozableAlone } from '../monitor/snooze.js';
import { GRANT_LIFETIME_MS, signGrant, snoozeKey } from './snooze-link.js';

const WEEK = 7 * 86_400_000;
/** What the page's Snooze button asks for. */
const PAGE_SNOOZE_MS = 4 * 3_600_000;

export interface WatchWebDeps {
  runtime: () => WatchRuntime;
  report: () => CheckReport | undefined;
  metrics: () => string | undefined;
  /** Asks watch for a check (after a snooze, so the page shows it). */
  checkSoon: (reason: string) => void;
  env: Record<string, string | undefined>;
  log: Logger;
  now: () => number;
}

/** Starts watch's HTTP server with the status page, and says at start-up who may see it. */
export async function startWeb(listen: { host: string; port: number; flag: string }, deps: WatchWebDeps): Promise<Server> {
  const { env, log, now } = deps;
  const access = deps.runtime().webAccess ?? {};
  let key: Buffer | undefined;
  const keyOnce = () => (key ??= snoozeKey(env));
  const server = await startWebServer(listen, {
    access,
    onError: (error) => log.warn({ code: error.code }, 'web server error'),
    handlers: {
      metrics: deps.metrics,
      report: deps.report,
      now,
      snoozeKey: keyOnce,
      page: async () => {
        const report = deps.report();
        if (!report) return undefined;
        const at = now();
        const { events } = await readHistory(historyPath(stateDir(env)), { since: at - WEEK });
        return renderPage({
          report,
          config: deps.runtime().config,
          history: events,
          now: at,
          snoozeFields: (c) =>
            c.status === 'ok' || c.status === 'static' || c.snoozed || !snoozableAlone(c.id)
              ? undefined
              : signGrant(keyOnce(), { id: c.id, forMs: PAGE_SNOOZE_MS, exp: at + GRANT_LIFETIME_MS }),
        });
      },
      snooze: async (grant, from) => {
        await changeState({ env, log, warn: (w) => log.warn({}, w), now }, (state, at) => ({
          ...withSnooze(state, grant.id, { until: at + grant.forMs, reason: from, at }),
          result: undefined,
        }));
        log.info({ snooze: grant.id, forMs: grant.forMs, from }, 'snoozed');
        deps.checkSoon('snoozed');
      },
    },
  });
  const address = server.address();
  const where = address && typeof address === 'object' ? { host: address.address, port: address.port } : {};
  const guarded = access.token || access.basicAuth;
  const who = guarded
    ? `the status page needs ${[access.token ? 'web.token' : '', access.basicAuth ? 'web.basicAuth' : ''].filter(Boolean).join(' or ')}`
    : isLoopbackHost(listen.host)
      ? 'the status page answers on loopback only'
      : 'the status page is refused (403) on this address until web.token or web.basicAuth is set; /metrics and /healthz answer';
  log.info(where, `serving the status page (/), /api/status, /badge.svg, /metrics and /healthz; ${who}`);
  return server;
}
