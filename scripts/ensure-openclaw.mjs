#!/usr/bin/env node
// Installs the real OpenClaw CLI for the end-to-end tests, once, into node_modules/.cache.
// OpenClaw needs Node >= 24.16; this machine (and CI) run Node 20, so a Node 24 binary comes from
// npm as well (scripts/ensure-node.mjs). About 30 s and 830 MB the first time.
// Prints the path of an `openclaw` wrapper script on stdout. AUTHWATCH_OPENCLAW_DIR reuses another install.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode } from './ensure-node.mjs';

export const OPENCLAW_VERSION = '2026.9.6';
const NODE_MAJOR = '24';

export function ensureOpenclaw() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const dir = process.env.AUTHWATCH_OPENCLAW_DIR ?? join(root, 'node_modules', '.cache', `authwatch-openclaw-${OPENCLAW_VERSION}`);
  // The same Node 24 .ci/run runs the unit and e2e tests on (one install, not two).
  const node = ensureNode(NODE_MAJOR);
  const entry = join(dir, 'node_modules', 'openclaw', 'openclaw.mjs');
  const wrapper = join(dir, 'bin', 'openclaw');
  if (!existsSync(entry)) {
    process.stderr.write(`installing openclaw@${OPENCLAW_VERSION} into ${dir} (once, ~30 s)\n`);
    mkdirSync(dir, { recursive: true });
    execFileSync(
      'npm',
      ['install', '--no-save', '--prefix', dir, `openclaw@${OPENCLAW_VERSION}`, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  // Every OpenClaw start the tests make goes through these wrappers; with AUTHWATCH_OPENCLAW_LOG set
  // each appends one line per start (its arguments), which the tests count (test/setup/openclaw-starts.ts).
  // `openclaw-sdk` runs OpenClaw's own code for the states its CLI cannot make offline
  // (test/helpers/openclaw-sdk.mjs), under the same Node.
  writeWrapper(wrapper, `exec '${node}' '${entry}' "$@"`);
  writeWrapper(`${wrapper}-sdk`, `exec '${node}' '${join(root, 'test', 'helpers', 'openclaw-sdk.mjs')}' '${dirname(entry)}' "$@"`, 'sdk ');
  return { wrapper, node, entry, version: OPENCLAW_VERSION };
}

function writeWrapper(path, exec, logPrefix = '') {
  const script = [
    '#!/bin/sh',
    // One line per start, written at once (several OpenClaws append to one log at the same time).
    'if [ -n "$AUTHWATCH_OPENCLAW_LOG" ]; then',
    "  line=$(printf '%s' \"$*\" | tr '\\n' ' ')",
    `  printf '${logPrefix}%s\\n' "$line" >>"$AUTHWATCH_OPENCLAW_LOG"`,
    'fi',
    exec,
    '',
  ].join('\n');
  let current;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== script) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, script, { mode: 0o755 });
    renameSync(`${path}.tmp`, path);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${ensureOpenclaw().wrapper}\n`);
}
