import type { Env } from '../../../env.js';
import type { Logger } from '../../../log.js';
import type { SourceSession } from '../source.js';

/** What one gateway's read carries through its steps. */
export type ReadContext = {
  env: Env;
  log: Logger;
  session?: SourceSession | undefined;
  /** When this gateway's read must be over (epoch ms): its `timeout` bounds the whole of it, fallback and every agent included. */
  until: number;
};

/** What is left of a read's time, never less than 1 ms (a timer of 0 would mean none). */
export const left = (ctx: Pick<ReadContext, 'until'>) => Math.max(1, ctx.until - Date.now());
