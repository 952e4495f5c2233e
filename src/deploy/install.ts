import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../fs-atomic.js';
import { runProgram } from '../monitor/sources/run.js';
import { shCommand } from '../shell.js';
import type { Deployment, Platform } from './types.js';

export interface InstallIo {
  say: (line: string) => void;
  env: Record<string, string | undefined>;
}

/** What `install` did, kept so that `uninstall` reverses exactly that. */
interface Manifest {
  version: 1;
  platform: Platform;
  files: string[];
  deactivate: string[][];
  /** Run after the files are gone (systemd: daemon-reload). */
  afterRemove: string[][];
}

export function manifestPath(stateDir: string, platform: Platform): string {
  return join(stateDir, `installed-${platform}.json`);
}

async function run(argv: string[], io: InstallIo): Promise<boolean> {
  io.say(`$ ${shCommand(argv)}`);
  const result = await runProgram(argv, { timeoutMs: 60_000, env: io.env });
  if (!result.ok) {
    io.say(`  failed: ${result.message}`);
    return false;
  }
  if (result.exitCode !== 0) {
    io.say(`  failed: exit ${result.exitCode}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n').pop()}` : ''}`);
    return false;
  }
  return true;
}

/**
 * Writes the files where they belong and runs the platform's commands. Idempotent: files are
 * replaced atomically and the commands (daemon-reload, enable --now, registering a job with a
 * fixed id) are safe to repeat. With `dryRun`, prints every file and command and touches nothing.
 */
export async function install(deployment: Deployment, stateDir: string, dryRun: boolean, io: InstallIo): Promise<boolean> {
  for (const file of deployment.files) {
    if (dryRun) {
      io.say(`would write ${file.path} (mode ${file.mode.toString(8)}):`);
      io.say(file.content.replace(/^/gm, '    ').trimEnd());
    } else {
      await mkdir(dirname(file.path), { recursive: true });
      await writeFileAtomic(file.path, file.content, file.mode);
      io.say(`wrote ${file.path}`);
    }
  }
  if (dryRun) {
    for (const argv of deployment.activate) io.say(`would run: ${shCommand(argv)}`);
    for (const note of deployment.notes) io.say(`note: ${note}`);
    return true;
  }
  const manifest: Manifest = {
    version: 1,
    platform: deployment.platform,
    files: deployment.files.map((f) => f.path),
    deactivate: deployment.deactivate,
    afterRemove: deployment.platform === 'systemd' ? [deployment.activate[0]!] : [],
  };
  await writeFileAtomic(manifestPath(stateDir, deployment.platform), `${JSON.stringify(manifest, null, 2)}\n`);
  let ok = true;
  for (const argv of deployment.activate) ok = (await run(argv, io)) && ok;
  for (const note of deployment.notes) io.say(`note: ${note}`);
  return ok;
}

/** Reverses what `install` recorded: its deactivation commands, then its files. */
export async function uninstall(platform: Platform, fallback: Deployment, stateDir: string, dryRun: boolean, io: InstallIo): Promise<boolean> {
  const path = manifestPath(stateDir, platform);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  } catch {
    io.say(`no record of an install at ${path}; removing what \`install ${platform}\` would have written`);
    manifest = { version: 1, platform, files: fallback.files.map((f) => f.path), deactivate: fallback.deactivate, afterRemove: platform === 'systemd' ? [fallback.activate[0]!] : [] };
  }
  if (dryRun) {
    for (const argv of manifest.deactivate) io.say(`would run: ${shCommand(argv)}`);
    for (const file of manifest.files) io.say(`would remove ${file}`);
    for (const argv of manifest.afterRemove) io.say(`would run: ${shCommand(argv)}`);
    return true;
  }
  let ok = true;
  for (const argv of manifest.deactivate) ok = (await run(argv, io)) && ok;
  for (const file of manifest.files) {
    if (await stat(file).then(() => true, () => false)) {
      await rm(file);
      io.say(`removed ${file}`);
    }
  }
  for (const argv of manifest.afterRemove) ok = (await run(argv, io)) && ok;
  await rm(path, { force: true });
  return ok;
}

/** systemd user units stop at logout unless lingering is on: say so, and how to fix it. */
export async function lingerWarning(user: string, io: InstallIo): Promise<string | undefined> {
  const result = await runProgram(['loginctl', 'show-user', user, '--property=Linger'], { timeoutMs: 10_000, env: io.env });
  if (!result.ok || result.exitCode !== 0) return `could not ask loginctl whether lingering is on for ${user}; without it, user timers stop at logout: loginctl enable-linger ${user}`;
  if (/Linger=yes/.test(result.stdout)) return undefined;
  return `lingering is off for ${user}: the timer runs only while you are logged in. Turn it on with: loginctl enable-linger ${user}`;
}
