/** A word for ExecStart= (systemd.service "Command lines"): double-quoted, with `\`, `"`, `$` and `%` escaped. */
export function systemdWord(word: string): string {
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '$$$$').replace(/%/g, '%%')}"`;
}

/** A value for Environment=: the whole assignment double-quoted, `\` and `"` escaped, `%` doubled (specifiers). */
export function systemdAssignment(name: string, value: string): string {
  return `"${`${name}=${value}`.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}

/** A path in a unit setting that takes a bare path: only specifiers (`%`) need escaping. */
export function systemdPath(path: string): string {
  return path.replace(/%/g, '%%');
}

/** Text for XML character data or attribute values. */
export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
