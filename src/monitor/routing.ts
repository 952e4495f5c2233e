import type { Alert, AlertEvent } from '../notifiers/types.js';
import { type CredentialMatch, describeMatch, matchesCredential } from './match.js';
import type { Status } from './types.js';

/** Which alerts one notifier gets (its `minStatus`, `events` and `match`). */
export interface Route {
  minStatus: 'warn' | 'critical' | 'expired';
  events: readonly AlertEvent[];
  match?: CredentialMatch | undefined;
}

/** For routing, every status past critical (missing, unusable, a failing source) counts as `expired`. */
const ROUTE_LEVEL: Record<Status, number> = { ok: 0, static: 0, warn: 1, critical: 2, expired: 3, missing: 3, unusable: 3, error: 3 };

/**
 * Whether `alert` goes to a notifier with this route. A firing or reminder is judged by its
 * status, a resolution by the worst status of its episode: a channel that got "critical" hears
 * that it is over. No route means everything.
 */
export function routes(route: Route | undefined, alert: Alert): boolean {
  if (!route) return true;
  if (!route.events.includes(alert.event)) return false;
  const level = ROUTE_LEVEL[alert.event === 'resolved' ? alert.severity : alert.status];
  if (level < ROUTE_LEVEL[route.minStatus]) return false;
  return route.match === undefined || matchesCredential(route.match, alert.credential);
}

/** `warn, critical, expired; firing, reminder, resolved; provider=anthropic`, for `notify test`. */
export function describeRoute(route: Route | undefined): string {
  const minStatus = route?.minStatus ?? 'warn';
  const statuses = (['warn', 'critical', 'expired'] as const).filter((s) => ROUTE_LEVEL[s] >= ROUTE_LEVEL[minStatus]);
  const events = route?.events ?? ['firing', 'reminder', 'resolved'];
  return `${statuses.join(', ')} (expired includes missing, unusable and failing sources); ${events.join(', ')}; ${route?.match ? `only ${describeMatch(route.match)}` : 'every credential'}`;
}
