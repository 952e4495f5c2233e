/**
 * Parses a program's stdout as JSON. Tolerates banner lines before the document (some tools print
 * notices on stdout), and never echoes the text back: Node's JSON.parse errors quote the input,
 * which may be a token.
 */
export function parseJsonOutput(stdout: string): { ok: true; value: unknown } | { ok: false } {
  const attempt = (text: string) => {
    try {
      return { ok: true as const, value: JSON.parse(text) as unknown };
    } catch {
      return undefined;
    }
  };
  const whole = attempt(stdout);
  if (whole) return whole;
  const start = stdout.search(/^[[{]/m);
  if (start > 0) return attempt(stdout.slice(start)) ?? { ok: false };
  return { ok: false };
}
