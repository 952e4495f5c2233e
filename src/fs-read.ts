import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Reading files that someone else may have put there: the config, state, `file:` secrets,
 * Claude Code's login. Only regular files are read, and only up to a size cap. A FIFO, a device
 * or a directory at the path is an error, never a hang: the file is opened non-blocking (a FIFO
 * with no writer would block a plain open forever) and checked through its handle, so swapping
 * the path between a check and the read changes nothing.
 */
export class UnreadableFileError extends Error {
  constructor(
    readonly code: 'ENOTREG' | 'EFBIG',
    readonly path: string,
    /** What is wrong, without the path: `not a regular file`, `larger than 1 MiB`. */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'UnreadableFileError';
  }
}

const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

function check(path: string, stats: { isFile(): boolean; size: number }, maxBytes: number): void {
  if (!stats.isFile()) throw new UnreadableFileError('ENOTREG', path, 'not a regular file');
  if (stats.size > maxBytes) throw tooLarge(path, maxBytes);
}

/** The file's text; throws ErrnoException (ENOENT, EACCES, …) or UnreadableFileError. */
export async function readRegularFile(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, FLAGS);
  try {
    check(path, await handle.stat(), maxBytes);
    return checkedText(path, await handle.readFile(), maxBytes);
  } finally {
    await handle.close();
  }
}

/** readRegularFile, synchronously (for `file:` secrets, resolved while the config is built). */
export function readRegularFileSync(path: string, maxBytes: number): string {
  const fd = openSync(path, FLAGS);
  try {
    check(path, fstatSync(fd), maxBytes);
    return checkedText(path, readFileSync(fd), maxBytes);
  } finally {
    closeSync(fd);
  }
}

/** A file that grew past the cap between fstat and the read is refused all the same. */
function checkedText(path: string, data: Buffer, maxBytes: number): string {
  if (data.length > maxBytes) throw tooLarge(path, maxBytes);
  return data.toString('utf8');
}

function tooLarge(path: string, maxBytes: number): UnreadableFileError {
  return new UnreadableFileError('EFBIG', path, `larger than ${formatBytes(maxBytes)}`);
}

/** The short reason a read failed, for one-line messages: `ENOENT`, `not a regular file`, … */
export function readFailure(error: unknown): string {
  if (error instanceof UnreadableFileError) return error.reason;
  return (error as NodeJS.ErrnoException).code ?? 'error';
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`;
}
