import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error: a plain .mjs script shared with the bench, without type declarations
import { ensureOpenclaw } from '../../scripts/ensure-openclaw.mjs';
import { openclawAt } from '../helpers/openclaw.js';
import { buildStates } from '../helpers/openclaw-recipes.js';
import { STATES_LOG } from '../helpers/openclaw-starts.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the OpenClaw states of helpers/openclaw-recipes.ts are built and announced, once per run. */
    openclawStatesDir: string;
  }
}

const shared = globalThis as { authwatchOpenclawStates?: { root: string; done: Promise<void> } };

/**
 * Starts building the OpenClaw states once for both openclaw projects (they share this process),
 * after test/setup/openclaw.ts installed OpenClaw and named the start log directory. It does not
 * wait: the unit and e2e tests run meanwhile, and each test waits for its own state only
 * (helpers/openclaw-states.ts).
 */
export default function setup(project: TestProject) {
  if (!shared.authwatchOpenclawStates) {
    const root = mkdtempSync(join(tmpdir(), 'authwatch-openclaw-states-'));
    const log = join(process.env.AUTHWATCH_OPENCLAW_LOG_DIR!, STATES_LOG);
    const { wrapper } = ensureOpenclaw() as { wrapper: string };
    const started = Date.now();
    const done = buildStates(root, (home) => openclawAt(wrapper, home, { AUTHWATCH_OPENCLAW_LOG: log })).then(() =>
      process.stderr.write(`openclaw states: built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`),
    );
    shared.authwatchOpenclawStates = { root, done: done.then(() => undefined) };
  }
  const { root, done } = shared.authwatchOpenclawStates;
  project.provide('openclawStatesDir', root);
  return async () => {
    await done;
    rmSync(root, { recursive: true, force: true });
  };
}
