import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomic } from '../fs-atomic.js';
import { readFailure, readRegularFile } from '../fs-read.js';
import { runProgram } from '../process/run.js';
import { shCommand } from '../shell.js';
import type { Deployment, FilePlatform } from './types.js';
import { enableLinger, loginProperties } from './systemd-manager.js';

export interface InstallIo {
  say: (line: string) => void;
  env: Record<string, string | undefined>;
}

const argvList = z.array(z.array(z.string()).check(z.minLength(1)));

/** What `install` did, kept so that `uninstall` reverses exactly that. */
const manifestSchema = z.strictObject({
  version: z.literal(1),
  /** Checked against the platform uninstall was asked for (readManifest). */
  platform: z.string(),
  files: z.array(z.string()),
  deactivate: argvList,
  /** Run after the files are gone (systemd: daemon-reload). */
  afterRemove: argvList,
});
type Manifest = z.output<typeof manifestSchema>;

/**
 * What `uninstall` may do: the commands and files of any deployment `install` could have made for
 * this platform (every mode), given the same facts. A manifest is a file anyone with write access
 * to the state dir can edit; nothing outside this list is run or deleted because it says so.
 */
export interface UninstallScope {
  commands: Set<string>;
  files: Set<string>;
}

export function uninstallScope(deployments: readonly Deployment[]): UninstallScope {
  const commands = new Set<string>();
  const files = new Set<string>();
  for (const d of deployments) {
    for (const argv of [...d.deactivate, ...d.afterRemove]) commands.add(JSON.stringify(argv));
    for (const f of d.files) files.add(f.path);
  }
  return { commands, files };
}

export function manifestPath(stateDir: string, platform: FilePlatform): string {
  return join(stateDir, `installed-${platform}.json`);
}

/** Runs one platform command, said first (`$ …`) unless `quiet`; a failure is said with stderr's last line. */
export async function runStep(argv: string[], io: InstallIo, quiet = false): Promise<{ ok: boolean; stdout: string }> {
  if (!quiet) io.say(`$ ${shCommand(argv)}`);
  const result = await runProgram(argv, { timeoutMs: 60_000, env: io.env });
  if (!result.ok) {
    io.say(`  failed: ${result.message}`);
    return { ok: false, stdout: '' };
  }
  if (result.exitCode !== 0) {
    io.say(`  failed: exit ${result.exitCode}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n').pop()}` : ''}`);
    return { ok: false, stdout: result.stdout };
  }
  return { ok: true, stdout: result.stdout };
}

const run = async (argv: string[], io: InstallIo): Promise<boolean> => (await runStep(argv, io)).ok;

/**
 * Writes the files where they belong and runs the platform's commands. Idempotent: files are
 * replaced atomically and the commands (daemon-reload, enable --now, registering a job with a
 * fixed id) are safe to repeat. With `dryRun`, prints every file and command and touches nothing.
 */
export async function install(deployment: Deployment, { stateDir, dryRun, io }: { stateDir: string; dryRun: boolean; io: InstallIo }): Promise<boolean> {
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
    afterRemove: deployment.afterRemove,
  };
  await writeFileAtomic(manifestPath(stateDir, deployment.platform), `${JSON.stringify(manifest, null, 2)}\n`);
  let ok = true;
  for (const argv of deployment.activate) ok = (await run(argv, io)) && ok;
  for (const note of deployment.notes) io.say(`note: ${note}`);
  // Said exactly, so that nothing is left behind unknowingly.
  if (!ok)
    io.say(
      `not active; left in place: ${deployment.files.map((f) => f.path).join(', ')}; fix the failure above and run install again, or remove them: authwatch uninstall ${deployment.platform}`,
    );
  return ok;
}

/** The recorded manifest, or undefined (said why) when there is none or it is not one authwatch wrote. */
async function readManifest(path: string, platform: FilePlatform, io: InstallIo): Promise<Manifest | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readRegularFile(path, 1024 * 1024));
  } catch (error) {
    io.say(
      `${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no record of an install' : `cannot use the install record (${error instanceof SyntaxError ? 'not JSON' : readFailure(error)})`} at ${path}; removing what \`install ${platform}\` would have written`,
    );
    return undefined;
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success || parsed.data.platform !== platform) {
    io.say(`${path} is not an install record authwatch wrote for ${platform}; removing what \`install ${platform}\` would have written`);
    return undefined;
  }
  return parsed.data;
}

/**
 * Reverses what `install` recorded: its deactivation commands, then its files, then the
 * after-removal commands. Only what lies within `scope` is run or removed; the rest is reported.
 */
export async function uninstall(
  platform: FilePlatform,
  { fallback, scope, stateDir, dryRun, io }: { fallback: Deployment; scope: UninstallScope; stateDir: string; dryRun: boolean; io: InstallIo },
): Promise<boolean> {
  const path = manifestPath(stateDir, platform);
  const recorded = await readManifest(path, platform, io);
  const manifest: Manifest = recorded ?? {
    version: 1,
    platform,
    files: fallback.files.map((f) => f.path),
    deactivate: fallback.deactivate,
    afterRemove: fallback.afterRemove,
  };
  let ok = true;
  const allowed = (argv: string[]) => {
    if (scope.commands.has(JSON.stringify(argv))) return true;
    io.say(`refusing to run ${shCommand(argv)}: not a command \`install ${platform}\` runs`);
    ok = false;
    return false;
  };
  const deactivate = manifest.deactivate.filter(allowed);
  const afterRemove = manifest.afterRemove.filter(allowed);
  const files = manifest.files.filter((file) => {
    if (scope.files.has(file)) return true;
    io.say(`refusing to remove ${file}: not a file \`install ${platform}\` writes`);
    ok = false;
    return false;
  });
  if (dryRun) {
    for (const argv of deactivate) io.say(`would run: ${shCommand(argv)}`);
    for (const file of files) io.say(`would remove ${file}`);
    for (const argv of afterRemove) io.say(`would run: ${shCommand(argv)}`);
    return ok;
  }
  for (const argv of deactivate) ok = (await run(argv, io)) && ok;
  for (const file of files) {
    if (
      await stat(file).then(
        () => true,
        () => false,
      )
    ) {
      await rm(file);
      io.say(`removed ${file}`);
    }
  }
  for (const argv of afterRemove) ok = (await run(argv, io)) && ok;
  await rm(path, { force: true });
  return ok;
}

/** systemd user units stop at logout unless lingering is on: say so, and how to fix it. */
export async function lingerWarning(user: string, io: InstallIo): Promise<string | undefined> {
  const answer = await loginProperties(user, ['Linger'], io.env);
  if (!answer) return `could not ask loginctl whether lingering is on for ${user}; without it, user timers stop at logout: ${enableLinger(user)}`;
  if (answer.Linger === 'yes') return undefined;
  return `lingering is off for ${user}: the timer runs only while you are logged in. Turn it on with: ${enableLinger(user)}`;
}
