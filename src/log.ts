import { pino, type Logger } from 'pino';

export type { Logger };

import type { LogLevel } from './log-levels.js';

export type { LogLevel };

/**
 * JSON lines to stderr (journald collects them under a timer), written synchronously so a
 * one-shot run never loses its last lines, and no transports (they start worker threads).
 * Field-path redaction is a second line of defence: messages never carry secrets to begin with.
 */
export function createLogger(level: LogLevel, write: (line: string) => void): Logger {
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
