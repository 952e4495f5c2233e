import * as z from 'zod/mini';
import { parseDuration } from './duration.js';

/** A human duration string (`90m`, `2h`, `7d`) parsed to milliseconds. */
export const durationSchema = z.pipe(
  z.string(),
  z.transform((text: string, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      ctx.issues.push({ code: 'custom', input: text, message: `invalid duration "${text}" (use e.g. 90m, 2h, 7d)` });
      return z.NEVER;
    }
    return ms;
  }),
);
