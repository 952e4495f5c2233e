import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { fakeToken, type JsonReport, parseReport, runCli, type Sandbox } from '../helpers/cli.js';
import { OFFLINE, realOpenclaw } from '../helpers/openclaw.js';
import type { StateName } from '../helpers/openclaw-recipes.js';
import { copyOf, shared } from '../helpers/openclaw-states.js';
import { expectNoSecrets } from '../helpers/secrets.js';

// authwatch's exit codes promise what `openclaw models status --check` means. Each row is a state
// made with OpenClaw's own commands (helpers/openclaw-recipes.ts, built once per run), asks both at
// once, and compares. OpenClaw's check looks at one agent; authwatch at all of them, so OpenClaw's
// answer for a setup is the worst over its agents (1 before 2 before 0).
// docs/commands.md#exit-codes shows this table. Rows that only read run two at a time.

interface Row {
  state: string;
  recipe: StateName;
  agents?: string[];
  /** What both answer. */
  exit: 0 | 1 | 2;
  /**
   * OpenClaw's answer where authwatch's differs on purpose: an OAuth access token nearing or past
   * its expiry, which the gateway renews on use (docs/commands.md#exit-codes says why).
   */
  openclawExit?: 0 | 1 | 2;
  /** What authwatch reports, beyond the exit code: `id status` for the records that decide it. */
  records?: Array<[string, string, boolean?]>;
  /** More of what a user sees of this state: the report's details, the text output. */
  also?: (box: Sandbox, report: JsonReport, secrets: string[]) => Promise<void>;
}

/** The minutes `check` prints as "(in Xh Ym)" for an expiry, for a run between `from` and `to`. */
const minutesLeft = (expiresAt: string, at: number) => Math.floor((Date.parse(expiresAt) - at) / 60_000);

const rows: Row[] = [
  {
    state: 'anthropic token, 30d, and an OpenAI API key no configured model uses',
    recipe: 'anthropic-30d-openai-key',
    exit: 0,
    records: [
      ['openclaw:main:anthropic:manual', 'ok'],
      ['openclaw:main:openai:manual', 'static', false],
    ],
    also: async (box, report, secrets) => {
      expect(report).toMatchObject({ version: 1, status: 'ok', exitCode: 0, errors: [] });
      expect(report.credentials.map((c) => [c.id, c.type, c.status])).toEqual([
        ['openclaw:main:anthropic:manual', 'token', 'ok'],
        ['openclaw:main:openai:manual', 'api_key', 'static'],
      ]);
      const anthropic = report.credentials[0]!;
      expect(anthropic.remainingMs).toBeGreaterThan(29 * 86_400_000);
      expect(Date.parse(anthropic.expiresAt!) - Date.parse(report.checkedAt)).toBe(anthropic.remainingMs);
      expect(anthropic.remedy).toBeNull();

      const status = await runCli(['status', '--agent', 'main'], box.env);
      expect(status.exitCode).toBe(0);
      expect(status.stdout).toMatch(/^ok +main +anthropic +anthropic:manual +token +\d{4}-\d\d-\d\d \d\d:\d\d +29d 23h$/m);
      // No configured model uses openai: its key is listed, marked, and never decides the exit code.
      expect(status.stdout).toMatch(/^static \(unused\) +main +openai +openai:manual +api_key +- +-$/m);
      expect(status.stdout).not.toContain('To fix');
      expectNoSecrets({ out: status.stdout, err: status.stderr, 'state file': readFileSync(box.statePath, 'utf8') }, secrets);
    },
  },
  {
    state: 'anthropic token, 3h',
    recipe: 'anthropic-3h',
    exit: 2,
    records: [['openclaw:main:anthropic:manual', 'warn']],
    also: async (box, report, secrets) => {
      const [credential] = report.credentials;
      expect(credential).toMatchObject({ status: 'warn', type: 'token', provider: 'anthropic' });
      expect(credential!.remedy).toContain('claude setup-token');
      expect(credential!.remedy).toContain('openclaw models auth setup-token --provider anthropic');

      const from = Date.now();
      // As a user runs it (no --agent: the default agent's remedies name none).
      const check = await runCli(['check'], box.env);
      const to = Date.now();
      expect(check.exitCode).toBe(2);
      const shown = /^warn: anthropic:manual \(agent main\), expires \d{4}-\d\d-\d\d \d\d:\d\d \(in (\d+)h (\d+)m\)$/m.exec(check.stdout);
      expect(shown, check.stdout).not.toBeNull();
      const minutes = Number(shown![1]) * 60 + Number(shown![2]);
      expect(minutes).toBeGreaterThanOrEqual(minutesLeft(credential!.expiresAt!, to));
      expect(minutes).toBeLessThanOrEqual(minutesLeft(credential!.expiresAt!, from));
      expect(minutes).toBeLessThan(180);
      expect(check.stdout).toContain('  Then: openclaw models auth setup-token --provider anthropic --agent main\n');
      expectNoSecrets({ out: check.stdout, err: check.stderr }, secrets);
    },
  },
  {
    state: 'anthropic token, 1h',
    recipe: 'anthropic-1h',
    exit: 2,
    records: [['openclaw:main:anthropic:manual', 'critical']],
    also: async (_, report) => {
      expect(report).toMatchObject({ status: 'critical', credentials: [{ status: 'critical' }] });
    },
  },
  { state: 'anthropic token expired', recipe: 'anthropic-expired', exit: 1, records: [['openclaw:main:anthropic:manual', 'expired']] },
  {
    state: "fresh install (the default model's provider has no credential)",
    recipe: 'fresh',
    exit: 1,
    records: [['openclaw:main:provider:openai', 'missing']],
    also: async (_, report) => {
      expect(report.credentials).toEqual([
        expect.objectContaining({ id: 'openclaw:main:provider:openai', provider: 'openai', profileId: null, type: null, status: 'missing' }),
        // Offline, OpenClaw cannot install the Codex plugin its default OpenAI model runs on.
        expect.objectContaining({ id: 'openclaw:main:runtime:openai:codex', provider: 'openai', status: 'unusable' }),
      ]);
      expect(report.credentials[0]!.remedy).toContain('openclaw models auth login --provider openai');
      expect(report.credentials[1]!.remedy).toContain('openclaw plugins install @openclaw/codex');
    },
  },
  {
    // OpenClaw tried to install its Codex plugin while the state was made (npm, then ClawHub), which
    // fails offline: that is how the runtime ends up unavailable.
    state: 'default model openai/gpt-5 with an API key; its codex runtime is unavailable',
    recipe: 'openai-key',
    exit: 1,
    records: [
      ['openclaw:main:runtime:openai:codex', 'unusable'],
      ['openclaw:main:openai:manual', 'static'],
    ],
  },
  {
    state: 'fallback google/gemini-2.5-pro with no credential',
    recipe: 'fallback-missing',
    exit: 1,
    records: [['openclaw:main:route:google/gemini-2.5-pro', 'missing']],
  },
  {
    state: 'two anthropic profiles: manual ok (30d) and effective; old expired, left out by the auth order',
    recipe: 'auth-order',
    exit: 0,
    records: [
      ['openclaw:main:anthropic:manual', 'ok', true],
      ['openclaw:main:anthropic:old', 'expired', false],
    ],
  },
  {
    state: 'an expired token of a provider no configured model uses',
    recipe: 'unused-expired',
    exit: 0,
    records: [['openclaw:main:openrouter:manual', 'expired', false]],
  },
  {
    state: 'a second agent whose token expires in 1h (main: 30d)',
    recipe: 'two-agents',
    agents: ['main', 'work'],
    exit: 2,
    records: [
      ['openclaw:work:anthropic:manual', 'critical', true],
      ['openclaw:main:anthropic:manual', 'ok', true],
    ],
    also: async (box, report) => {
      // Each agent is checked, and the non-default agent's remedy carries --agent.
      expect(report.credentials.map((c) => [c.id, c.status])).toEqual([
        ['openclaw:work:anthropic:manual', 'critical'],
        ['openclaw:main:anthropic:manual', 'ok'],
      ]);
      expect(report.credentials[0]!.remedy).toContain('openclaw models auth setup-token --provider anthropic --agent work');
      const onlyMain = parseReport(await runCli(['check', '--json', '--no-notify', '--agent', 'main'], box.env));
      expect(onlyMain.credentials.map((c) => c.id)).toEqual(['openclaw:main:anthropic:manual']);
    },
  },
  {
    state: 'a second agent added after the token, which it reads from the shared store (main: 30d)',
    recipe: 'shared-two-agents',
    agents: ['main', 'work'],
    exit: 0,
    records: [['openclaw:main:anthropic:manual', 'ok', true]],
    also: async (box, report) => {
      // One credential, one record: main's, naming work, which reads it too (OpenClaw's auth.storePath).
      expect(report.credentials.map((c) => [c.id, c.sharedWith])).toEqual([['openclaw:main:anthropic:manual', ['work']]]);
      // A day before it expires: one alert, not one per agent, and its paste-token renews it for both.
      const alerts = join(box.dir, 'alerts.log');
      const config = box.writeConfig(`notifiers:\n  - type: command\n    command: [sh, -c, 'echo "$AUTHWATCH_CREDENTIAL_ID" >> ${alerts}']\n`);
      const late = parseReport(
        await runCli(['check', '--json', '--config', config], {
          ...box.env,
          AUTHWATCH_NOW: String(Date.parse(report.credentials[0]!.expiresAt!) - 86_400_000),
        }),
      );
      expect(late.credentials.map((c) => [c.id, c.status])).toEqual([['openclaw:main:anthropic:manual', 'warn']]);
      expect(readFileSync(alerts, 'utf8')).toBe('openclaw:main:anthropic:manual\n');
      expect(late.credentials[0]!.remedy).toContain('openclaw models auth paste-token --provider anthropic --agent main --expires-in 365d');
    },
  },
  {
    state: 'anthropic OAuth sign-in, access token 3h left (OpenClaw: expiring)',
    recipe: 'anthropic-oauth',
    exit: 0,
    openclawExit: 2,
    records: [['openclaw:main:anthropic:ana@example.com', 'ok']],
    also: async (box, report) => {
      // OpenClaw's own answer stays in --json.
      expect(report.credentials).toEqual([
        expect.objectContaining({ type: 'oauth', status: 'ok', openclawStatus: 'expiring', renewsOnUse: true, remedy: null }),
      ]);
      const status = await runCli(['status', '--agent', 'main'], box.env);
      expect(status.stdout).toMatch(/^ok +main +anthropic +anthropic:ana@example\.com +oauth +\d{4}-\d\d-\d\d \d\d:\d\d +2h \d+m, renews on use$/m);
    },
  },
  {
    state: 'anthropic OAuth sign-in, access token lapsed 1h ago (OpenClaw: expired, and routes it cannot confirm)',
    recipe: 'anthropic-oauth-lapsed',
    exit: 0,
    openclawExit: 1,
    records: [['openclaw:main:anthropic:ana@example.com', 'ok']],
    also: async (_, report) => {
      // One record: the routes OpenClaw cannot confirm without a refresh are this sign-in's.
      expect(report.credentials.map((c) => [c.id, c.status, c.openclawStatus])).toEqual([['openclaw:main:anthropic:ana@example.com', 'ok', 'expired']]);
    },
  },
  {
    state: 'anthropic OAuth sign-in, access token lapsed 8 days ago (nothing has used it for longer than thresholds.lapsed)',
    recipe: 'anthropic-oauth-stale',
    exit: 2,
    openclawExit: 1,
    records: [['openclaw:main:anthropic:ana@example.com', 'warn']],
    also: async (_, report) => {
      const [credential] = report.credentials;
      expect(credential!.detail).toMatch(/^its access token lapsed 8d( \d+[hm])? ago and nothing has renewed it since/);
      expect(credential!.remedy).toContain('Sign in again: openclaw models auth login --provider anthropic --agent main');
    },
  },
  {
    state: 'anthropic OAuth sign-in whose refresh failed (the fence)',
    recipe: 'anthropic-oauth-fence',
    exit: 1,
    records: [['openclaw:main:anthropic:ana@example.com', 'expired']],
    also: async (_, report) => {
      // One record for the provider, and the sign-in again (a person's browser: checked for argv only).
      expect(report.credentials).toEqual([
        expect.objectContaining({
          status: 'expired',
          openclawStatus: 'expired',
          expiresAt: null,
          detail: 'its last refresh failed (OpenClaw fenced the login): sign in again',
        }),
      ]);
      expect(report.credentials[0]!.remedy).toBe(
        'Sign in again: openclaw models auth login --provider anthropic --agent main\nVerify: openclaw models status --agent main',
      );
    },
  },
];

/**
 * Runs a command as a user pastes it into a shell on the gateway host: `sh -c` with the real
 * OpenClaw on PATH as `openclaw` (and its network jail). `input`: what the user types after it.
 */
async function pasted(box: Sandbox, openclawBin: string, command: string, input?: string) {
  const bin = join(box.dir, 'bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync(openclawBin, join(bin, 'openclaw'));
  }
  const env = { ...box.env, ...OFFLINE, PATH: `${bin}:${box.env.PATH}` };
  return execa('sh', ['-c', command], { env, extendEnv: false, reject: false, ...(input === undefined ? { stdin: 'ignore' as const } : { input }) });
}

/** The command of a remedy line (`Remove it: openclaw …` → `openclaw …`), exactly as printed. */
const commandOf = (line: string) => line.slice(line.indexOf('openclaw '));

/** OpenClaw's answer over several agents: any 1 wins, then any 2, else 0. */
function worst(codes: number[]): number {
  return codes.includes(1) ? 1 : codes.includes(2) ? 2 : 0;
}

describe('exit codes agree with `openclaw models status --check`', { timeout: 300_000 }, () => {
  for (const row of rows) {
    it.concurrent(row.state, async () => {
      const { box, secrets } = await shared(row.recipe);
      const oc = realOpenclaw(box.home);
      box.env.OPENCLAW_BIN = oc.bin;
      const config = box.writeConfig('sources:\n  openclaw:\n    timeout: 60s\n');
      // A single-agent row names its agent to both, as OpenClaw's check does (authwatch then skips
      // `agents list`, one OpenClaw start); the two-agent row lets authwatch find the agents itself.
      const [codes, result] = await Promise.all([
        Promise.all((row.agents ?? [undefined]).map((agent) => oc.check(agent))),
        runCli(['check', '--json', '--no-notify', '--config', config, ...(row.agents ? [] : ['--agent', 'main'])], box.env, 120_000),
      ]);
      const openclaw = worst(codes);
      const report = parseReport(result);
      expect({ openclaw, authwatch: result.exitCode }, result.stderr).toEqual({ openclaw: row.openclawExit ?? row.exit, authwatch: row.exit });
      expect(report.exitCode).toBe(row.exit);
      for (const [id, status, inUse = true] of row.records ?? []) {
        expect(report.credentials.find((c) => c.id === id)).toMatchObject({ status, inUse });
      }
      // Whatever decides a non-zero exit comes with the command that fixes it.
      for (const c of report.credentials) if (c.inUse && !['ok', 'static'].includes(c.status)) expect(c.remedy, c.id).toMatch(/openclaw /);
      expectNoSecrets({ out: result.stdout, err: result.stderr }, secrets);
      await row.also?.(box, report, secrets);
    });
  }

  it.concurrent("the default agent's paste-token works as pasted on a two-agent install, where OpenClaw refuses it without --agent", async () => {
    const { box, secrets } = await copyOf('two-agents');
    const oc = realOpenclaw(box.home);
    box.env.OPENCLAW_BIN = oc.bin;
    // Main's 30-day token, seen a day before it expires: its remedy is printed.
    const late = Date.now() + 29 * 86_400_000;
    const before = parseReport(await runCli(['check', '--json', '--no-notify', '--agent', 'main'], { ...box.env, AUTHWATCH_NOW: String(late) }));
    const main = before.credentials.find((c) => c.id === 'openclaw:main:anthropic:manual')!;
    expect(main.status).toBe('warn');
    const printed = commandOf(main.remedy!.split('\n').find((l) => l.startsWith('Token made on another machine: '))!);
    expect(printed).toBe('openclaw models auth paste-token --provider anthropic --agent main --expires-in 365d');

    // As pasted into a shell on the gateway host, with the new token on stdin (paste-token reads it there).
    const token = fakeToken();
    secrets.push(token);
    const paste = await pasted(box, oc.bin, printed, `${token}\n`);
    expect(paste.exitCode, String(paste.stderr)).toBe(0);
    // What authwatch printed before: OpenClaw 2026.9.6 refuses it once a second agent exists.
    const bare = await pasted(box, oc.bin, 'openclaw models auth paste-token --provider anthropic', `${token}\n`);
    expect(bare.exitCode).toBe(1);
    expect(String(bare.stderr) + String(bare.stdout)).toContain('Multiple agents are configured, but the model command has no explicit owner');

    // Main now has the new token, timed for a setup-token's year (so it will be warned about again); work keeps its own.
    const after = parseReport(await runCli(['check', '--json', '--no-notify'], { ...box.env, AUTHWATCH_NOW: String(late) }));
    expect(after.credentials.map((c) => [c.id, c.status])).toEqual([
      ['openclaw:work:anthropic:manual', 'expired'],
      ['openclaw:main:anthropic:manual', 'ok'],
    ]);
    expectNoSecrets({ out: JSON.stringify(after) }, secrets);
  });

  it.concurrent("credential files from before OpenClaw's SQLite store: the printed doctor --fix works as pasted, and the next check is ok", async () => {
    const { box } = await copyOf('anthropic-30d');
    const oc = realOpenclaw(box.home);
    box.env.OPENCLAW_BIN = oc.bin;
    // What an upgrade from before 2026.9 leaves beside the store: OpenClaw then refuses to read it.
    const legacy = join(box.home, '.openclaw', 'agents', 'main', 'agent');
    mkdirSync(legacy, { recursive: true });
    const legacyToken = fakeToken();
    writeFileSync(
      join(legacy, 'auth-profiles.json'),
      JSON.stringify({ version: 1, profiles: { 'anthropic:legacy': { type: 'token', provider: 'anthropic', token: legacyToken } } }),
    );
    const before = parseReport(await runCli(['check', '--json', '--no-notify', '--agent', 'main'], box.env));
    expect(before.exitCode).toBe(3);
    const [record] = before.credentials;
    expect(record!.detail).toContain('requires legacy credential migration');
    const printed = commandOf(record!.remedy!.split('\n')[0]!);
    expect(printed).toBe('openclaw doctor --fix');
    const fixed = await pasted(box, oc.bin, printed);
    expect(fixed.exitCode, String(fixed.stderr).slice(-500)).toBe(0);

    const after = parseReport(await runCli(['check', '--json', '--no-notify', '--agent', 'main'], box.env));
    expect(after.exitCode, JSON.stringify(after.errors)).toBe(0);
    expect(after.credentials.find((c) => c.id === 'openclaw:main:anthropic:manual')?.status).toBe('ok');
    expectNoSecrets({ before: JSON.stringify(before), after: JSON.stringify(after) }, [legacyToken]);
  });

  it.concurrent('the remedies work: dropping the fallback, or logging out the unused profile, leaves nothing to report', async () => {
    const { box } = await copyOf('auth-order-fallback');
    const oc = realOpenclaw(box.home);
    box.env.OPENCLAW_BIN = oc.bin;

    const before = parseReport(await runCli(['check', '--json', '--no-notify', '--agent', 'main'], box.env));
    expect(before.exitCode).toBe(1);
    const fallback = before.credentials.find((c) => c.id === 'openclaw:main:route:google/gemini-2.5-pro')!;
    const unused = before.credentials.find((c) => c.id === 'openclaw:main:anthropic:old')!;
    const drop = commandOf(fallback.remedy!.split('\n').find((l) => l.includes('fallbacks remove'))!);
    const logout = commandOf(unused.remedy!.split('\n').find((l) => l.includes('auth logout'))!);
    expect([drop, logout]).toEqual(['openclaw models fallbacks remove google/gemini-2.5-pro', 'openclaw models auth logout --yes --agent main anthropic:old']);
    // The very commands the remedies print, as pasted into a shell (stdin closed: no one to answer a prompt).
    for (const command of [drop, logout]) {
      const ran = await pasted(box, oc.bin, command);
      expect(ran.exitCode, `${command}: ${String(ran.stderr).slice(-300)}`).toBe(0);
    }

    const [after, check] = await Promise.all([runCli(['check', '--json', '--no-notify', '--agent', 'main'], box.env), oc.check()]);
    expect(after.exitCode, after.stderr).toBe(0);
    expect(parseReport(after).credentials.map((c) => [c.id, c.status, c.inUse])).toEqual([['openclaw:main:anthropic:manual', 'ok', true]]);
    expect(check).toBe(0);
  });
});
