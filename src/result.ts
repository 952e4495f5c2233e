/**
 * The outcome of a step that may fail for a reason its caller reports or acts on: the value, or
 * why not. One shape for every such step, so a caller always asks `ok` and never `'key' in x`.
 */
export type Result<T, F> = { ok: true; value: T } | { ok: false; failure: F };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const failed = <F>(failure: F): { ok: false; failure: F } => ({ ok: false, failure });
