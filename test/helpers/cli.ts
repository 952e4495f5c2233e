import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { countedEnv } from './openclaw-starts.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
export const FAKE_BIN = join(ROOT, 'test', 'fixtures', 'bin');
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * A throwaway HOME with XDG dirs inside it, and an environment that contains nothing from the
 * developer's own: PATH holds only node's directory plus what the test adds.
 *
 * `home`: an existing HOME to use instead (an OpenClaw state several tests read, see
 * helpers/openclaw-states.ts), left untouched: authwatch's config and state, and the test's own
 * files (`dir`), go to a throwaway directory through XDG_CONFIG_HOME and XDG_STATE_HOME.
 */
export function sandbox(extraPath: string[] = [], options: { home?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'authwatch-test-'));
  const home = options.home ?? dir;
  const env: Record<string, string> = {
    HOME: home,
    PATH: [...extraPath, resolve(process.execPath, '..'), '/usr/bin', '/bin'].join(':'),
    TZ: 'UTC',
    NO_COLOR: '1',
    ...(options.home ? { XDG_CONFIG_HOME: join(dir, '.config'), XDG_STATE_HOME: join(dir, '.local', 'state') } : {}),
    // In the openclaw project: the OpenClaw that authwatch starts is counted too.
    ...countedEnv(),
  };
  const statePath = join(dir, '.local', 'state', 'authwatch', 'state.json');
  return {
    home,
    /** For the test's own files: the throwaway directory (HOME itself unless it is shared). */
    dir,
    env,
    statePath,
    writeConfig(text: string, name = 'config.yaml'): string {
      const configDir = join(dir, '.config', 'authwatch');
      mkdirSync(configDir, { recursive: true });
      const path = join(configDir, name);
      writeFileSync(path, text);
      return path;
    },
    readState(): unknown {
      return JSON.parse(readFileSync(statePath, 'utf8'));
    },
  };
}

export type Sandbox = ReturnType<typeof sandbox>;

/** The argv lines a recording fake appended (one JSON array per line); none when it never ran. */
export function readArgvLog(path: string): string[][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[]);
}

/** Runs the built CLI as a child process, as a timer or a user would. */
/** Runs the built CLI; `node`: another Node than the one running the tests (Node 24). */
export async function runCli(args: string[], env: Record<string, string>, timeoutMs = 120_000, node = process.execPath): Promise<CliResult> {
  const result = await execa(node, [CLI, ...args], {
    env,
    extendEnv: false,
    reject: false,
    timeout: timeoutMs,
    stdin: 'ignore',
    stripFinalNewline: false,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Parses `check --json` output, failing the test with the raw text if it is not JSON. */
export function parseReport(result: CliResult): JsonReport {
  try {
    return JSON.parse(result.stdout) as JsonReport;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.exitCode}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

export interface JsonReport {
  version: number;
  checkedAt: string;
  status: string;
  exitCode: number;
  credentials: Array<{
    id: string;
    source: string;
    agent: string | null;
    provider: string | null;
    profileId: string | null;
    type: string | null;
    status: string;
    inUse: boolean;
    sharedWith?: string[];
    openclawStatus?: string;
    renewsOnUse?: boolean;
    usage?: { window: string; usedPercent: number; resetAt: string | null };
    expiresAt: string | null;
    remainingMs: number | null;
    detail: string | null;
    remedy: string | null;
    gateway?: { name: string | null; ssh: string | null };
  }>;
  errors: Array<{ source: string; message: string }>;
  notifications: Array<{ notifier: string; alertId: string; event: string; credentialId: string; ok: boolean; queued: boolean; message?: string }>;
  warnings: string[];
  sources: Array<{
    source: string;
    gateway?: string;
    via: string;
    url?: string;
    ssh?: string;
    agents: number | null;
    durationMs: number;
    fallbackReason: string | null;
    routesAgeMs?: number | null;
  }>;
}

/**
 * The moment the OpenClaw fixtures were recorded (their expiresAt − remainingMs). Tests that serve
 * those fixtures pin authwatch's clock to it (AUTHWATCH_NOW), or their absolute expiry times would
 * turn "expiring" into "expired" as the calendar moves on.
 */
export const FIXTURE_NOW = (() => {
  const profile = (
    JSON.parse(readFileSync(join(FIXTURES, 'openclaw', 'status-token-expiring.json'), 'utf8')) as {
      auth: { oauth: { profiles: Array<{ expiresAt: number; remainingMs: number }> } };
    }
  ).auth.oauth.profiles[0]!;
  return profile.expiresAt - profile.remainingMs;
})();

/** A token-shaped random string, so a leak is unmistakable. */
export function fakeToken(prefix = 'sk-ant-oat01-'): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = prefix;
  for (let i = 0; i < 80; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

/**
 * A sandbox whose fake `openclaw` (on PATH) reports one anthropic token profile, `anthropic:manual`
 * of agent main, with the expiry `serve` gives it (at first the recorded 3h fixture's). The clock
 * is pinned to the recording's time unless the test sets AUTHWATCH_NOW itself.
 */
export function sandboxWithProfile(extraPath: string[] = []) {
  const box = sandbox([FAKE_BIN, ...extraPath]);
  const dir = mkdtempSync(join(tmpdir(), 'aw-fake-'));
  writeFileSync(join(dir, 'status-main.json'), readFileSync(join(FIXTURES, 'openclaw', 'status-token-expiring.json')));
  Object.assign(box.env, { FAKE_OPENCLAW_DIR: dir, AUTHWATCH_NOW: String(FIXTURE_NOW) });
  const serve = (expiresAt: number) =>
    writeFileSync(
      join(dir, 'status-main.json'),
      JSON.stringify({ auth: { oauth: { profiles: [{ provider: 'anthropic', profileId: 'anthropic:manual', type: 'token', status: 'ok', expiresAt }] } } }),
    );
  return { box, serve };
}
