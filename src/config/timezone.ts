/** Whether `zone` is an IANA time zone this Node knows (Europe/Berlin, UTC); `Mars/Olympus_Mons` is not. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const TIME_ZONE_HINT = 'unknown time zone (use an IANA name such as Europe/Berlin)';
