import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { fakeToken, type JsonReport, parseReport, runCli, type Sandbox } from '../helpers/cli.js';
import { type RunningGateway, startGateway } from '../helpers/gateway.js';
import { OFFLINE, realOpenclaw } from '../helpers/openclaw.js';
import { copyOf } from '../helpers/openclaw-states.js';
import { countedEnv, openclawStarts, startsDuring } from '../helpers/openclaw-starts.js';
import { itWithTool, onPath } from '../helpers/tools.js';
import { startUsageProxy, type UsageProxy } from '../helpers/usage-proxy.js';
import { startWatch } from '../helpers/watch.js';

// Subscription usage windows through a real gateway: OpenClaw fetches them from Anthropic's fixed
// usage URL, which a local CONNECT proxy answers with a throwaway CA's certificate
// (helpers/usage-proxy.ts). The gateway's usage cache fills in the background after the first
// models.authStatus, so the first checks may see no windows (and resolve nothing for that).
const it = itWithTool('openssl', 'openssl');
const TOKEN = `gw-${fakeToken('')}`;
const RESETS = '2026-12-31T12:00:00Z';

let box: Sandbox;
let gateway: RunningGateway | undefined;
let proxy: UsageProxy | undefined;

beforeAll(async () => {
  if (!onPath('openssl')) return;
  box = (await copyOf('anthropic-30d')).box;
  box.env.OPENCLAW_BIN = realOpenclaw(box.home).bin;
  // The gateway's log in this test's own file, not the /tmp/openclaw every OpenClaw here shares
  // (`logging.file`, as `openclaw config set` writes it, without an OpenClaw start for it).
  const configPath = join(box.home, '.openclaw', 'openclaw.json');
  const openclawConfig = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  openclawConfig.logging = { file: join(box.home, 'openclaw.log') };
  writeFileSync(configPath, JSON.stringify(openclawConfig, null, 2));
  proxy = await startUsageProxy(box.dir, { fiveHour: 42, sevenDay: 100, sevenDaySonnet: 85, resetsAt: RESETS });
  gateway = await startGateway(box.home, TOKEN, undefined, undefined, {
    ...OFFLINE,
    HTTPS_PROXY: proxy.url,
    HTTP_PROXY: proxy.url,
    NODE_EXTRA_CA_CERTS: proxy.caPath,
  });
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
  await proxy?.close();
});

const config = (extra = '') => box.writeConfig(`sources:\n  openclaw:\n    via: gateway\n${extra}`);

/** Checks until the gateway's reply carries usage windows (its cache fills after the first ask). */
async function checkWithUsage(args: string[]): Promise<{ report: JsonReport; exitCode: number | undefined; stderr: string }> {
  for (let attempt = 0; ; attempt++) {
    const result = await runCli(['check', '--json', ...args], box.env);
    const report = parseReport(result);
    if (report.credentials.some((c) => c.id.includes(':usage:')) || attempt >= 30) return { report, exitCode: result.exitCode, stderr: result.stderr };
  }
}

describe('usage windows through the gateway', { timeout: 180_000 }, () => {
  it('each window is a record judged by how full it is: 42% ok, 85% warn, 100% unusable until it resets', async () => {
    const textfile = join(box.home, 'authwatch.prom');
    const { report, exitCode, stderr } = await checkWithUsage(['--no-notify', '--config', config(), '--metrics-textfile', textfile]);
    expect(exitCode, stderr).toBe(1);
    const usage = report.credentials.filter((c) => c.id.includes(':usage:'));
    expect(usage.map((c) => [c.id, c.status, c.usage?.usedPercent])).toEqual([
      ['openclaw:main:usage:anthropic:week', 'unusable', 100],
      ['openclaw:main:usage:anthropic:sonnet', 'warn', 85],
      ['openclaw:main:usage:anthropic:5h', 'ok', 42],
    ]);
    expect(usage[0]).toMatchObject({ provider: 'anthropic', profileId: null, usage: { window: 'Week', resetAt: '2026-12-31T12:00:00.000Z' } });
    expect(usage[0]!.remedy).toBe(
      [
        'The Week window resets at 2026-12-31T12:00:00.000Z; until then this provider refuses requests on this subscription.',
        'Meanwhile another account can take the traffic: openclaw models auth order set --provider anthropic --agent main <other-profile-id>',
        "Or another provider's model, as a fallback: openclaw models fallbacks add <provider/model>",
        'Verify: openclaw models status --agent main',
      ].join('\n'),
    );
    // Anthropic gives the Sonnet window no reset time.
    expect(usage[1]!.detail).toBe('85% of the Sonnet usage window used');
    expect(usage[1]!.remedy!.split('\n')[0]).toBe('Wait, or plan for it: the Sonnet window resets.');
    // The token itself is fine: the windows are the news.
    expect(report.credentials.find((c) => c.id === 'openclaw:main:anthropic:manual')).toMatchObject({ status: 'ok' });
    expect(readFileSync(textfile, 'utf8')).toMatch(/^authwatch_usage_ratio\{agent="main",provider="anthropic",window="Sonnet",in_use="true"\} 0\.85$/m);
    // Only Anthropic's host was let through, and its usage endpoint asked.
    expect(proxy!.requests).toContain('GET /api/oauth/usage');
    expect(proxy!.connects.filter((c) => c !== 'api.anthropic.com:443').every((c) => !c.startsWith('api.anthropic.com'))).toBe(true);

    // OpenClaw's own check, with the same usage endpoint reachable, ignores the windows: a deliberate
    // difference (docs/commands.md#exit-codes).
    const check = await execa(box.env.OPENCLAW_BIN!, ['models', 'status', '--json', '--check', '--agent', 'main'], {
      env: { ...box.env, ...OFFLINE, HTTPS_PROXY: proxy!.url, HTTP_PROXY: proxy!.url, NODE_EXTRA_CA_CERTS: proxy!.caPath, ...countedEnv() },
      reject: false,
    });
    expect(check.exitCode, String(check.stderr)).toBe(0);

    const status = await runCli(['status', '--config', config()], box.env);
    expect(status.stdout).toMatch(/^unusable +main +anthropic +\(window Week\) +usage +2026-12-31 12:00 +100% used$/m);
  });

  it('an alert per window, labelled with it; usage.enabled: false drops the records', async () => {
    const alerts = join(box.dir, 'usage-alerts.log');
    const notify = config(`notifiers:\n  - type: command\n    command: [sh, -c, 'echo "$AUTHWATCH_CREDENTIAL_ID $AUTHWATCH_STATUS" >> ${alerts}']\n`);
    const { exitCode } = await checkWithUsage(['--config', notify]);
    expect(exitCode).toBe(1);
    expect(readFileSync(alerts, 'utf8').split('\n').filter(Boolean).sort()).toEqual([
      'openclaw:main:usage:anthropic:sonnet warn',
      'openclaw:main:usage:anthropic:week unusable',
    ]);

    const off = await runCli(['check', '--json', '--no-notify', '--config', config('usage:\n  enabled: false\n')], box.env);
    expect(off.exitCode, off.stderr).toBe(0);
    expect(parseReport(off).credentials.map((c) => c.id)).toEqual(['openclaw:main:anthropic:manual']);
  });
});

describe('cooldowns under watch, from the gateway log', { timeout: 180_000 }, () => {
  it('a profile disabled after a failure is reported within a minute; a chat turn alone runs no CLI', async () => {
    const oc = realOpenclaw(box.home);
    const textfile = join(box.home, 'watch.prom');
    const disabled = 'authwatch_credential_status{agent="main",provider="anthropic",profile="anthropic:manual",in_use="true",status="unusable"} 1';
    // The route facts the checks above made: not new, so the pass a failure calls for is not held back.
    const w = startWatch(
      ['--config', config('schedule: "0 0 1 1 *"\nusage:\n  enabled: false\n'), '--log-level', 'info', '--metrics-textfile', textfile],
      box.env,
    );
    try {
      await w.waitFor(() => w.lines.some((l) => l.msg === 'openclaw gateway: following its log for profile failures'), 60_000, 'the log followed');
      await w.waitFor(() => w.checks().length >= 1, 60_000, 'the first check');
      const cliRuns = () => openclawStarts().filter((s) => s.startsWith('models status'));

      // A chat turn's bookkeeping: the store changes, a check runs through the gateway, and no CLI.
      const runsBefore = cliRuns().length;
      const checksBefore = w.checks().length;
      await oc.profileUsed('anthropic:manual');
      await w.waitFor(
        () =>
          w
            .checks()
            .slice(checksBefore)
            .some((c) => c.trigger === 'credentials changed'),
        30_000,
        'the re-check',
      );
      expect(cliRuns().length).toBe(runsBefore);

      // OpenClaw's failover disables the profile (auth_permanent, ~10 min): its store changes (a check
      // through the gateway, which has no cooldowns), and its log says so: then the CLI pass that reports it.
      await oc.profileFailure('anthropic:manual', 'auth_permanent');
      await w.waitFor(() => existsSync(textfile) && readFileSync(textfile, 'utf8').includes(disabled), 60_000, 'the disabled profile, within a minute');
      expect(w.lines.some((l) => l.msg === 'openclaw gateway: a profile failed (its log), checking its cooldowns')).toBe(true);
      expect(cliRuns().slice(runsBefore)).toEqual(['models status --json --agent=main']);
    } finally {
      await w.stop();
    }
  });

  it('a timer reads the log at most hourly: a failure since its last read runs the pass that reports it', async () => {
    const env = { ...box.env, XDG_STATE_HOME: join(box.home, 'state-timer') };
    const routes = join(box.home, 'state-timer', 'authwatch', 'openclaw-routes.json');
    const check = () => runCli(['check', '--json', '--no-notify', '--config', config('usage:\n  enabled: false\n'), '--log-level', 'debug'], env);
    await check();
    const { result: quiet, starts: none } = await startsDuring(check);
    expect(none).toEqual([]);
    expect(quiet.stderr).not.toContain('logged a profile failure');

    await realOpenclaw(box.home).profileFailure('anthropic:manual', 'billing');
    // An hour on for the log read (the time it is kept in the cache file), not for the route facts.
    const file = JSON.parse(readFileSync(routes, 'utf8'));
    file.logReadAt -= 3_600_000;
    writeFileSync(routes, JSON.stringify(file));
    const { result, starts } = await startsDuring(check);
    expect(result.stderr).toMatch(/"reason":"the gateway logged a profile failure".*"msg":"openclaw: route pass through the CLI"/);
    expect(starts.filter((s) => s.startsWith('models status'))).toEqual(['models status --json --agent=main']);
    expect(parseReport(result).credentials.find((c) => c.id === 'openclaw:main:anthropic:manual')).toMatchObject({ status: 'unusable' });
  });
});
