import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeToken, sandbox } from '../helpers/cli.js';
import { type RunningGateway, startGateway } from '../helpers/gateway.js';
import { realOpenclaw } from '../helpers/openclaw.js';
import { startReceiver } from '../helpers/receiver.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import { startWatch } from '../helpers/watch.js';

// `watch` with a real gateway that goes away and comes back: one connection kept open, the CLI
// while the gateway is down, the gateway again once it returns, and not one alert lost or repeated
// across the switches. A profile pasted meanwhile (config.changed) alerts at once.
const MODEL = 'anthropic/claude-sonnet-4-5';
const TOKEN = `gw-${fakeToken('')}`;

let box: ReturnType<typeof sandbox>;
let gateway: RunningGateway | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let watch: ReturnType<typeof startWatch> | undefined;

beforeAll(async () => {
  box = sandbox();
  const oc = realOpenclaw(box.home);
  box.env.OPENCLAW_BIN = oc.bin;
  await oc.useModel(MODEL);
  await oc.pasteToken('anthropic', fakeToken(), '3h');
  gateway = await startGateway(box.home, TOKEN);
  receiver = await startReceiver();
}, 300_000);

afterAll(async () => {
  await watch?.stop();
  await gateway?.stop();
  await receiver?.close();
});

const firings = () => receiver.requests.map((r) => JSON.parse(r.body) as { event: string; status: string; credential: { id: string } });

describe('watch through the gateway', () => {
  it('keeps one connection, uses the CLI while the gateway is down, returns to it, and alerts exactly once', { timeout: 420_000 }, async () => {
    const config = box.writeConfig(`schedule: "0 0 1 1 *"\nnotifiers:\n  - type: webhook\n    url: ${receiver.url}\nsources:\n  openclaw:\n    via: auto\n`);
    watch = startWatch(['--config', config, '--log-level', 'info'], box.env);
    const w = watch;
    const via = (i: number) => w.checks()[i]?.via;

    await w.waitFor(() => w.checks().length >= 1, 120_000, 'the first check');
    expect(via(0)).toBe('gateway');
    await w.waitFor(() => receiver.requests.length >= 1, 30_000, 'the first alert');
    expect(firings().map((a) => [a.event, a.status, a.credential.id])).toEqual([['firing', 'warn', 'openclaw:main:anthropic:manual']]);

    // The gateway goes away: the next check reads the CLI.
    const port = gateway!.port;
    await gateway!.stop();
    gateway = undefined;
    await new Promise((r) => setTimeout(r, 500));
    w.child.kill('SIGUSR1');
    await w.waitFor(() => w.checks().length >= 2, 180_000, 'a check with the gateway down');
    expect(via(1)).toBe('cli');
    expect(w.lines.some((l) => l.msg === 'openclaw: reading via the CLI' && String(l.reason).includes('ECONNREFUSED'))).toBe(true);

    // It comes back on the same port: the kept connection reconnects by itself and checks.
    gateway = await startGateway(box.home, TOKEN, port);
    await w.waitFor(() => w.lines.some((l) => l.msg === 'openclaw gateway: connected again'), 120_000, 'the reconnect');
    await w.waitFor(() => w.checks().some((c, i) => i >= 2 && c.trigger === 'gateway reconnected'), 120_000, 'a check after the reconnect');
    const back = w.checks().filter((c) => c.trigger === 'gateway reconnected');
    expect(back.at(-1)!.via).toBe('gateway');

    // Across CLI and gateway: the one alert, neither re-fired nor resolved.
    expect(firings()).toHaveLength(1);

    // A profile pasted now: the gateway announces config.changed and the alert follows.
    await realOpenclaw(box.home).pasteToken('anthropic', fakeToken(), '1h', undefined, 'anthropic:short');
    await w.waitFor(() => receiver.requests.length >= 2, 120_000, 'the alert for the pasted profile');
    expect(firings().map((a) => [a.event, a.status, a.credential.id])).toEqual([
      ['firing', 'warn', 'openclaw:main:anthropic:manual'],
      ['firing', 'critical', 'openclaw:main:anthropic:short'],
    ]);
    expect(w.checks().some((c) => c.trigger === 'openclaw config changed')).toBe(true);
    expectNoSecrets({ err: w.stderr(), sent: receiver.requests.map((r) => r.body).join('\n') }, [TOKEN]);

    w.child.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  });
});
