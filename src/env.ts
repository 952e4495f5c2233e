/** A process environment as authwatch reads it: `process.env`, or the one a test or a timer passes. */
export type Env = Record<string, string | undefined>;
