import { basename } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each real-OpenClaw file took in a full run on 2 cores (CI, 2026-12-06). vitest would start
 * the e2e project's files first (projects by name) and, on a fresh clone with no timing cache,
 * these in no useful order, so the longest ones started last and set the run's end: 432 s. The
 * longest first, then the short e2e and unit files fill the gaps. A file not listed goes after these.
 */
const OPENCLAW_SECONDS: Record<string, number> = {
  'gateway-ssh.test.ts': 174,
  'parity.test.ts': 165,
  'gateway.test.ts': 118,
  'gateway-watch.test.ts': 98,
  'gateway-health.test.ts': 81,
  'gateway-pairing.test.ts': 69,
  'gateway-notify.test.ts': 60,
  'real-openclaw.test.ts': 51,
  'states.test.ts': 24,
};

const PROJECTS = ['openclaw', 'e2e', 'unit'];

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const project = (s: TestSpecification) => {
      const i = PROJECTS.indexOf(s.project.name);
      return i === -1 ? PROJECTS.length : i;
    };
    const seconds = (s: TestSpecification) => (s.project.name === 'openclaw' ? (OPENCLAW_SECONDS[basename(s.moduleId)] ?? 0) : 0);
    // Array.prototype.sort is stable: within a project the base order (its timing cache) stays.
    return [...sorted].sort((a, b) => project(a) - project(b) || seconds(b) - seconds(a));
  }
}
