import { defineConfig } from 'vitest/config';

/**
 * Three projects, all run by `npm test`:
 *  - unit: pure logic, imported from src/;
 *  - e2e: the built CLI as a child process, against fakes and real local servers and tools;
 *  - openclaw: the built CLI against the real OpenClaw CLI, which only this project installs.
 * `npx vitest run --project unit` runs one of them.
 */
export default defineConfig({
  define: { __AUTHWATCH_VERSION__: JSON.stringify('0.0.0-test') },
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    pool: 'forks',
    // test/unit/http.test.ts collects garbage on purpose, as V8's idle GC does in production.
    execArgv: ['--expose-gc'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        // Each test starts the built CLI, often several times, and some wait for real servers.
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/setup/dist.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        // OpenClaw takes 1-3 s per command here, several seconds for paste-token; each run takes
        // ~300 MB and a core, so its files run one at a time (in parallel on 2 cores they starved
        // each other past their timeouts).
        test: {
          name: 'openclaw',
          fileParallelism: false,
          include: ['test/openclaw/**/*.test.ts'],
          globalSetup: ['test/setup/dist.ts', 'test/setup/openclaw.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
