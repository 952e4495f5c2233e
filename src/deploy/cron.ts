import { Cron } from 'croner';
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
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

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
 * lists; @daily and friends). croner validates it first; croner's extensions with no systemd,
 * launchd or Android equivalent (L, W, #) are refused.
 */
export function parseCron(expression: string): CronFields {
  const text = NICKNAMES[expression.trim().toLowerCase()] ?? expression.trim();
  try {
    new Cron(text, { paused: true }).stop();
  } catch {
    throw new ScheduleError(expression, 'not a valid cron expression');
  }
  if (/[LW#]/i.test(text.replace(/[A-Za-z]{3}/g, (name) => (MONTHS.includes(name.toUpperCase()) || DAYS.includes(name.toUpperCase()) ? '' : name)))) {
    throw new ScheduleError(
      expression,
      'L, W and # (last day, nearest weekday, nth weekday) have no equivalent in systemd, launchd or Android; use plain fields',
    );
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) throw new ScheduleError(expression, 'expected 5 or 6 fields');
  const [second, minute, hour, dom, month, dow] = parts.length === 6 ? parts : ['0', ...parts];
  const any = (field: string) => field === '*' || field === '?';
  return {
    second: expand(second!, 0, 59),
    minute: expand(minute!, 0, 59),
    hour: expand(hour!, 0, 23),
    dayOfMonth: any(dom!) ? null : expand(dom!, 1, 31),
    month: expand(month!, 1, 12, MONTHS, 1),
    dayOfWeek: any(dow!) ? null : [...new Set(expand(dow!, 0, 7, DAYS, 0).map((d) => d % 7))].sort((a, b) => a - b),
  };
}

/** One field to its sorted values: lists of `*`, `a`, `a-b`, each optionally `/step`. */
function expand(field: string, min: number, max: number, names: string[] = [], nameBase = 0): number[] {
  const value = (token: string) => {
    const index = names.indexOf(token.toUpperCase());
    return index >= 0 ? index + nameBase : Number(token);
  };
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let from = min;
    let to = max;
    if (range !== '*' && range !== '?') {
      const [a, b] = range!.split('-');
      from = value(a!);
      // A single value; croner has already refused a step after one (`5/15`: write `5-59/15`).
      to = b !== undefined ? value(b) : from;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}
