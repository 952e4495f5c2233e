import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { fakeToken, parseReport, runCli, type Sandbox } from '../helpers/cli.js';
import { realOpenclaw } from '../helpers/openclaw.js';
import type { StateName } from '../helpers/openclaw-recipes.js';
import { copyOf } from '../helpers/openclaw-states.js';
import { startReceiver } from '../helpers/receiver.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import { startWatch } from '../helpers/watch.js';

// The real OpenClaw CLI from npm (see scripts/ensure-openclaw.mjs), in states made with its own
// commands (helpers/openclaw-recipes.ts), and the built authwatch CLI as a child process. More of
// what a user sees of each state is in parity.test.ts, beside OpenClaw's own answer for it.

/** A state of the test's own, which authwatch finds OpenClaw for through PATH, as on a user's machine. */
async function scenario(name: StateName) {
  const { box, secrets } = await copyOf(name);
  const oc = realOpenclaw(box.home);
  box.env.PATH = `${dirname(oc.bin)}:${box.env.PATH}`;
  return { box, oc, secrets };
}

function everything(box: Sandbox, ...results: Array<{ stdout: string; stderr: string }>) {
  const texts: Record<string, string> = {};
  results.forEach((r, i) => {
    texts[`stdout ${i}`] = r.stdout;
    texts[`stderr ${i}`] = r.stderr;
  });
  texts['state file'] = readFileSync(box.statePath, 'utf8');
  return texts;
}

describe('authwatch against the real OpenClaw CLI', { timeout: 300_000 }, () => {
  it.concurrent('a token that expires: exit 1, expired, and the expiry time is remembered', async () => {
    const { box, oc } = await scenario('anthropic');
    const token = fakeToken();
    // The "2s" cannot be seen alive first: OpenClaw itself needs seconds per command here.
    // 30 s leaves a slow CI machine room for one check while it is alive; then it lapses.
    await oc.pasteToken('anthropic', token, '30s');
    const before = await runCli(['check', '--json', '--agent', 'main'], box.env);
    const alive = parseReport(before).credentials[0]!;
    expect(alive.status).toBe('critical');
    const expiresAt = Date.parse(alive.expiresAt!);

    // Until the moment it expires (the other tests run meanwhile): then OpenClaw reports it expired.
    await sleep(Math.max(0, expiresAt - Date.now() + 1));
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

  it.concurrent('alert lifecycle across check runs: one alert, then quiet, one reminder, one resolved after a re-paste', async () => {
    const { box, oc } = await scenario('anthropic');
    const server = await startReceiver();
    try {
      const secret = `whsec_${Buffer.from(fakeToken('k')).toString('base64')}`;
      box.env.HOOK_SECRET = secret;
      // A 48h warn window and a 1h warn reminder, so a 30h token is "expiring" and stays so
      // while the injected clock (AUTHWATCH_NOW, for tests only) moves two hours on.
      const config = box.writeConfig(
        `thresholds: { warn: 48h, critical: 2h }\nremind: { warn: 1h }\nnotifiers:\n  - type: webhook\n    name: ops\n    url: ${server.url}/hook\n    secret: env:HOOK_SECRET\n`,
      );
      // The agent named: one OpenClaw start per check (no `agents list`).
      const check = (at?: number) =>
        runCli(['check', '--json', '--agent', 'main', '--config', config], at === undefined ? box.env : { ...box.env, AUTHWATCH_NOW: String(at) });
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

  it.concurrent('watch through the CLI alone reads ahead of a crossing and judges at the crossing itself', async () => {
    // A state of its own (watch checks it several times); the agent named: one OpenClaw start per check.
    const { box } = await scenario('anthropic-3h');
    const server = await startReceiver();
    const config = (critical: string) =>
      box.writeConfig(
        `schedule: "0 0 1 1 *"\nthresholds: { warn: 24h, critical: ${critical} }\nsources:\n  openclaw:\n    via: cli\nnotifiers:\n  - type: webhook\n    url: ${server.url}\n`,
      );
    const w = startWatch(['--config', config('1h'), '--agent', 'main'], box.env);
    try {
      // The first check fires the warning and says when the token expires.
      await w.waitFor(() => server.requests.length >= 1, 120_000, 'the first alert');
      const expiresAt = Date.parse((JSON.parse(server.requests[0]!.body) as { expiresAt: string }).expiresAt);
      // Move the critical threshold so the token crosses it 20 s from now, and reload.
      const crossing = Date.now() + 20_000;
      config(`${Math.floor((expiresAt - crossing) / 1000)}s`);
      w.child.kill('SIGHUP');
      await w.waitFor(() => w.checks().some((c) => c.trigger === 'threshold'), 120_000, 'the check at the crossing');
      const ahead = w.checks().find((c) => c.trigger === 'threshold')!;
      // Order, not speed (the bench measures the delay): OpenClaw's CLI was asked before the
      // crossing, and the alert was judged at it, from that read.
      expect(ahead.via).toBe('cli');
      expect(ahead.readFrom as number).toBeLessThan(ahead.crossing as number);
      const critical = JSON.parse(server.requests.at(-1)!.body) as { status: string; checkedAt: string };
      expect(critical.status).toBe('critical');
      expect(Date.parse(critical.checkedAt)).toBeGreaterThanOrEqual(ahead.crossing as number);
    } finally {
      await w.stop();
      await server.close();
    }
  });
});
