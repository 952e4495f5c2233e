/** What `watch` does on each signal. */
export interface SignalHandlers {
  /** SIGTERM, SIGINT. */
  stop(signal: 'SIGTERM' | 'SIGINT'): void;
  /** SIGHUP. */
  reload(): void;
  /** SIGUSR1. */
  checkNow(): void;
}

/** Routes the process's signals to `watch`; returns the function that stops listening. */
export function onSignals(handlers: SignalHandlers): () => void {
  const onTerm = () => handlers.stop('SIGTERM');
  const onInt = () => handlers.stop('SIGINT');
  const onHup = () => handlers.reload();
  const onUsr1 = () => handlers.checkNow();
  process.on('SIGTERM', onTerm).on('SIGINT', onInt).on('SIGHUP', onHup).on('SIGUSR1', onUsr1);
  return () => {
    process.off('SIGTERM', onTerm).off('SIGINT', onInt).off('SIGHUP', onHup).off('SIGUSR1', onUsr1);
  };
}

/**
 * Under `npx` or `npm exec`, watch is npm's grandchild (npm, then `sh -c`, then node), and npm does
 * not pass SIGTERM on: killing the npx process would leave watch running, orphaned. So under npm
 * exec (npm sets npm_command=exec) watch stops when its parent goes, as on SIGTERM. Anywhere else
 * a new parent (nohup, a shell that exited) is no reason to stop. Returns the function that stops
 * looking.
 */
export function stopWithNpmExec(env: Record<string, string | undefined>, stop: () => void, everyMs = 500): () => void {
  if (env.npm_command !== 'exec') return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, everyMs).unref();
  return () => clearInterval(timer);
}
