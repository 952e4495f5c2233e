/** `22:00`–`07:00` in a time zone; the window may wrap past midnight. */
export interface QuietHours {
  from: string;
  to: string;
  timezone?: string;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Whether `now` falls inside the quiet window, read on the wall clock of the window's time zone. */
export function inQuietHours(quiet: QuietHours | undefined, now: number): boolean {
  if (!quiet) return false;
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: quiet.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const t = get('hour') * 60 + get('minute');
  const from = minutes(quiet.from);
  const to = minutes(quiet.to);
  if (from === to) return false;
  return from < to ? t >= from && t < to : t >= from || t < to;
}
