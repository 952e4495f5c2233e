import { expandHome } from './paths.js';
import { holdSecret } from '../redact.js';
import { readFailure, readRegularFileSync } from '../fs-read.js';

/**
 * A value from the config that must never be printed: webhook secrets, tokens, URLs with keys in
 * them. Printing, logging or serialising it shows `<secret>`; only `reveal()` gives the value.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
    holdSecret(value);
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '<secret>';
  }
  toJSON(): string {
    return '<secret>';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '<secret>';
  }
}

/**
 * Resolves a config value that may be a literal, `env:NAME` or `file:PATH`. Throws a message that
 * names the variable or file (never the value) when it cannot be resolved.
 */
export function resolveSecret(spec: string, env: Record<string, string | undefined>): Secret {
  if (spec.startsWith('env:')) {
    const name = spec.slice(4);
    const value = env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return new Secret(value);
  }
  if (spec.startsWith('file:')) {
    const path = expandHome(spec.slice(5), env);
    try {
      // A secret is a line; a FIFO or a huge file at the path is a mistake, never a hang.
      return new Secret(readRegularFileSync(path, 64 * 1024).trim());
    } catch (error) {
      throw new Error(`cannot read ${path} (${readFailure(error)})`);
    }
  }
  return new Secret(spec);
}

/** resolveSecret, with the config key prefixed to any error: `secret: environment variable X is not set`. */
export function resolveSecretAt(key: string, spec: string, env: Record<string, string | undefined>): Secret {
  try {
    return resolveSecret(spec, env);
  } catch (error) {
    throw new Error(`${key}: ${(error as Error).message}`);
  }
}
