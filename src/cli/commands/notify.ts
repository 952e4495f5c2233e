import { hostname } from 'node:os';
import { loadConfig } from '../../config/load.js';
import { ConfigError, UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { buildNotifiers } from '../../notifiers/registry.js';
import { deliverWithRetry } from '../../notifiers/retry.js';
import type { Alert } from '../../notifiers/types.js';
import { describeRoute } from '../../monitor/routing.js';
import type { Io } from '../io.js';

/** A harmless alert, marked as a test in every channel's title. */
export function testAlert(now: number): Alert {
  return {
    id: `evt_test_${now}`,
    streamId: 'authwatch:test',
    event: 'firing',
    status: 'warn',
    severity: 'warn',
    credential: { id: 'authwatch:test', source: 'authwatch', agent: null, provider: 'example', profileId: 'example:test', type: 'token' },
    expiresAt: now + 3 * 3_600_000,
    remainingMs: 3 * 3_600_000,
    detail: 'This is a test alert from `authwatch notify test`; nothing needs doing.',
    remedy: null,
    host: hostname(),
    checkedAt: now,
    test: true,
  };
}

/** `authwatch notify test`: one test alert through each notifier (or one), with the result of each. */
export async function notifyTest(options: { config?: string; notifier?: string }, io: Io): Promise<number> {
  const { config, path, searchedPath } = await loadConfig(options.config, io.env);
  if (config.notifiers.length === 0) {
    throw new ConfigError([`${path ?? searchedPath}: no notifiers configured (add them under notifiers:, see the README)`]);
  }
  let notifiers = buildNotifiers(config.notifiers, io.env, path ?? searchedPath);
  if (options.notifier) {
    notifiers = notifiers.filter((n) => n.name === options.notifier);
    if (notifiers.length === 0) {
      throw new UsageError(`no notifier named "${options.notifier}" (configured: ${config.notifiers.map((n) => n.name ?? n.type).join(', ')})`);
    }
  }
  const alert = testAlert(io.now());
  const deadline = Date.now() + config.delivery.deadline;
  const results = await Promise.all(
    notifiers.map((n) =>
      deliverWithRetry(n, alert, { attempts: config.delivery.attempts, backoffMs: config.delivery.backoff, timeoutMs: n.timeoutMs, deadline }),
    ),
  );
  results.forEach((result, i) => {
    const n = notifiers[i]!;
    io.stdout.write(
      result.ok ? `ok      ${n.type} "${n.name}"\n` : `failed  ${result.message} (after ${result.attempts} attempt${result.attempts === 1 ? '' : 's'})\n`,
    );
    // The test alert goes to every channel; real alerts only where each route lets them.
    io.stdout.write(`        receives: ${describeRoute(n.route)}\n`);
  });
  return results.every((r) => r.ok) ? ExitCode.Ok : ExitCode.Problem;
}
