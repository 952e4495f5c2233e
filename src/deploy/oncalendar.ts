import type { CronFields } from './cron.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Values as a systemd list: `*` when all, runs of three or more as `a..b`. */
function list(values: number[], min: number, max: number, format: (n: number) => string = (n) => String(n).padStart(2, '0')): string {
  if (values.length === max - min + 1) return '*';
  const out: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    if (j - i >= 2) out.push(`${format(values[i]!)}..${format(values[j]!)}`);
    else for (let k = i; k <= j; k++) out.push(format(values[k]!));
    i = j + 1;
  }
  return out.join(',');
}

/**
 * Converts cron fields to systemd OnCalendar= expressions, exactly. Cron runs when the day of the
 * month OR the day of the week matches (if both are restricted); OnCalendar requires both, so that
 * case becomes two expressions, one per day field, and the timer fires on their union.
 */
export function toOnCalendar(fields: CronFields, timezone?: string): string[] {
  const time = `${list(fields.hour, 0, 23)}:${list(fields.minute, 0, 59)}:${list(fields.second, 0, 59)}`;
  const month = list(fields.month, 1, 12);
  const zone = timezone ? ` ${timezone}` : '';
  // All seven days (`0-6`) is no restriction: systemd has no `*` weekday prefix.
  const weekdays = fields.dayOfWeek && fields.dayOfWeek.length < 7 ? `${list(fields.dayOfWeek, 0, 6, (d) => WEEKDAYS[d]!)} ` : '';
  const days = fields.dayOfMonth ? list(fields.dayOfMonth, 1, 31) : '*';
  if (fields.dayOfMonth && fields.dayOfWeek) {
    return [`${weekdays}*-${month}-* ${time}${zone}`, `*-${month}-${days} ${time}${zone}`];
  }
  return [`${weekdays}*-${month}-${days} ${time}${zone}`];
}
