import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fakeToken, parseReport, runCli, type Sandbox } from '../helpers/cli.js';
import { type RunningGateway, startGateway } from '../helpers/gateway.js';
import { realOpenclaw } from '../helpers/openclaw.js';
import { FALLBACK } from '../helpers/openclaw-recipes.js';
import { startsDuring } from '../helpers/openclaw-starts.js';
import { copyOf } from '../helpers/openclaw-states.js';
import { expectNoSecrets } from '../helpers/secrets.js';

// A real `openclaw gateway run`, started here on a free loopback port with a token, and always
// stopped (it re-parents itself: helpers/gateway.ts stops whoever listens on its port). The state is
// a copy of `gateway-mix` (helpers/openclaw-recipes.ts): every kind of record at once.
const TOKEN = `gw-${fakeToken('')}`;

let box: Sandbox;
let gateway: RunningGateway | undefined;

beforeAll(async () => {
  box = (await copyOf('gateway-mix')).box;
  box.env.OPENCLAW_BIN = realOpenclaw(box.home).bin;
  gateway = await startGateway(box.home, TOKEN);
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
});

const via = (mode: string, extra = '') => box.writeConfig(`sources:\n  openclaw:\n    via: ${mode}\n${extra}`);
// Field by field, by id.
const comparable = (r: ReturnType<typeof parseReport>) =>
  r.credentials
    .map(({ id, status, provider, profileId, type, expiresAt, remedy, agent, inUse, detail }) => ({
      id,
      status,
      provider,
      profileId,
      type,
      expiresAt,
      remedy,
      agent,
      inUse,
      detail,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
const debug = ['--log-level', 'debug'];
/**
 * The CLI's records without those the gateway folded into another agent's: the RPC marks what an
 * agent reads from the shared store (`source: inherited`), the CLI does not say.
 */
const withoutInherited = (cli: ReturnType<typeof parseReport>, gatewayReport: ReturnType<typeof parseReport>) => {
  const absorbed = new Set(gatewayReport.credentials.flatMap((c) => (c.sharedWith ?? []).map((agent) => `openclaw:${agent}:${c.profileId}`)));
  return comparable({ ...cli, credentials: cli.credentials.filter((c) => !absorbed.has(c.id)) });
};

describe('the openclaw source through the running gateway', { timeout: 180_000 }, () => {
  it('gives the same records as the CLI, for every agent, with the route facts from one CLI pass', async () => {
    // The CLI first: expired profiles carry no expiry over the RPC, and the remembered one is used.
    const throughCli = await runCli(['check', '--json', '--no-notify', '--config', via('cli')], box.env);
    const { result: throughGateway, starts } = await startsDuring(() => runCli(['check', '--json', '--no-notify', '--config', via('auto'), ...debug], box.env));
    expect(throughCli.exitCode, throughCli.stderr).toBe(1);
    expect(throughGateway.exitCode, throughGateway.stderr).toBe(1);
    const g = parseReport(throughGateway);
    expect(comparable(g)).toEqual(withoutInherited(parseReport(throughCli), g));
    // OAuth: the RPC says `ok` with 3h left where the CLI says `expiring`; both are renewed on use. A
    // failed refresh is `expired` either way.
    expect(comparable(g).map((c) => [c.id, c.status])).toEqual([
      ['openclaw:main:anthropic:ana@example.com', 'ok'],
      ['openclaw:main:anthropic:bo@example.com', 'expired'],
      ['openclaw:main:anthropic:manual', 'warn'],
      ['openclaw:main:anthropic:old', 'expired'],
      ['openclaw:main:anthropic:short', 'critical'],
      ['openclaw:main:openai:manual', 'static'],
      [`openclaw:main:route:${FALLBACK}`, 'missing'],
      // The new agent reads main's profiles and key from the shared store (main's records stand for
      // them), and has a 30d token of its own.
      ['openclaw:work:anthropic:manual', 'ok'],
    ]);
    expect(
      g.credentials
        .filter((c) => c.sharedWith)
        .map((c) => c.id)
        .sort(),
    ).toEqual([
      'openclaw:main:anthropic:ana@example.com',
      'openclaw:main:anthropic:bo@example.com',
      'openclaw:main:anthropic:old',
      'openclaw:main:anthropic:short',
      'openclaw:main:openai:manual',
    ]);
    expect(new Set(g.credentials.flatMap((c) => c.sharedWith ?? []))).toEqual(new Set(['work']));
    expect(g.sources[0]).toMatchObject({ source: 'openclaw', via: 'gateway', url: gateway!.url, agents: 2, fallbackReason: null, routesAgeMs: 0 });
    // One CLI pass per agent for the route facts, and no `agents list`: the gateway listed them.
    expect(starts.sort()).toEqual(['models status --json --agent=main', 'models status --json --agent=work']);
    expect(throughGateway.stderr.match(/"msg":"openclaw: route pass through the CLI"/g)).toHaveLength(2);
    expect(throughGateway.stderr).toContain('"reason":"no route facts yet"');
    expectNoSecrets({ out: throughGateway.stdout, err: throughGateway.stderr }, [TOKEN]);
  });

  it('the next checks reuse the route facts (no CLI at all), and `status` says how it read', async () => {
    // Route facts (from the test before, or made now when this one runs alone).
    await runCli(['check', '--json', '--no-notify', '--config', via('auto')], box.env);
    const { result: again, starts } = await startsDuring(() => runCli(['check', '--json', '--no-notify', '--config', via('auto'), ...debug], box.env));
    expect(again.exitCode, again.stderr).toBe(1);
    expect(starts).toEqual([]);
    const report = parseReport(again);
    expect(report.sources[0]!.routesAgeMs).toBeGreaterThan(0);
    expect(report.credentials.map((c) => c.id)).toContain(`openclaw:main:route:${FALLBACK}`);

    // The gateway client on Node 24 (OpenClaw's own) gives the same.
    const { result: on24, starts: on24Starts } = await startsDuring(() =>
      runCli(['check', '--json', '--no-notify', '--config', via('auto'), ...debug], box.env, 120_000, inject('node24')),
    );
    expect(on24.exitCode, on24.stderr).toBe(1);
    expect(on24Starts).toEqual([]);
    expect(parseReport(on24).sources[0]).toMatchObject({ via: 'gateway', agents: 2 });
    expect(comparable(parseReport(on24))).toEqual(comparable(report));

    const status = await runCli(['status', '--config', via('auto')], box.env);
    expect(status.stdout).toMatch(new RegExp(`\\nread via gateway ${gateway!.url} in \\d+ ms \\(route facts from the CLI, \\d+s old\\)\\n$`));

    const doctor = await runCli(['doctor', '--config', via('auto')], box.env);
    expect(doctor.stdout).toMatch(
      new RegExp(
        `^ok {4}openclaw transport: the gateway ${gateway!.url} \\(credential from .*openclaw\\.json \\(gateway\\.auth\\.token\\); it answered\\), route facts from a CLI pass on each change seen, at least every 7d$`,
        'm',
      ),
    );

    const textfile = join(box.home, 'authwatch.prom');
    await runCli(['check', '--no-notify', '--config', via('auto'), '--metrics-textfile', textfile], box.env);
    expect(readFileSync(textfile, 'utf8')).toMatch(/^authwatch_source_duration_seconds\{source="openclaw",via="gateway"\} 0\.\d+$/m);
  });

  it("a profile added, or a change to OpenClaw's config, runs a new pass", async () => {
    // Route facts first (already there unless this test runs alone).
    await runCli(['check', '--json', '--no-notify', '--config', via('auto')], box.env);
    const oc = realOpenclaw(box.home);
    await oc.pasteToken('anthropic', fakeToken(), '30d', 'main', 'anthropic:extra');
    const added = await runCli(['check', '--json', '--no-notify', '--config', via('auto'), ...debug], box.env);
    // paste-token writes OpenClaw's config file too, and the gateway announces config.changed:
    // whichever is noticed first names the pass.
    expect(added.stderr).toMatch(
      /"reason":"(the gateway lists other profiles|the gateway announced config\.changed|OpenClaw's config file changed)","msg":"openclaw: route pass through the CLI"/,
    );
    expect(parseReport(added).credentials.map((c) => c.id)).toContain('openclaw:main:anthropic:extra');

    await oc.run(['models', '--agent', 'main', 'fallbacks', 'remove', FALLBACK]);
    const removed = await runCli(['check', '--json', '--no-notify', '--config', via('auto'), ...debug], box.env);
    expect(removed.stderr).toMatch(
      /"reason":"(OpenClaw's config file changed|the gateway announced config\.changed)","msg":"openclaw: route pass through the CLI"/,
    );
    expect(parseReport(removed).credentials.map((c) => c.id)).not.toContain(`openclaw:main:route:${FALLBACK}`);
  });

  it('a wrong token is an error (exit 3) naming where the token came from, in auto too: no silent fallback', async () => {
    box.env.BAD_GATEWAY_TOKEN = 'not-the-token-0123456789';
    for (const mode of ['gateway', 'auto']) {
      const result = await runCli(['check', '--json', '--no-notify', '--config', via(mode, '    gateway:\n      token: env:BAD_GATEWAY_TOKEN\n')], box.env);
      expect(result.exitCode, result.stderr).toBe(3);
      const [error] = parseReport(result).errors;
      expect(error!.message).toMatch(/^openclaw gateway ws:\/\/127\.0\.0\.1:\d+: .*token mismatch.* \(credential from sources\.openclaw\.gateway\.token\)$/);
      expect(parseReport(result).credentials[0]!.remedy).toMatch(
        /^The gateway refused the credential from sources\.openclaw\.gateway\.token\.\n.*openclaw gateway restart\n/,
      );
      expectNoSecrets({ out: result.stdout, err: result.stderr }, ['not-the-token-0123456789', TOKEN]);
    }
    delete box.env.BAD_GATEWAY_TOKEN;
  });

  it('auto without a readable token uses the CLI and says why', async () => {
    const elsewhere = { ...box.env, OPENCLAW_CONFIG_PATH: join(box.home, 'no-such-openclaw.json') };
    const result = await runCli(['check', '--json', '--no-notify', '--config', via('auto'), '--log-level', 'info'], elsewhere);
    // A change of transport is logged once, at info.
    expect(result.stderr).toContain('"msg":"openclaw: reading via the CLI"');
    // (Pointed at no config, OpenClaw itself sees only its default agent.)
    expect(parseReport(result).sources[0]).toMatchObject({ via: 'cli', agents: 1, fallbackReason: expect.stringMatching(/^no gateway token in /) });
  });

  it('auto with the gateway stopped uses the CLI (same records); gateway alone is an error', async () => {
    const throughGateway = await runCli(['check', '--json', '--no-notify', '--config', via('auto')], box.env);
    const lastThroughGateway = parseReport(throughGateway);
    expect(lastThroughGateway.sources[0]!.via).toBe('gateway');
    await gateway!.stop();
    gateway = undefined;
    const auto = await runCli(['check', '--json', '--no-notify', '--config', via('auto')], box.env);
    const report = parseReport(auto);
    expect(report.sources[0]).toMatchObject({ via: 'cli', fallbackReason: expect.stringContaining('ECONNREFUSED') });
    // The CLI's answer equals the gateway's last one on the same state, exit code included.
    expect(auto.exitCode, auto.stderr).toBe(lastThroughGateway.exitCode);
    expect(withoutInherited(report, lastThroughGateway)).toEqual(comparable(lastThroughGateway));
    expect(report.credentials.map((c) => c.id)).toContain('openclaw:work:anthropic:manual');
    const status = await runCli(['status', '--config', via('auto')], box.env);
    expect(status.stdout).toMatch(
      /\nread via the CLI in \d+\.\d s \(gateway not used: openclaw gateway ws:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*\)\nusage windows: not read \(they need the gateway\)\n$/,
    );
    const doctor = await runCli(['doctor', '--config', via('auto')], box.env);
    expect(doctor.stdout).toMatch(
      /^warn {2}openclaw transport: the CLI for now: the gateway ws:\/\/127\.0\.0\.1:\d+ does not answer \(.*ECONNREFUSED.*\); checks use it once it runs$/m,
    );
    const only = await runCli(['check', '--json', '--no-notify', '--config', via('gateway')], box.env);
    expect(only.exitCode).toBe(3);
    expect(parseReport(only).errors[0]!.message).toContain('ECONNREFUSED');
    expect(parseReport(only).credentials[0]!.remedy).toMatch(/^Start the gateway: openclaw gateway start/);
  });
});
