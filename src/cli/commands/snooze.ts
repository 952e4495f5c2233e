import { formatDuration, parseDuration } from '../../config/duration.js';
import { stateDir } from '../../config/paths.js';
import { UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { createLogger } from '../../log.js';
import type { HistoryEvent } from '../../monitor/history.js';
import { globMatches } from '../../monitor/match.js';
import { loadState, statePath, type State } from '../../monitor/state.js';
import { changeState, withSnooze } from '../../monitor/state-change.js';
import { printable } from '../../text.js';
import type { Io } from '../io.js';
import { localTime } from '../../local-time.js';

/** A snooze longer than this is a mistake (or a way to mute for good: remove the notifier instead). */
const MAX_SNOOZE_MS = 90 * 86_400_000;

/** The state changed under its lock, warnings to stderr. */
function withState<T>(io: Io, change: (state: State, now: number) => { state: State; event: HistoryEvent; result: T }): Promise<T> {
  const warn = (w: string) => io.stderr.write(`authwatch: warning: ${w}\n`);
  return changeState({ env: io.env, log: createLogger('warn', (line) => io.stderr.write(line)), warn, now: io.now }, change);
}

/** The credentials seen so far that a pattern covers. */
function covered(state: State, pattern: string): string[] {
  return Object.keys(state.credentials).filter((id) => globMatches(pattern, id));
}

/** `authwatch snooze <id or glob> --for 4h [--reason …]`: no firing or reminder for it until then. */
export async function snoozeCommand(pattern: string, options: { for?: string; reason?: string }, io: Io): Promise<number> {
  if (!options.for) throw new UsageError('snooze: say for how long with --for (e.g. --for 4h)');
  const ms = parseDuration(options.for);
  if (ms === undefined || ms <= 0) throw new UsageError(`snooze: --for "${printable(options.for)}" is not a duration (use e.g. 90m, 4h, 2d)`);
  if (ms > MAX_SNOOZE_MS) throw new UsageError(`snooze: --for ${formatDuration(ms)} is longer than 90d (remove the notifier or the credential instead)`);
  if (pattern.trim() === '' || printable(pattern) !== pattern) throw new UsageError('snooze: give a credential id or a glob such as "openclaw:lab:*"');
  // Said once saved: a snooze that could not be saved is an error (73), not a promise.
  const { until, ids } = await withState(io, (state, now) => ({
    ...withSnooze(state, pattern, { until: now + ms, reason: options.reason, at: now }),
    result: { until: now + ms, ids: covered(state, pattern) },
  }));
  io.stdout.write(`Snoozed ${printable(pattern)} until ${localTime(until)} (${formatDuration(ms)})${options.reason ? `: ${printable(options.reason)}` : ''}\n`);
  io.stdout.write(
    ids.length
      ? `It covers ${ids.length} credential${ids.length === 1 ? '' : 's'} seen so far: ${ids.map(printable).join(', ')}\n`
      : 'It covers no credential seen so far; it will hold any that appears.\n',
  );
  io.stdout.write('No firing or reminder goes out for it until then; a recovery is still sent, and ends the snooze.\n');
  return ExitCode.Ok;
}

/** `authwatch snooze --list`: the snoozes in force. */
export async function listSnoozes(io: Io): Promise<number> {
  const path = statePath(stateDir(io.env));
  const now = io.now();
  const { state } = await loadState(path, now);
  const live = Object.entries(state.snoozes).filter(([, s]) => s.until > now);
  if (live.length === 0) {
    io.stdout.write('No snoozes.\n');
    return ExitCode.Ok;
  }
  for (const [pattern, s] of live.sort((a, b) => a[1].until - b[1].until)) {
    const ids = covered(state, pattern);
    io.stdout.write(
      `${printable(pattern)}  until ${localTime(s.until)} (${formatDuration(s.until - now)} left)${s.reason ? `  ${printable(s.reason)}` : ''}  covers ${ids.length}\n`,
    );
  }
  return ExitCode.Ok;
}

/** `authwatch unsnooze <id or glob>`: ends a snooze now, as it was given. */
export async function unsnoozeCommand(pattern: string, io: Io): Promise<number> {
  await withState(io, (state, now) => {
    if (!(pattern in state.snoozes)) {
      const holding = Object.keys(state.snoozes).filter((p) => state.snoozes[p]!.until > now && globMatches(p, pattern));
      throw new UsageError(
        holding.length
          ? `unsnooze: no snooze is named ${printable(pattern)}; it is held by ${holding.map((p) => `"${printable(p)}"`).join(', ')} (unsnooze that)`
          : `unsnooze: no snooze is named ${printable(pattern)} (see authwatch snooze --list)`,
      );
    }
    const { [pattern]: _gone, ...rest } = state.snoozes;
    return { state: { ...state, snoozes: rest }, event: { at: now, kind: 'unsnoozed' as const, id: pattern, reason: 'by hand' }, result: undefined };
  });
  io.stdout.write(`Unsnoozed ${printable(pattern)}: the next check alerts on it as usual.\n`);
  return ExitCode.Ok;
}
