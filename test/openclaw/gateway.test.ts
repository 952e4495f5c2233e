import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeToken, parseReport, runCli, sandbox } from '../helpers/cli.js';
import { type RunningGateway, startGateway } from '../helpers/gateway.js';
import { realOpenclaw } from '../helpers/openclaw.js';
import { expectNoSecrets } from '../helpers/secrets.js';

// A real `openclaw gateway run`, started here on a free loopback port with a token, and always
// stopped (it re-parents itself: helpers/gateway.ts stops whoever listens on its port).
const MODEL = 'anthropic/claude-sonnet-4-5';
const TOKEN = `gw-${fakeToken('')}`;

let box: ReturnType<typeof sandbox>;
let gateway: RunningGateway | undefined;

beforeAll(async () => {
  box = sandbox();
  const oc = realOpenclaw(box.home);
  box.env.OPENCLAW_BIN = oc.bin;
  await oc.useModel(MODEL);
  await oc.pasteToken('anthropic', fakeToken(), '3h');
  await oc.pasteApiKey('openai', fakeToken('sk-proj-'));
  await oc.addAgent('work', join(box.home, 'w'), MODEL);
  await oc.pasteToken('anthropic', fakeToken(), '30d', 'work');
  gateway = await startGateway(box.home, TOKEN);
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
});

const via = (mode: string, extra = '') => box.writeConfig(`sources:\n  openclaw:\n    via: ${mode}\n${extra}`);
// Field by field, by id. Not inUse (nor the order, which puts unused last): the RPC does not say
// which models are configured, so through the gateway every profile counts as in use (issue 11's
// CLI route pass is what will supply it).
const comparable = (r: ReturnType<typeof parseReport>) =>
  r.credentials
    .map(({ id, status, provider, profileId, type, expiresAt, remedy, agent }) => ({ id, status, provider, profileId, type, expiresAt, remedy, agent }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));

describe('the openclaw source through the running gateway', { timeout: 180_000 }, () => {
  it('gives the same records as the CLI, for every agent (a token expiring in 3h, one for 30d, an API key)', async () => {
    const throughGateway = await runCli(['check', '--json', '--no-notify', '--config', via('gateway'), '--log-level', 'debug'], box.env);
    const throughCli = await runCli(['check', '--json', '--no-notify', '--config', via('cli')], box.env);
    expect(throughGateway.exitCode, throughGateway.stderr).toBe(2);
    expect(throughCli.exitCode, throughCli.stderr).toBe(2);
    const g = parseReport(throughGateway);
    expect(comparable(g)).toEqual(comparable(parseReport(throughCli)));
    expect(comparable(g).map((c) => [c.id, c.status])).toEqual([
      ['openclaw:main:anthropic:manual', 'warn'],
      ['openclaw:main:openai:manual', 'static'],
      ['openclaw:work:anthropic:manual', 'ok'],
      // The new agent inherited the key.
      ['openclaw:work:openai:manual', 'static'],
    ]);
    // It did not start the CLI: no "openclaw models status" run was logged.
    expect(throughGateway.stderr).not.toContain('openclaw models status');
    expectNoSecrets({ out: throughGateway.stdout, err: throughGateway.stderr }, [TOKEN]);
  });

  it('a wrong token is an error (exit 3) naming where the token came from, in auto too: no silent fallback', async () => {
    box.env.BAD_GATEWAY_TOKEN = 'not-the-token-0123456789';
    for (const mode of ['gateway', 'auto']) {
      const result = await runCli(['check', '--json', '--no-notify', '--config', via(mode, '    gateway:\n      token: env:BAD_GATEWAY_TOKEN\n')], box.env);
      expect(result.exitCode, result.stderr).toBe(3);
      const [error] = parseReport(result).errors;
      expect(error!.message).toMatch(/^openclaw gateway ws:\/\/127\.0\.0\.1:\d+: .*token mismatch.* \(credential from sources\.openclaw\.gateway\.token\)$/);
      expectNoSecrets({ out: result.stdout, err: result.stderr }, ['not-the-token-0123456789', TOKEN]);
    }
    delete box.env.BAD_GATEWAY_TOKEN;
  });

  it('auto without a readable token uses the CLI and says why', async () => {
    const elsewhere = { ...box.env, OPENCLAW_CONFIG_PATH: join(box.home, 'no-such-openclaw.json') };
    const result = await runCli(['check', '--json', '--no-notify', '--config', via('auto'), '--log-level', 'info'], elsewhere);
    expect(result.stderr).toContain('"msg":"openclaw: reading via the CLI"');
    expect(result.stderr).toContain('no gateway token in');
  });

  it('auto with the gateway stopped uses the CLI (same records); gateway alone is an error', async () => {
    await gateway!.stop();
    gateway = undefined;
    const auto = await runCli(['check', '--json', '--no-notify', '--config', via('auto'), '--log-level', 'info'], box.env);
    expect(auto.exitCode, auto.stderr).toBe(2);
    expect(auto.stderr).toMatch(/"msg":"openclaw: reading via the CLI".*ECONNREFUSED|ECONNREFUSED.*"msg":"openclaw: reading via the CLI"/);
    expect(parseReport(auto).credentials.map((c) => c.id)).toEqual([
      'openclaw:main:anthropic:manual',
      'openclaw:work:anthropic:manual',
      'openclaw:main:openai:manual',
      'openclaw:work:openai:manual',
    ]);
    const only = await runCli(['check', '--json', '--no-notify', '--config', via('gateway')], box.env);
    expect(only.exitCode).toBe(3);
    expect(parseReport(only).errors[0]!.message).toContain('ECONNREFUSED');
  });
});
