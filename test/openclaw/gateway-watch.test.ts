import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fakeToken, type Sandbox } from '../helpers/cli.js';
import { type RunningGateway, startGateway } from '../helpers/gateway.js';
import { realOpenclaw } from '../helpers/openclaw.js';
import { copyOf } from '../helpers/openclaw-states.js';
import { startReceiver } from '../helpers/receiver.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import { startWatch } from '../helpers/watch.js';

// `watch` with a real gateway that goes away and comes back: one connection kept open, the CLI
// while the gateway is down, the gateway again once it returns, and not one alert lost or repeated
// across the switches. A profile pasted meanwhile (config.changed) alerts at once.
const TOKEN = `gw-${fakeToken('')}`;

let box: Sandbox;
let gateway: RunningGateway | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
let watch: ReturnType<typeof startWatch> | undefined;
/** The 1h profiles the runs have pasted so far: a later run starts with an alert for each. */
const pastedSoFar: string[] = [];

beforeAll(async () => {
  box = (await copyOf('anthropic-3h')).box;
  box.env.OPENCLAW_BIN = realOpenclaw(box.home).bin;
  gateway = await startGateway(box.home, TOKEN);
}, 300_000);

afterAll(async () => {
  await watch?.stop();
  await gateway?.stop();
  await receiver?.close();
});

// The gateway client is version-sensitive: the same run on Node 20 and on Node 24 (OpenClaw's own),
// each with its own state and its own pasted profile.
describe.each([
  ['Node 20', 'short20'],
  ['Node 24', 'short24'],
])('watch through the gateway (%s)', (version, pasted) => {
  it('keeps one connection, uses the CLI while the gateway is down, returns to it, and alerts exactly once', { timeout: 480_000 }, async () => {
    // Running, whatever the run before this one left; and its watch stopped (a failed run leaves it running).
    gateway ??= await startGateway(box.home, TOKEN);
    await watch?.stop();
    const node = version === 'Node 24' ? inject('node24') : process.execPath;
    const env = { ...box.env, XDG_STATE_HOME: join(box.home, `state-${pasted}`) };
    await receiver?.close();
    receiver = await startReceiver();
    const r = receiver;
    const firings = () => r.requests.map((q) => JSON.parse(q.body) as { event: string; status: string; credential: { id: string } });
    const config = box.writeConfig(`schedule: "0 0 1 1 *"\nnotifiers:\n  - type: webhook\n    url: ${r.url}\nsources:\n  openclaw:\n    via: auto\n`);
    watch = startWatch(['--config', config, '--log-level', 'info'], env, node);
    const w = watch;
    const via = (i: number) => w.checks()[i]?.via;

    await w.waitFor(() => w.checks().length >= 1, 120_000, 'the first check');
    expect(via(0)).toBe('gateway');
    // The 3h token, and the 1h profile each run before this one pasted (none when it runs alone).
    const initial = [['firing', 'warn', 'openclaw:main:anthropic:manual'], ...pastedSoFar.map((id) => ['firing', 'critical', `openclaw:main:anthropic:${id}`])];
    const seen = () =>
      firings()
        .map((a) => [a.event, a.status, a.credential.id])
        .sort((a, b) => (a[2]! < b[2]! ? -1 : 1));
    await w.waitFor(() => r.requests.length >= initial.length, 30_000, 'the first alerts');
    expect(seen()).toEqual(initial.sort((a, b) => (a[2]! < b[2]! ? -1 : 1)));

    // The gateway goes away: the next check reads the CLI.
    const port = gateway!.port;
    await gateway!.stop();
    gateway = undefined;
    w.child.kill('SIGUSR1');
    await w.waitFor(() => w.checks().length >= 2, 180_000, 'a check with the gateway down');
    expect(via(1)).toBe('cli');
    // Logged once, at info, with the reason: the kept connection closed (the client's "connection closed", or
    // "gateway closed (1006)" when the socket dropped without a close frame), or its reconnect refused.
    expect(w.lines.filter((l) => l.msg === 'openclaw: reading via the CLI').map((l) => String(l.reason))).toEqual([
      expect.stringMatching(/^openclaw gateway ws:\/\/127\.0\.0\.1:\d+: (connection closed|gateway closed \(1006\)|.*ECONNREFUSED)/),
    ]);

    // It comes back on the same port: the kept connection reconnects by itself and checks.
    gateway = await startGateway(box.home, TOKEN, port);
    await w.waitFor(() => w.lines.some((l) => l.msg === 'openclaw gateway: connected again'), 120_000, 'the reconnect');
    await w.waitFor(() => w.checks().some((c, i) => i >= 2 && c.trigger === 'gateway reconnected'), 120_000, 'a check after the reconnect');
    const back = w.checks().filter((c) => c.trigger === 'gateway reconnected');
    expect(back.at(-1)!.via).toBe('gateway');

    // Across CLI and gateway: the one alert, neither re-fired nor resolved.
    expect(firings()).toHaveLength(initial.length);

    // A profile pasted now: the gateway announces config.changed and the alert follows.
    await realOpenclaw(box.home).pasteToken('anthropic', fakeToken(), '1h', undefined, `anthropic:${pasted}`);
    pastedSoFar.push(pasted);
    await w.waitFor(() => r.requests.length >= initial.length + 1, 120_000, 'the alert for the pasted profile');
    expect(
      firings()
        .slice(initial.length)
        .map((a) => [a.event, a.status, a.credential.id]),
    ).toEqual([['firing', 'critical', `openclaw:main:anthropic:${pasted}`]]);
    // The gateway announced it (the check it asks for may be folded into one the file watcher
    // started first: checks never overlap).
    await w.waitFor(() => w.lines.some((l) => l.msg === 'openclaw gateway: config changed'), 30_000, 'config.changed');
    expectNoSecrets({ err: w.stderr(), sent: r.requests.map((r) => r.body).join('\n') }, [TOKEN]);

    w.child.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    watch = undefined;
  });
});
