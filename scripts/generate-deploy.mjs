#!/usr/bin/env node
// Regenerates the checked-in defaults in deploy/systemd and deploy/termux from the built CLI, with
// fixed paths, so they do not depend on this machine. test/e2e/deploy.test.ts fails when they
// differ from what the generator makes: run `npm run build && node scripts/generate-deploy.mjs`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the systemd defaults assume a global npm install puts things. */
const SYSTEMD_PATHS = [
  '--node',
  '/usr/bin/node',
  '--authwatch',
  '/usr/local/lib/node_modules/authwatch/dist/cli.js',
  '--path',
  '/usr/local/bin:/usr/bin:/bin',
  '--home',
  '/home/user',
];

/** The fixed inputs of each default; the test uses the same table. */
export const DEFAULTS = {
  systemd: [
    ['generate', 'systemd', ...SYSTEMD_PATHS, '--schedule', '*/15 * * * *'],
    ['generate', 'systemd', '--mode', 'watch', ...SYSTEMD_PATHS],
  ],
  termux: [
    [
      'generate',
      'termux',
      '--node',
      '/data/data/com.termux/files/usr/bin/node',
      '--authwatch',
      '/data/data/com.termux/files/usr/lib/node_modules/authwatch/dist/cli.js',
      '--path',
      '/data/data/com.termux/files/usr/bin',
      '--home',
      '/data/data/com.termux/files/home',
      '--schedule',
      '*/15 * * * *',
    ],
  ],
};

/** Runs each generate command with a clean environment into `outDir/<platform>`. */
export function generateDefaults(outDir) {
  const home = mkdtempSync(join(tmpdir(), 'authwatch-defaults-'));
  try {
    for (const [platform, commands] of Object.entries(DEFAULTS)) {
      for (const args of commands) {
        execFileSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args, '--out', join(outDir, platform)], {
          env: { HOME: home, PATH: '/usr/bin:/bin', USER: 'user' },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
      }
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  generateDefaults(join(ROOT, 'deploy'));
}
