/** A POSIX shell word: as is when plainly safe, else single-quoted with embedded quotes closed, escaped and reopened. */
export function shWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argv as a copy-pasteable command line. */
export function shCommand(argv: readonly string[]): string {
  return argv.map(shWord).join(' ');
}
