import { execFileSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { it } from 'vitest';

/**
 * Tests that need a system tool `npm test` does not install (promtool, systemd-analyze, mounting
 * as root). On a machine without it they are skipped, the title saying which Debian package brings
 * it; `.ci/run` installs every such tool and sets AUTHWATCH_REQUIRE_TOOLS=1, which turns a missing
 * tool into a failing test, so CI proves all of them.
 */
export function itIf(present: boolean, missing: string): typeof it {
  if (present) return it;
  if (process.env.AUTHWATCH_REQUIRE_TOOLS) throw new Error(`${missing}; AUTHWATCH_REQUIRE_TOOLS is set, so this is a failure (.ci/run installs it)`);
  process.stderr.write(`skipping the tests that need it: ${missing}\n`);
  return it.skip as unknown as typeof it;
}

/** An executable regular file on PATH (a /dev/null bind-mounted over the tool counts as missing). */
export function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return statSync(join(dir, name)).isFile();
    } catch {
      return false;
    }
  });
}

/** `it`, or a skip naming the Debian package that brings `tool`. */
export function itWithTool(tool: string, debianPackage: string): typeof it {
  return itIf(onPath(tool), `${tool} not found (Debian package: ${debianPackage})`);
}

/** Mounting a read-only bind or a tiny tmpfs in a private mount namespace: root and util-linux's unshare. */
export const canMount = (() => {
  if (process.getuid?.() !== 0 || !onPath('unshare')) return false;
  try {
    execFileSync('unshare', ['-m', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export const itMounting = itIf(canMount, 'needs root and unshare -m (Debian package: util-linux)');
