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
