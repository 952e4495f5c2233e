import { basename, join } from 'node:path';
import { afterAll, expect, inject } from 'vitest';
import { OPENCLAW_START_BUDGETS, openclawStarts } from '../helpers/openclaw-starts.js';

// Runs in each test file of the openclaw project before its tests: names the file's start log
// (the helpers pass it on to every OpenClaw they start), and holds the file to its budget.
const file = basename(expect.getState().testPath ?? 'unknown');
process.env.AUTHWATCH_OPENCLAW_LOG = join(inject('openclawLogDir'), `${file}.log`);

afterAll(() => {
  const budget = OPENCLAW_START_BUDGETS[file];
  if (budget === undefined) throw new Error(`${file} has no OpenClaw start budget: add one to OPENCLAW_START_BUDGETS (test/helpers/openclaw-starts.ts)`);
  const starts = openclawStarts();
  expect(starts.length, `${file} started OpenClaw ${starts.length} times, over its budget of ${budget}`).toBeLessThanOrEqual(budget);
});
