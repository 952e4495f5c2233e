import * as z from 'zod/mini';
import { parseDuration } from './duration.js';

/** A human duration string (`90m`, `2h`, `7d`) parsed to milliseconds. A bare number (`warn: 24`) is refused with what to write instead. */
export const durationSchema = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((text: string | number, ctx) => {
    if (typeof text === 'number') {
      ctx.issues.push({ code: 'custom', input: text, message: `${text} has no unit: add one, e.g. ${text}h, ${text}m or ${text}d` });
      return z.NEVER;
    }
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      ctx.issues.push({ code: 'custom', input: text, message: `invalid duration "${text}" (use e.g. 90m, 2h, 7d)` });
      return z.NEVER;
    }
    return ms;
  }),
);
