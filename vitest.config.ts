import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __AUTHWATCH_VERSION__: JSON.stringify('0.0.0-test') },
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    globalSetup: ['test/global-setup.ts'],
    // End-to-end tests start the built CLI and the real OpenClaw (1-3 s per run).
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // test/unit/http.test.ts collects garbage on purpose, as V8's idle GC does in production.
    execArgv: ['--expose-gc'],
  },
});
