#!/usr/bin/env node
// Installs a Node.js release line from npm (package node-<platform>-<arch>) into node_modules/.cache,
// once, and prints the path of its `node` binary. The OpenClaw set-up takes its Node 24 from here.
// .ci/run uses it to run the unit and e2e tests on every Node line users have: `node scripts/ensure-node.mjs 22`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function ensureNode(major) {
  if (!/^\d+$/.test(String(major))) throw new Error(`a Node major version is a number, not ${JSON.stringify(major)}`);
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = join(root, 'node_modules', '.cache', `authwatch-node-${major}`);
  const node = join(dir, 'node_modules', pkg, 'bin', 'node');
  if (!existsSync(node)) {
    process.stderr.write(`installing ${pkg}@${major} into ${dir} (once)\n`);
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['install', '--no-save', '--prefix', dir, `${pkg}@${major}`, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return node;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const major = process.argv[2];
  if (!major) {
    process.stderr.write('usage: node scripts/ensure-node.mjs MAJOR\n');
    process.exit(2);
  }
  process.stdout.write(`${ensureNode(major)}\n`);
}
