import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT, sandbox } from '../helpers/cli.js';

// What a user installs: `npm pack` in a checkout, then the tarball installed globally, offline, into
// an empty prefix (docs/phone.md and the README give this install). Everything authwatch runs is in
// its bundle, so there is nothing to fetch; the bundled packages' licences travel with it.
const BUNDLED = ['@openclaw/gateway-client', '@openclaw/gateway-protocol', 'commander', 'croner', 'pino', 'proper-lockfile', 'yaml', 'zod'];

describe('the package', { timeout: 120_000 }, () => {
  it('installs offline from its tarball with nothing to fetch, runs, and carries the licences of what it bundles', async () => {
    const box = sandbox();
    const dir = mkdtempSync(join(tmpdir(), 'authwatch-pack-'));
    // The dist/ that npm test has just built (`prepare` would build it again).
    const packed = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, env: box.env, extendEnv: false });
    const [entry] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const { filename, files } = entry!;
    const tarball = join(dir, filename);
    expect(files.map((f) => f.path)).toContain('dist/THIRD_PARTY_NOTICES.md');

    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    const manifest = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8')) as Record<string, unknown>;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies']) expect(manifest[field], field).toBeUndefined();
    const notices = readFileSync(join(dir, 'package', 'dist', 'THIRD_PARTY_NOTICES.md'), 'utf8');
    for (const name of BUNDLED) expect(notices).toMatch(new RegExp(`^## ${name} \\S+ \\((MIT|ISC)\\)$`, 'm'));
    expect(notices).toContain('Permission is hereby granted, free of charge');

    // An empty prefix and an empty npm cache: offline, any dependency to fetch would fail the install.
    const prefix = join(dir, 'prefix');
    const install = await execa('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], {
      env: box.env,
      extendEnv: false,
      reject: false,
    });
    expect(install.exitCode, install.stderr).toBe(0);
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'authwatch', 'node_modules'))).toBe(false);

    const bin = join(prefix, 'bin', 'authwatch');
    const version = await execa(bin, ['--version'], { env: box.env, extendEnv: false, reject: false });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    // No OpenClaw here: status says so and how to install it, as it does from a checkout.
    const status = await execa(bin, ['status'], { env: box.env, extendEnv: false, reject: false });
    expect(status.exitCode).toBe(3);
    expect(status.stdout).toContain('openclaw not found (not installed, or not on PATH)');
    expect(status.stderr).toBe('');
    // The unit's Documentation= names the page shipped in the package, not a web page that may not exist.
    const unit = await execa(bin, ['generate', 'systemd'], { env: box.env, extendEnv: false });
    const doc = /^Documentation=(file:\S+)$/m.exec(unit.stdout)?.[1];
    expect(doc).toBe(pathToFileURL(join(prefix, 'lib', 'node_modules', 'authwatch', 'docs', 'scheduling.md')).href);
    expect(readFileSync(fileURLToPath(doc!), 'utf8')).toMatch(/^# Running on a schedule\n/);
  });
});
