import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error: a plain .mjs script shared with the bench, without type declarations
import { ensureOpenclaw } from '../../scripts/ensure-openclaw.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a wrapper script that runs the real OpenClaw CLI under Node 24, counting its starts. */
    openclawBin: string;
    /** Node 24 (OpenClaw's own), to run what is version-sensitive (the gateway client) on it too. */
    node24: string;
    /** Where each test file's OpenClaw start log goes (test/setup/openclaw-starts.ts). */
    openclawLogDir: string;
  }
}

/** Only the `openclaw` project installs the real OpenClaw CLI (~30 s and ~830 MB the first time). */
export default function setup(project: TestProject) {
  const { wrapper, node } = ensureOpenclaw() as { wrapper: string; node: string };
  // A fresh directory per run, read by the summary reporter (this process) and the budget checks.
  process.env.AUTHWATCH_OPENCLAW_LOG_DIR = mkdtempSync(join(tmpdir(), 'authwatch-openclaw-starts-'));
  project.provide('openclawBin', wrapper);
  project.provide('node24', node);
  project.provide('openclawLogDir', process.env.AUTHWATCH_OPENCLAW_LOG_DIR);
}
