import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { fakeToken, parseReport, runCli, sandbox } from '../helpers/cli.js';
import { realOpenclaw } from '../helpers/openclaw.js';
import { startReceiver } from '../helpers/receiver.js';
import { expectNoSecrets } from '../helpers/secrets.js';

// The real OpenClaw CLI from npm (see scripts/ensure-openclaw.mjs), driven by its own commands in a
// throwaway HOME, and the built authwatch CLI as a child process. Each OpenClaw run takes 1-3 s.
const MODEL = 'anthropic/claude-sonnet-4-5';

async function scenario() {
  const box = sandbox();
  const oc = realOpenclaw(box.home);
  // authwatch finds OpenClaw through PATH, as it would on a user's machine.
  box.env.PATH = `${dirname(oc.bin)}:${box.env.PATH}`;
  await oc.useModel(MODEL);
  return { box, oc };
}

function everything(box: ReturnType<typeof sandbox>, ...results: Array<{ stdout: string; stderr: string }>) {
  const texts: Record<string, string> = {};
  results.forEach((r, i) => {
    texts[`stdout ${i}`] = r.stdout;
    texts[`stderr ${i}`] = r.stderr;
  });
  texts['state file'] = readFileSync(box.statePath, 'utf8');
  return texts;
}

// Sequential on purpose: each OpenClaw run takes ~285 MB and a full core; in parallel on a
// 2-core CI machine they starve each other and the timing-sensitive expiry test.
describe('authwatch against the real OpenClaw CLI', { timeout: 300_000 }, () => {
  it('a token valid for 30 days and an API key: exit 0, ok and static', async () => {
    const { box, oc } = await scenario();
    const token = fakeToken();
    const key = fakeToken('sk-proj-');
    await oc.pasteToken('anthropic', token, '30d');
    await oc.pasteApiKey('openai', key);

    const result = await runCli(['check', '--json'], box.env);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = parseReport(result);
    expect(report).toMatchObject({ version: 1, status: 'ok', exitCode: 0, errors: [] });
    expect(report.credentials.map((c) => [c.id, c.type, c.status])).toEqual([
      ['openclaw:main:anthropic:manual', 'token', 'ok'],
      ['openclaw:main:openai:manual', 'api_key', 'static'],
    ]);
    const anthropic = report.credentials[0]!;
    expect(anthropic.remainingMs).toBeGreaterThan(29 * 86_400_000);
    expect(Date.parse(anthropic.expiresAt!) - Date.parse(report.checkedAt)).toBe(anthropic.remainingMs);
    expect(anthropic.remedy).toBeNull();

    const status = await runCli(['status'], box.env);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toMatch(/^ok +main +anthropic +anthropic:manual +token +\d{4}-\d\d-\d\d \d\d:\d\d +29d 23h$/m);
    // No configured model uses openai: its key is listed, marked, and never decides the exit code.
    expect(status.stdout).toMatch(/^static \(unused\) +main +openai +openai:manual +api_key +- +-$/m);
    expect(status.stdout).not.toContain('To fix');
    expectNoSecrets(everything(box, result, status), [token, key]);
  });

  it('a token expiring in 3h: exit 2, warn, with the remedy commands', async () => {
    const { box, oc } = await scenario();
    const token = fakeToken();
    await oc.pasteToken('anthropic', token, '3h');
    const result = await runCli(['check', '--json'], box.env);
    expect(result.exitCode, result.stderr).toBe(2);
    const [credential] = parseReport(result).credentials;
    expect(credential).toMatchObject({ status: 'warn', type: 'token', provider: 'anthropic' });
    expect(credential!.remedy).toContain('claude setup-token');
    expect(credential!.remedy).toContain('openclaw models auth setup-token --provider anthropic');

    const check = await runCli(['check'], box.env);
    expect(check.exitCode).toBe(2);
    expect(check.stdout).toMatch(/^warn: anthropic:manual \(agent main\), expires \d{4}-\d\d-\d\d \d\d:\d\d \(in 2h 59m\)$/m);
    expect(check.stdout).toContain('  Then: openclaw models auth setup-token --provider anthropic\n');
    expectNoSecrets(everything(box, result, check), [token]);
  });

  it('a token expiring in 1h: critical (still exit 2)', async () => {
    const { box, oc } = await scenario();
    await oc.pasteToken('anthropic', fakeToken(), '1h');
    const result = await runCli(['check', '--json'], box.env);
    expect(result.exitCode).toBe(2);
    expect(parseReport(result)).toMatchObject({ status: 'critical', credentials: [{ status: 'critical' }] });
  });

  it('a token that expires: exit 1, expired, and the expiry time is remembered', async () => {
    const { box, oc } = await scenario();
    const token = fakeToken();
    // The "2s" cannot be seen alive first: OpenClaw itself needs seconds per command here.
    // 30 s leaves a slow CI machine room for one check while it is alive; then it lapses.
    await oc.pasteToken('anthropic', token, '30s');
    const before = await runCli(['check', '--json', '--agent', 'main'], box.env);
    const alive = parseReport(before).credentials[0]!;
    expect(alive.status).toBe('critical');
    const expiresAt = Date.parse(alive.expiresAt!);

    await sleep(Math.max(0, expiresAt - Date.now()) + 500);
    const after = await runCli(['check', '--json', '--agent', 'main'], box.env);
    expect(after.exitCode, after.stderr).toBe(1);
    const report = parseReport(after);
    expect(report.status).toBe('expired');
    // OpenClaw no longer reports an expiry; authwatch remembered it.
    expect(report.credentials).toEqual([
      expect.objectContaining({ id: 'openclaw:main:anthropic:manual', status: 'expired', expiresAt: new Date(expiresAt).toISOString() }),
    ]);
    expect(report.credentials[0]!.remainingMs).toBeLessThan(0);

    const status = await runCli(['status', '--agent', 'main'], box.env);
    expect(status.exitCode).toBe(1);
    expect(status.stdout).toMatch(/^expired +main +anthropic +anthropic:manual +token +\d{4}-\d\d-\d\d \d\d:\d\d +expired \d+s ago$/m);
    expectNoSecrets(everything(box, before, after, status), [token]);
  });

  it("no credential for the default model's provider: exit 1, missing, with how to log in", async () => {
    const box = sandbox();
    const oc = realOpenclaw(box.home);
    box.env.OPENCLAW_BIN = oc.bin; // the other way to point authwatch at OpenClaw
    const result = await runCli(['check', '--json'], box.env);
    expect(result.exitCode, result.stderr).toBe(1);
    const report = parseReport(result);
    expect(report.credentials).toEqual([
      expect.objectContaining({ id: 'openclaw:main:provider:openai', provider: 'openai', profileId: null, type: null, status: 'missing' }),
      // Offline, OpenClaw cannot install the Codex plugin its default OpenAI model runs on.
      expect.objectContaining({ id: 'openclaw:main:runtime:openai:codex', provider: 'openai', status: 'unusable' }),
    ]);
    expect(report.credentials[0]!.remedy).toContain('openclaw models auth login --provider openai');
    expect(report.credentials[1]!.remedy).toContain('openclaw plugins install @openclaw/codex');
  });

  it("two agents: each is checked, and the non-default agent's remedy carries --agent", async () => {
    const { box, oc } = await scenario();
    await oc.pasteToken('anthropic', fakeToken(), '30d');
    await oc.addAgent('work', join(box.home, 'w'), MODEL);
    await oc.pasteToken('anthropic', fakeToken(), '1h', 'work');
    const result = await runCli(['check', '--json'], box.env);
    expect(result.exitCode, result.stderr).toBe(2);
    const report = parseReport(result);
    expect(report.credentials.map((c) => [c.id, c.status])).toEqual([
      ['openclaw:work:anthropic:manual', 'critical'],
      ['openclaw:main:anthropic:manual', 'ok'],
    ]);
    expect(report.credentials[0]!.remedy).toContain('openclaw models auth setup-token --provider anthropic --agent work');

    const onlyMain = parseReport(await runCli(['check', '--json', '--agent', 'main'], box.env));
    expect(onlyMain.credentials.map((c) => c.id)).toEqual(['openclaw:main:anthropic:manual']);
  });

  it('alert lifecycle across check runs: one alert, then quiet, one reminder, one resolved after a re-paste', async () => {
    const { box, oc } = await scenario();
    const server = await startReceiver();
    try {
      const secret = `whsec_${Buffer.from(fakeToken('k')).toString('base64')}`;
      box.env.HOOK_SECRET = secret;
      // A 48h warn window and a 1h warn reminder, so a 30h token is "expiring" and stays so
      // while the injected clock (AUTHWATCH_NOW, for tests only) moves two hours on.
      const config = box.writeConfig(
        `thresholds: { warn: 48h, critical: 2h }\nremind: { warn: 1h }\nnotifiers:\n  - type: webhook\n    name: ops\n    url: ${server.url}/hook\n    secret: env:HOOK_SECRET\n`,
      );
      const check = (at?: number) => runCli(['check', '--json', '--config', config], at === undefined ? box.env : { ...box.env, AUTHWATCH_NOW: String(at) });
      const events = () =>
        server.requests.map((r) => {
          const payload = new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { event: string; status: string };
          return `${payload.event}:${payload.status}`;
        });
      const token = fakeToken();
      await oc.pasteToken('anthropic', token, '30h');
      const start = Date.now();

      const first = await check();
      expect(first.exitCode, first.stderr).toBe(2);
      expect(events()).toEqual(['firing:warn']);
      await check();
      expect(events()).toEqual(['firing:warn']);
      await check(start + 2 * 3_600_000);
      expect(events()).toEqual(['firing:warn', 'reminder:warn']);

      const fresh = fakeToken();
      await oc.pasteToken('anthropic', fresh, '30d');
      const last = await check(start + 3 * 3_600_000);
      expect(last.exitCode).toBe(0);
      expect(events()).toEqual(['firing:warn', 'reminder:warn', 'resolved:ok']);
      await check(start + 4 * 3_600_000);
      expect(server.requests).toHaveLength(3);
      expectNoSecrets({ ...everything(box, first, last), bodies: server.requests.map((r) => r.body).join('\n') }, [token, fresh, secret]);
    } finally {
      await server.close();
    }
  });
});
