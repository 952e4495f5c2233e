import { expect } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

/** The lines of the config error that `text` (as the file `file`) must give. */
export async function errorLines(text: string, file = '/etc/aw.yaml'): Promise<string[]> {
  try {
    await parseConfig(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).lines;
  }
  throw new Error('expected a config error');
}
