import { Cron } from 'croner';

/**
 * The shortest gap between consecutive runs of a cron schedule, over its next 200 runs: the period
 * for schedulers that only repeat at a fixed interval (Android's job scheduler, launchd's
 * StartInterval).
 */
export function shortestPeriodMs(schedule: string, from = new Date()): number {
  const runs = new Cron(schedule, { paused: true, timezone: 'UTC' }).nextRuns(200, from).map((d) => d.getTime());
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < runs.length; i++) shortest = Math.min(shortest, runs[i]! - runs[i - 1]!);
  return Number.isFinite(shortest) ? shortest : 86_400_000;
}
