import type { LogLevel } from '../../log-levels.js';
import { createLogger } from '../../log.js';
import { UsageError } from '../../errors.js';
import { parseListen } from '../../web/listen.js';
import { runWatch } from '../../scheduler/watch.js';
import type { Io } from '../io.js';
import { loadRuntime, logLevelFor } from '../runtime.js';

export interface WatchCommandOptions {
  config?: string;
  agent: string[];
  logLevel?: LogLevel;
  notify?: boolean;
  metricsListen?: string;
  listen?: string;
  metricsTextfile?: string;
}

/** `authwatch watch`: the long-running mode; resolves with 0 after SIGTERM/SIGINT. */
export async function watchCommand(options: WatchCommandOptions, io: Io): Promise<number> {
  if (options.listen !== undefined && options.metricsListen !== undefined)
    throw new UsageError('watch: give --listen or --metrics-listen, not both (they are one server)');
  const [flag, address] = options.listen !== undefined ? ['--listen', options.listen] : ['--metrics-listen', options.metricsListen];
  const listen = address === undefined ? undefined : { ...parseListen(address, flag), flag };
  const load = () => loadRuntime(options.config, io.env, options.notify !== false, { schedule: true, servesPage: listen !== undefined });
  // The first load fails loudly (exit 78); later ones (SIGHUP) keep the old config instead.
  const first = await load();
  const log = createLogger(logLevelFor(options.logLevel, io.env, first.config, 'info'), (line) => io.stderr.write(line));
  let initial: typeof first | undefined = first;
  try {
    return await runWatch({
      load: async () => {
        const runtime = initial ?? (await load());
        initial = undefined;
        return runtime;
      },
      agents: options.agent,
      ...(listen ? { listen } : {}),
      metricsTextfile: options.metricsTextfile,
      heartbeat: options.notify !== false,
      env: io.env,
      log,
      now: io.now,
    });
  } finally {
    await log.flush();
  }
}
