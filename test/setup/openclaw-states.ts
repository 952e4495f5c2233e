import { existsSync, mkdtempSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openclawAt } from '../helpers/openclaw.js';
import { stateBuilder } from '../helpers/openclaw-recipes.js';
import { STATES_LOG } from '../helpers/openclaw-starts.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the OpenClaw states of helpers/openclaw-recipes.ts are asked for, built and announced. */
    openclawStatesDir: string;
  }
}

/**
 * Builds the OpenClaw states of helpers/openclaw-recipes.ts in this (vitest's main) process, while
 * the tests run: each test asks for its state with a file (helpers/openclaw-states.ts) and waits
 * for the announcement. A full run also builds every state in advance, two at a time, those asked
 * for first; a run filtered by file or test name (`-t`) builds only what its tests ask for.
 */
export default function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), 'authwatch-openclaw-states-'));
  const log = join(process.env.AUTHWATCH_OPENCLAW_LOG_DIR!, STATES_LOG);
  // test/setup/openclaw.ts, before this one, installed OpenClaw and provided its wrapper.
  const { openclawBin } = project.getProvidedContext();
  const builder = stateBuilder(root, (home) => openclawAt(openclawBin, home, { AUTHWATCH_OPENCLAW_LOG: log }));
  const watcher = watch(root, (_, file) => {
    const name = file?.toString().match(/^(.+)\.wanted$/)?.[1];
    if (name && existsSync(join(root, file!.toString()))) builder.want(name).catch(() => {});
  });
  // vitest keeps the file filters of `vitest run <file>` in an internal field; without one, a change
  // there only means every state is built in advance again.
  const filesNamed = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  if (!project.vitest.config.testNamePattern && !filesNamed?.length) {
    const started = Date.now();
    void builder.all().then(() => process.stderr.write(`openclaw states: all built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`));
  }
  project.provide('openclawStatesDir', root);
  return async () => {
    watcher.close();
    await builder.settled();
    rmSync(root, { recursive: true, force: true });
  };
}
