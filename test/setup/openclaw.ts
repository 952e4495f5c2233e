import type { TestProject } from 'vitest/node';
// @ts-expect-error: a plain .mjs script shared with the bench, without type declarations
import { ensureOpenclaw } from '../../scripts/ensure-openclaw.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a wrapper script that runs the real OpenClaw CLI under Node 24. */
    openclawBin: string;
  }
}

/** Only the `openclaw` project installs the real OpenClaw CLI (~30 s and ~830 MB the first time). */
export default function setup(project: TestProject) {
  const { wrapper } = ensureOpenclaw() as { wrapper: string };
  project.provide('openclawBin', wrapper);
}
