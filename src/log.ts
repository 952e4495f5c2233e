import type { LogLevel } from './log-levels.js';

export type { LogLevel };

/** pino's numeric levels. */
const LEVEL_VALUES: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

type Method = Exclude<LogLevel, 'silent'>;
type LogFn = (fields: object, message: string) => void;

/** The logging surface the code uses; pino's, reduced to what we call. */
export type Logger = Record<Method, LogFn> & {
  /** Resolves once every line logged so far is written. Await before exiting. */
  flush(): Promise<void>;
};

/**
 * JSON lines to stderr (journald collects them under a timer) through pino with `redact`.
 * pino is loaded on the first line that passes the level, not at start: at the default level a
 * healthy run logs nothing, and loading pino costs ~10 ms of every `authwatch check` on a phone.
 * Lines logged while it loads are kept in order and written once it is there.
 */
export function createLogger(level: LogLevel, write: (line: string) => void): Logger {
  const threshold = LEVEL_VALUES[level];
  let real: Record<Method, LogFn> | undefined;
  let loading: Promise<void> | undefined;
  const pending: Array<[Method, object, string]> = [];

  const log = (method: Method) => (fields: object, message: string) => {
    if (LEVEL_VALUES[method] < threshold) return;
    if (real) return real[method](fields, message);
    pending.push([method, { ...fields, loggedAt: Date.now() }, message]);
    loading ??= import('./log-pino.js').then(({ createPino }) => {
      const pino = createPino(level, write);
      real = pino;
      for (const [m, f, msg] of pending.splice(0)) pino[m](f, msg);
    });
  };

  return {
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    fatal: log('fatal'),
    flush: async () => {
      await loading;
    },
  };
}
