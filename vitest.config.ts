import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Every temporary directory the tests make, theirs and their children's (os.tmpdir() reads TMPDIR),
// lands in one directory per run, removed when the run ends: a CI machine's disk is not ours to fill.
// vitest evaluates this file more than once (workers inherit the environment): only the first
// evaluation makes the directory and removes it at exit. Sticky and world-writable, as /tmp is:
// some tests run a second local user that works in it.
if (!process.env.AUTHWATCH_TEST_TMP) {
  const runTmp = mkdtempSync(join(tmpdir(), 'aw-run-'));
  chmodSync(runTmp, 0o1777);
  process.env.AUTHWATCH_TEST_TMP = runTmp;
  process.env.TMPDIR = runTmp;
  process.on('exit', () => {
    // A gateway still stopping may write into it meanwhile (ENOTEMPTY): retried, and never a failed run.
    try {
      rmSync(runTmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch (error) {
      process.stderr.write(`could not remove ${runTmp}: ${String(error)}\n`);
    }
  });
}

export default defineConfig({
  define: { __AUTHWATCH_VERSION__: JSON.stringify('0.0.0-test') },
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    pool: 'forks',
    // Test files at once, across the projects. vitest's default is one fewer than the cores: one file
    // at a time on 2 cores, where npm test took 8m49s; these files mostly wait on the processes they
    // start. Measured on 2 cores: 2 workers 6m58s, 3 workers 6m10s-6m31s (docs/development.md).
    maxWorkers: 3,
    // test/unit/http.test.ts collects garbage on purpose, as V8's idle GC does in production.
    execArgv: ['--expose-gc'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        // Each test starts the built CLI, often several times, and some wait for real servers.
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/setup/dist.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
      // The real OpenClaw: its states are built once per run, two at a time, while the other tests run
      // (test/setup/openclaw-states.ts), and every start is counted against a budget per file
      // (test/helpers/openclaw-starts.ts). An OpenClaw run takes ~300 MB and a core for 1-7 s.
      {
        extends: true,
        test: {
          name: 'openclaw',
          include: ['test/openclaw/**/*.test.ts'],
          globalSetup: ['test/setup/dist.ts', 'test/setup/openclaw.ts', 'test/setup/openclaw-states.ts'],
          setupFiles: ['test/setup/openclaw-starts.ts'],
          // Concurrent tests (parity's rows) two at a time.
          maxConcurrency: 2,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
