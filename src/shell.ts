import { printable } from './text.js';

/** Words that every shell takes as they are: no glob, expansion or history character, and no `=` or `~` first (zsh, tilde). */
const BARE = /^[A-Za-z0-9_./@%+,:-][A-Za-z0-9_./:=@%+,-]*$/;

/**
 * One word, quoted so that sh, bash, zsh, fish and (t)csh all read it back as exactly that word:
 * runs of ordinary characters inside single quotes, and the three characters that single quotes
 * do not protect everywhere (`'` anywhere, `\` in fish, `!` in csh) backslash-escaped between
 * them. A remedy is pasted into whatever shell the person uses, and a command sent over ssh is
 * read by the remote user's login shell, which need not be POSIX.
 */
export function shWord(word: string): string {
  if (BARE.test(word)) return word;
  let out = '';
  let run = '';
  for (const c of word) {
    if (c === "'" || c === '\\' || c === '!') {
      if (run) out += `'${run}'`;
      run = '';
      out += `\\${c}`;
    } else run += c;
  }
  if (run || !out) out += `'${run}'`;
  return out;
}

/** An argv as one command line to paste or to hand a (remote) shell. */
export function shCommand(argv: readonly string[]): string {
  return argv.map(shWord).join(' ');
}

/**
 * Whether a word survives a paste: what `printable` would escape (a newline, an escape, a bidi
 * override) cannot be shown as it is, so the command shown would not be the one meant.
 */
export function pastable(word: string): boolean {
  return printable(word) === word;
}
