import { execFileSync } from 'node:child_process';
import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { parseCron } from '../../src/deploy/cron.js';
import { toOnCalendar } from '../../src/deploy/oncalendar.js';
import { CRON_TABLE as TABLE } from '../helpers/cron-table.js';
import { itWithTool } from '../helpers/tools.js';

const itSystemd = itWithTool('systemd-analyze', 'systemd');

// A fixed reference instant, off any minute boundary, so both sides count from the same moment.
const BASE = Date.UTC(2026, 10, 25, 13, 37, 21, 500);

/** The next `n` elapses of OnCalendar expressions (their union), by the real systemd-analyze. */
function systemdNext(expressions: string[], n: number): string[] {
  const out = execFileSync('systemd-analyze', ['calendar', `--base-time=@${Math.floor(BASE / 1000)}`, `--iterations=${n}`, ...expressions], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', SYSTEMD_COLORS: '0' },
  });
  const times = [...out.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g)].map((m) => `${m[1]!.replace(' ', 'T')}Z`);
  return [...new Set(times)].sort().slice(0, n);
}

function cronerNext(expression: string, n: number): string[] {
  return new Cron(expression, { timezone: 'UTC', paused: true }).nextRuns(n, new Date(BASE)).map((d) => d.toISOString().replace('.000Z', 'Z'));
}

describe('cron → OnCalendar, checked against the real systemd-analyze and croner', () => {
  itSystemd.each(TABLE)('%s: the next 20 elapses match', (expression) => {
    const onCalendar = toOnCalendar(parseCron(expression), 'UTC');
    expect(systemdNext(onCalendar, 20)).toEqual(cronerNext(expression, 20));
  });

  it('day of month OR day of week (cron) becomes two OnCalendar lines', () => {
    expect(toOnCalendar(parseCron('0 0 13 * 5'))).toEqual(['Fri *-*-* 00:00:00', '*-*-13 00:00:00']);
  });

  it('writes compact, readable expressions', () => {
    expect(toOnCalendar(parseCron('*/15 * * * *'))).toEqual(['*-*-* *:00,15,30,45:00']);
    expect(toOnCalendar(parseCron('*/5 9-17 * * MON-FRI'), 'Europe/Berlin')).toEqual([
      'Mon..Fri *-*-* 09..17:00,05,10,15,20,25,30,35,40,45,50,55:00 Europe/Berlin',
    ]);
  });

  it.each([
    ['45 23 L * *', 'L, W and # (last day, nearest weekday, nth weekday) have no equivalent'],
    ['0 0 * * 5#2', 'L, W and # (last day, nearest weekday, nth weekday) have no equivalent'],
    ['0 0 15W * *', 'L, W and # (last day, nearest weekday, nth weekday) have no equivalent'],
    ['every day', 'not a valid cron expression'],
    ['61 * * * *', 'not a valid cron expression'],
    // croner refuses a step with a numeric start; write 5-59/20.
    ['5/20 * * * *', 'not a valid cron expression'],
  ])('refuses %j with a clear message', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(`schedule "${expression}": ${message}`);
  });
});
