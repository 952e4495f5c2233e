import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
// @ts-expect-error: a plain .mjs script shared with the bench, without type declarations
import { ensureOpenclaw } from '../scripts/ensure-openclaw.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a wrapper script that runs the real OpenClaw CLI under Node 24. */
    openclawBin: string;
  }
}

export default function setup(project: TestProject) {
  if (!existsSync(new URL('../dist/cli.js', import.meta.url))) {
    throw new Error('dist/cli.js is missing: run the tests with `npm test`, which builds first');
  }
  const { wrapper } = ensureOpenclaw() as { wrapper: string };
  project.provide('openclawBin', wrapper);
}
