import { stateDir } from '../config/paths.js';
import { UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { Logger } from '../log.js';
import { appendHistory, type HistoryEvent, historyPath } from './history.js';
import { withStateLock } from './lock.js';
import { loadState, saveState, statePath, type State } from './state.js';

/**
 * Changes the state outside a check (a snooze set by hand, from a notification or from watch's
 * page): under the state lock, so no check's save undoes it; saved atomically; with its event in
 * the history. A state that cannot be saved is an error (exit 73): nothing was changed.
 */
export async function changeState<T>(
  { env, log, warn, now }: { env: Record<string, string | undefined>; log: Logger; warn: (warning: string) => void; now: () => number },
  change: (state: State, at: number) => { state: State; event: HistoryEvent; result: T },
): Promise<T> {
  const path = statePath(stateDir(env));
  return withStateLock(path, { log, warn }, async () => {
    const at = now();
    const loaded = await loadState(path, at);
    for (const warning of loaded.warnings) warn(warning);
    const next = change(loaded.state, at);
    const failed = await saveState(path, next.state);
    if (failed) throw new UserError(failed, ExitCode.CantCreate);
    const warning = await appendHistory(historyPath(stateDir(env)), [next.event], at);
    if (warning) warn(warning);
    return next.result;
  });
}

/** The state with one more snooze (or a longer one for the same id or glob), and its history event. */
export function withSnooze(state: State, pattern: string, { until, reason, at }: { until: number; reason?: string | undefined; at: number }) {
  const why = reason ? { reason } : {};
  return {
    state: { ...state, snoozes: { ...state.snoozes, [pattern]: { until, at, ...why } } },
    event: { at, kind: 'snoozed' as const, id: pattern, until, ...why },
  };
}
