const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-25 14:03` in the local time zone (TZ), as `status` prints times. */
export function localTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * `2026-11-25 14:03 UTC+01:00`: the local time with its offset, for a message read elsewhere
 * (a phone in another zone than the server). `UTC` alone when the zone is UTC.
 */
export function localTimeWithZone(epochMs: number): string {
  const offset = utcOffset(epochMs);
  return `${localTime(epochMs)} ${offset === '+00:00' ? 'UTC' : `UTC${offset}`}`;
}

/** The local zone's offset from UTC at that moment: `+01:00`, `-05:30`. */
export function utcOffset(epochMs: number): string {
  const offset = -new Date(epochMs).getTimezoneOffset();
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}
