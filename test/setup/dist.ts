import { existsSync } from 'node:fs';

/** The e2e and openclaw projects run the built CLI: fail at once, with the fix, when it is missing. */
export default function setup() {
  if (!existsSync(new URL('../../dist/cli.js', import.meta.url))) {
    throw new Error('dist/cli.js is missing: run the tests with `npm test`, which builds first');
  }
}
