/**
 * Text from outside (agent, provider and profile names, details, remedies) made safe for a
 * terminal or a notification: control characters would let it hide text (`ESC [8m`), retitle a
 * terminal (OSC), or rewrite what was printed before (CR); bidirectional overrides reorder what a
 * person reads. Each is shown escaped instead, so nothing is lost and nothing acts. JSON output
 * keeps the true value (JSON escapes it by itself).
 */
// C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidi embedding/override/isolate marks.
const UNSAFE_IN_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line: every control character escaped, newlines and tabs included. */
export function printable(text: string): string {
  return text.replace(UNSAFE_IN_LINES, escapeChar).replace(/[\n\t]/g, escapeChar);
}

/** Several lines: each line made printable, the newlines between them kept. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
