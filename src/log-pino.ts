import { pino } from 'pino';
import type { LogLevel } from './log-levels.js';

/**
 * The pino instance behind the logger: written synchronously so a one-shot run never loses its
 * last lines, and without transports (they start worker threads). Field-path redaction is a second
 * line of defence; messages never carry secrets to begin with.
 */
export function createPino(level: LogLevel, write: (line: string) => void) {
  return pino(
    {
      name: 'authwatch',
      level,
      base: undefined,
      redact: {
        paths: ['token', 'secret', 'password', 'authorization', '*.token', '*.secret', '*.password', '*.authorization', 'headers.*'],
        censor: '<secret>',
      },
    },
    { write },
  );
}
