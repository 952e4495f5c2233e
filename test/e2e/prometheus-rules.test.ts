import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { itWithTool } from '../helpers/tools.js';

// promtool comes from Debian's `prometheus` package; .ci/run installs it.
const it = itWithTool('promtool', 'prometheus');
const dir = join(ROOT, 'deploy', 'prometheus');
const promtool = (...args: string[]) => execFileSync('promtool', args, { cwd: dir, encoding: 'utf8' });

describe('shipped Prometheus rules', () => {
  it('pass promtool check rules', () => {
    expect(promtool('check', 'rules', 'authwatch.rules.yml')).toContain('SUCCESS: 7 rules found');
  });

  it('pass their unit tests (promtool test rules)', () => {
    expect(promtool('test', 'rules', 'authwatch.rules.test.yml')).toContain('SUCCESS');
  });
});
