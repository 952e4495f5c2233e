import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { itWithAlertmanager, type RunningAlertmanager, startAlertmanager } from '../helpers/alertmanager.js';
import { FIXTURE_NOW, fakeToken, parseReport, runCli, sandbox, sandboxWithProfile } from '../helpers/cli.js';
import { type Received, startReceiver } from '../helpers/receiver.js';
import { expectNoSecrets } from '../helpers/secrets.js';

const H = 3_600_000;
const BEARER = fakeToken('am');
const running: Array<{ close?(): Promise<void>; stop?(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => (r.stop ? r.stop() : r.close!())));
});

/** What Alertmanager itself posted to its webhook receiver, once it has posted `count` times. */
async function notified(receiver: { requests: Received[] }, count: number): Promise<Array<{ status: string; alerts: Array<Record<string, unknown>> }>> {
  for (let waited = 0; waited < 15_000; waited += 100) {
    const posts = receiver.requests.filter((r) => r.path === '/am');
    if (posts.length >= count) return posts.map((r) => JSON.parse(r.body));
    await sleep(100);
  }
  throw new Error(`Alertmanager sent ${receiver.requests.filter((r) => r.path === '/am').length} notifications, expected ${count}`);
}

describe('alertmanager notifier against a real Alertmanager', () => {
  itWithAlertmanager(
    'a credential turning critical: one alert in Alertmanager and its grouped webhook; re-posted while firing; resolved with endsAt now',
    async () => {
      // The receiver plays two parts: Alertmanager's webhook receiver (/am), and a second
      // "Alertmanager" of an HA pair (/api/v2/alerts), which records what authwatch posts.
      const receiver = await startReceiver();
      running.push(receiver);
      const am: RunningAlertmanager = await startAlertmanager(`${receiver.url}/am`);
      running.push(am);

      const { box, serve } = sandboxWithProfile();
      box.env.AM_TOKEN = BEARER;
      const config = box.writeConfig(
        [
          'notifiers:',
          '  - type: alertmanager',
          `    urls: [${am.url}, "${receiver.url}/"]`,
          '    bearerToken: env:AM_TOKEN',
          '    ttl: 2h',
          '    generatorURL: https://grafana.example/d/authwatch',
          '',
        ].join('\n'),
      );
      const check = () => runCli(['check', '--json', '--config', config], box.env);
      const posted = () => receiver.requests.filter((r) => r.path === '/api/v2/alerts');

      serve(FIXTURE_NOW + 1 * H);
      const before = Date.now();
      const first = await check();
      expect(parseReport(first).notifications).toMatchObject([{ notifier: 'alertmanager', event: 'firing', ok: true }]);

      // What Alertmanager holds.
      const [alert, ...others] = await am.alerts();
      expect(others).toEqual([]);
      expect(alert!.labels).toEqual({
        alertname: 'AuthwatchCredentialExpiringCritical',
        severity: 'critical',
        status: 'critical',
        credential: 'openclaw:main:anthropic:manual',
        source: 'openclaw',
        agent: 'main',
        provider: 'anthropic',
        profile: 'anthropic:manual',
        host: expect.any(String),
      });
      expect(alert!.annotations).toMatchObject({
        summary: '[CRITICAL] anthropic:manual (agent main) expires in 1h',
        remedy: expect.stringContaining('claude setup-token'),
        expires_at: new Date(FIXTURE_NOW + H).toISOString(),
      });
      expect(Date.parse(alert!.startsAt)).toBe(FIXTURE_NOW);
      // Ends by itself two hours (ttl) after the post unless posted again.
      expect(Date.parse(alert!.endsAt) - before).toBeGreaterThanOrEqual(2 * H - 1000);
      expect(Date.parse(alert!.endsAt) - Date.now()).toBeLessThanOrEqual(2 * H);

      // What Alertmanager sent its receiver: one group, firing.
      const [firing] = await notified(receiver, 1);
      expect(firing).toMatchObject({
        status: 'firing',
        alerts: [{ status: 'firing', labels: alert!.labels, generatorURL: 'https://grafana.example/d/authwatch' }],
      });

      // Every member of the pair got the same post, with the bearer token.
      expect(posted()).toHaveLength(1);
      expect(posted()[0]!.headers.authorization).toBe(`Bearer ${BEARER}`);

      // Still critical: no new event, but the firing alert is posted again, so Alertmanager keeps it.
      const second = await check();
      expect(parseReport(second).notifications).toEqual([
        { notifier: 'alertmanager', alertId: '*', event: 'firing', credentialId: '*', ok: true, queued: false, refresh: true, count: 1 },
      ]);
      expect(posted()).toHaveLength(2);
      const [again] = await am.alerts();
      expect(Date.parse(again!.updatedAt)).toBeGreaterThan(Date.parse(alert!.updatedAt));
      expect(again!.labels).toEqual(alert!.labels);

      // Renewed: resolved, endsAt now; Alertmanager lists it no more and tells its receiver.
      serve(FIXTURE_NOW + 30 * 24 * H);
      const third = await check();
      expect(parseReport(third).notifications).toMatchObject([{ event: 'resolved', ok: true }]);
      const resolvedPost = JSON.parse(posted()[2]!.body) as Array<{ labels: Record<string, string>; endsAt: string }>;
      expect(resolvedPost).toEqual([expect.objectContaining({ labels: alert!.labels })]);
      expect(Math.abs(Date.parse(resolvedPost[0]!.endsAt) - Date.now())).toBeLessThan(60_000);
      expect(await am.alerts()).toEqual([]);
      const notifications = await notified(receiver, 2);
      expect(notifications.map((n) => n.status)).toEqual(['firing', 'resolved']);
      expect(notifications[1]!.alerts).toMatchObject([{ status: 'resolved', labels: alert!.labels }]);

      // Nothing firing: nothing to post.
      await check();
      expect(posted()).toHaveLength(3);
      expectNoSecrets({ state: readFileSync(box.statePath, 'utf8'), out: third.stdout + third.stderr }, [BEARER]);
    },
  );

  it('basic auth from env:, and the v2 body: a list of alerts with labels, annotations, startsAt and endsAt', async () => {
    // Any HTTP server stands in for Alertmanager here: this is about what is sent.
    const receiver = await startReceiver();
    running.push(receiver);
    const { box } = sandboxWithProfile();
    Object.assign(box.env, { AM_USER: 'authwatch', AM_PASSWORD: BEARER });
    const config = box.writeConfig(
      `notifiers:\n  - type: alertmanager\n    url: ${receiver.url}/prefix/\n    basicAuth: { username: env:AM_USER, password: env:AM_PASSWORD }\n`,
    );
    const result = await runCli(['check', '--json', '--config', config], box.env);
    expect(parseReport(result).notifications).toMatchObject([{ notifier: 'alertmanager', ok: true }]);
    const [post] = receiver.requests;
    expect(post).toMatchObject({ method: 'POST', path: '/prefix/api/v2/alerts', headers: { 'content-type': 'application/json' } });
    expect(post!.headers.authorization).toBe(`Basic ${Buffer.from(`authwatch:${BEARER}`).toString('base64')}`);
    expect(JSON.parse(post!.body)).toEqual([
      {
        labels: expect.objectContaining({ alertname: 'AuthwatchCredentialExpiringSoon', severity: 'warning', status: 'warn' }),
        annotations: expect.objectContaining({ summary: '[WARN] anthropic:manual (agent main) expires in 2h 59m' }),
        startsAt: new Date(FIXTURE_NOW).toISOString(),
        endsAt: expect.any(String),
      },
    ]);
    expectNoSecrets({ out: result.stdout, err: result.stderr, state: readFileSync(box.statePath, 'utf8') }, [BEARER]);
  });

  it('config: url or urls, one auth, each problem named by its key', async () => {
    const box = sandbox();
    const bad = async (notifier: string) =>
      (await runCli(['config', 'check', '--config', box.writeConfig(`notifiers:\n  - type: alertmanager\n${notifier}`)], box.env)).stderr;
    expect(await bad('    name: am\n')).toContain('notifiers[0]: give url (one Alertmanager) or urls (several), not both or neither');
    expect(await bad('    url: http://am:9093\n    bearerToken: t\n    basicAuth: { username: u, password: p }\n')).toContain(
      'notifiers[0]: give basicAuth or bearerToken, not both',
    );
    expect(await bad('    url: ftp://am\n')).toContain('notifiers[0] (alertmanager): url: use an http:// or https:// URL');
    expect(await bad('    urls: [http://a:9093, env:AM_B]\n')).toContain('notifiers[0] (alertmanager): urls[1]: environment variable AM_B is not set');
  });
});
