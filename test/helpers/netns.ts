import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import type { it } from 'vitest';
import { itIf, onPath } from './tools.js';

/**
 * "Another host" on this machine: a network namespace joined to this one by a veth pair, with a
 * private /30 of its own (10.2xx.y.0). Only the test's own interfaces and addresses are touched.
 * Needs root and iproute2's `ip`.
 */
export interface Namespace {
  name: string;
  /** This side's address (the one the namespace sees connections from). */
  hostAddress: string;
  /** The address inside the namespace. */
  address: string;
  /** argv that runs `argv` inside the namespace. */
  exec(argv: string[]): string[];
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function makeNamespace(): Namespace {
  const id = `${process.pid % 10_000}${randomInt(100)}`;
  const name = `aw${id}`;
  const [outside, inside] = [`aw${id}h`, `aw${id}n`];
  const net = `10.${200 + randomInt(50)}.${randomInt(256)}`;
  const remove = () => {
    for (const args of [
      ['link', 'del', outside],
      ['netns', 'del', name],
    ]) {
      try {
        ip(...args);
      } catch {
        // Not made, or gone with the other.
      }
    }
  };
  try {
    ip('netns', 'add', name);
    ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
    ip('link', 'set', inside, 'netns', name);
    ip('addr', 'add', `${net}.1/30`, 'dev', outside);
    ip('link', 'set', outside, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${net}.2/30`, 'dev', inside);
    ip('netns', 'exec', name, 'ip', 'link', 'set', inside, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    remove();
    throw error;
  }
  return { name, hostAddress: `${net}.1`, address: `${net}.2`, exec: (argv) => ['ip', 'netns', 'exec', name, ...argv], remove };
}

/** Whether a namespace can be made here (root, `ip`, a kernel that allows it): tried once. */
export const canMakeNamespace = (() => {
  if (process.getuid?.() !== 0 || !onPath('ip')) return false;
  try {
    makeNamespace().remove();
    return true;
  } catch {
    return false;
  }
})();

export const NAMESPACE_NEEDS = 'needs root and network namespaces: ip netns add, a veth pair (Debian package: iproute2)';

/** `it` where a namespace can be made and `tools` are on PATH, or a skip naming what is missing. */
export function itWithNamespace(tools: Array<[tool: string, debianPackage: string]> = []): typeof it {
  const missing = tools.find(([tool]) => !onPath(tool));
  if (missing) return itIf(false, `${missing[0]} not found (Debian package: ${missing[1]})`);
  return itIf(canMakeNamespace, NAMESPACE_NEEDS);
}
