import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { OPENCLAW_START_BUDGETS } from './openclaw-starts.js';

/**
 * Prints, after vitest's own summary, the OpenClaw starts of each test file against its budget,
 * then one plain closing line, `tests: N passed, N failed, N skipped`, so that tools that read a
 * runner's last lines (CI among them) see the counts in a standard form.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      // A file that failed to load has no tests to count, but it is a failure all the same.
      if (module.state() === 'failed' && module.children.size === 0) counts.failed++;
    }
    process.stdout.write(`${openclawStartsTable()}\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}

/** `openclaw starts` per file (the wrapper's logs, see helpers/openclaw-starts.ts), or nothing when none ran. */
function openclawStartsTable(): string {
  const dir = process.env.AUTHWATCH_OPENCLAW_LOG_DIR;
  if (!dir) return '';
  const rows = readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .sort()
    .map((name) => {
      const file = name.slice(0, -'.log'.length);
      const starts = readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean);
      const gateways = starts.filter((s) => s.startsWith('gateway run')).length;
      const budget = OPENCLAW_START_BUDGETS[file];
      return { file, starts: starts.length, gateways, budget };
    });
  if (rows.length === 0) return '';
  const total = rows.reduce((sum, r) => sum + r.starts, 0);
  const lines = rows.map(
    (r) =>
      `  ${r.file.padEnd(28)} ${String(r.starts).padStart(4)}  (${r.gateways} gateway)  budget ${r.budget ?? 'none'}${r.budget !== undefined && r.starts > r.budget ? '  OVER' : ''}`,
  );
  return `\nopenclaw starts: ${total}\n${lines.join('\n')}\n`;
}
