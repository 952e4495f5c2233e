const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/**
 * Parses a human duration such as `90m`, `2h`, `7d` or `1h30m` into milliseconds.
 * Returns undefined for anything else, including a bare number: a unit is required so that
 * `warn: 24` can never silently mean 24 ms.
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex;
    const match = PART.exec(s);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/**
 * Formats a duration for people: the two largest units, e.g. `2h 14m`, `3d 4h`, `45s`.
 * Negative durations are formatted by magnitude; callers say "ago" themselves.
 */
export function formatDuration(ms: number): string {
  let rest = Math.floor(Math.abs(ms) / 1000);
  if (rest < 60) return `${rest}s`;
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  for (const [name, size] of units) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${name}`);
  }
  // "2h 0m" reads worse than "2h".
  return parts.filter((p, i) => i === 0 || !/^0\D/.test(p)).join(' ');
}
