import { CronPattern } from 'croner';
import { UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

/** A cron expression expanded into the values each field allows. */
export interface CronFields {
  second: number[];
  minute: number[];
  hour: number[];
  /** Days of the month, or null for `*` (any). */
  dayOfMonth: number[] | null;
  month: number[];
  /** Days of the week, 0 = Sunday, or null for `*` (any). */
  dayOfWeek: number[] | null;
}

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export class ScheduleError extends UserError {
  /** What is wrong, with the expression, for a config error: `"0 0 L * *": L, W and # …`. */
  readonly why: string;
  constructor(expression: string, reason: string) {
    super(`schedule "${expression}": ${reason}`, ExitCode.Usage);
    this.why = `"${expression}": ${reason}`;
  }
}

/**
 * Parses standard cron (5 fields, or 6 with seconds first; numbers, names, `*`, ranges, steps,
 * lists; @daily and friends) with croner's own parser. croner's extensions with no systemd,
 * launchd or Android equivalent (L, W, #, a year field) are refused.
 */
export function parseCron(expression: string): CronFields {
  const text = NICKNAMES[expression.trim().toLowerCase()] ?? expression.trim();
  let pattern: CronPattern;
  try {
    pattern = new CronPattern(text);
  } catch {
    throw new ScheduleError(expression, 'not a valid cron expression');
  }
  // croner marks every weekday of a plain field with all its nth-week bits (63); L and # set others.
  if (pattern.lastDayOfMonth || pattern.lastWeekday || pattern.nearestWeekdays.some(Boolean) || pattern.dayOfWeek.some((v) => v !== 0 && v !== ALL_WEEKS)) {
    throw new ScheduleError(
      expression,
      'L, W and # (last day, nearest weekday, nth weekday) have no equivalent in systemd, launchd or Android; use plain fields',
    );
  }
  const fields = text.split(/\s+/).length;
  if (fields !== 5 && fields !== 6) throw new ScheduleError(expression, 'expected 5 or 6 fields');
  const on = (flags: number[], first = 0) => flags.flatMap((flag, i) => (flag ? [i + first] : []));
  return {
    second: on(pattern.second),
    minute: on(pattern.minute),
    hour: on(pattern.hour),
    dayOfMonth: pattern.starDOM ? null : on(pattern.day, 1),
    month: on(pattern.month, 1),
    dayOfWeek: pattern.starDOW ? null : [...new Set(on(pattern.dayOfWeek).map((d) => d % 7))].sort((a, b) => a - b),
  };
}

/** croner's value for a weekday a plain day-of-week field allows: every nth week of the month. */
const ALL_WEEKS = 0b111111;
