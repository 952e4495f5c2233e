import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, FAKE_BIN, runCli, sandbox } from '../helpers/cli.js';
import { startReceiver } from '../helpers/receiver.js';
import { itWithTool } from '../helpers/tools.js';
import { startWatch } from '../helpers/watch.js';

const H = 3_600_000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** A sandbox with the fake openclaw answering one profile that expires at `expiresAt` (real clock). */
function setup(config: string, expiresAt: number) {
  const box = sandbox([FAKE_BIN]);
  const dir = mkdtempSync(join(tmpdir(), 'aw-watch-'));
  const serve = (at: number) =>
    writeFileSync(
      join(dir, 'status-main.json'),
      JSON.stringify({ auth: { oauth: { profiles: [{ profileId: 'anthropic:manual', provider: 'anthropic', type: 'token', status: 'ok', expiresAt: at }] } } }),
    );
  serve(expiresAt);
  Object.assign(box.env, { FAKE_OPENCLAW_DIR: dir, FAKE_OPENCLAW_TIMELINE: join(dir, 'timeline.jsonl') });
  const configPath = box.writeConfig(config);
  const timeline = () =>
    readFileSync(join(dir, 'timeline.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { pid: number; start?: number; end?: number });
  return { box, configPath, serve, timeline, dir };
}

function watch(args: string[], env: Record<string, string>) {
  const w = startWatch(args, env);
  cleanups.push(() => w.stop());
  return w;
}

async function receiver() {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, ''));
  } catch {
    return false;
  }
}

describe('authwatch watch', () => {
  it('alerts at the moment a credential crosses its warn threshold, not at the next scheduled run', async () => {
    const server = await receiver();
    const crossing = Date.now() + 5_000;
    // Warn window 24h: the token enters it 5 s from now. The schedule is once a year.
    const t = setup(`schedule: "0 0 1 1 *"\nnotifiers:\n  - type: webhook\n    url: ${server.url}\n`, crossing + 24 * H);
    const received: number[] = [];
    const w = watch([], t.box.env);
    await w.waitFor(() => w.checks().length >= 1, 15_000, 'the first check');
    expect(server.requests).toHaveLength(0);
    await w.waitFor(() => server.requests.length >= 1, 20_000, 'the alert');
    received.push(Date.now());
    // Order, not speed (npm run bench measures the latency): not before the crossing, and long
    // before the yearly schedule could have run.
    expect(received[0]!).toBeGreaterThanOrEqual(crossing);
    expect(JSON.parse(server.requests[0]!.body)).toMatchObject({ event: 'firing', status: 'warn' });
    // The check logs its line after delivering.
    await w.waitFor(() => w.checks().length >= 2, 5_000, 'the threshold check to finish');
    expect(w.checks().map((l) => l.trigger)).toEqual(['start', 'threshold']);
  });

  it('under npx (npm exec: npm, then sh -c, then node), stops when its parent goes, as npm does not pass SIGTERM on', async () => {
    const t = setup('schedule: "0 0 1 1 *"\n', Date.now() + 30 * 24 * H);
    const w = startWatch([], { ...t.box.env, npm_command: 'exec' }, process.execPath, true);
    cleanups.push(() => w.stop());
    await w.waitFor(() => w.checks().length >= 1, 15_000, 'the first check');
    const pid = w.pid()!;
    expect(pid).not.toBe(w.child.pid);
    w.child.kill('SIGTERM');
    await w.exited;
    await w.waitFor(() => !alive(pid), 10_000, 'watch to stop with its parent');
    expect(w.lines).toContainEqual(expect.objectContaining({ msg: 'stopping', signal: 'npm exec exited' }));
  });

  it('with a slow source, reads ahead of a crossing by the time a read takes and judges at the crossing itself', async () => {
    const server = await receiver();
    const crossing = Date.now() + 9_000;
    const t = setup(`schedule: "0 0 1 1 *"\nnotifiers:\n  - type: webhook\n    url: ${server.url}\n`, crossing + 24 * H);
    // Each openclaw run takes 1.5 s, as a slow CLI would.
    t.box.env.FAKE_OPENCLAW_DELAY_MS = '1500';
    const w = watch([], t.box.env);
    await w.waitFor(() => w.checks().length >= 2, 30_000, 'the threshold check');
    const [, ahead] = w.checks();
    // Order, not speed: its read began before the crossing, it then waited for it, and the alert was
    // judged at the crossing (npm run bench measures how soon after it the alert arrives).
    expect(ahead).toMatchObject({ trigger: 'threshold', crossing: expect.any(Number), heldMs: expect.any(Number) });
    expect(ahead!.readFrom as number).toBeLessThan(ahead!.crossing as number);
    expect(ahead!.crossing as number).toBeGreaterThanOrEqual(crossing);
    const alert = JSON.parse(server.requests[0]!.body) as { event: string; status: string; checkedAt: string };
    expect(alert).toMatchObject({ event: 'firing', status: 'warn' });
    expect(Date.parse(alert.checkedAt)).toBeGreaterThanOrEqual(ahead!.crossing as number);
  });

  it('does not spin when a threshold moment is already past on the real clock (clock pinned by AUTHWATCH_NOW)', async () => {
    // Regression: wake-ups were computed on the injected clock but timed on the real one, so a
    // moment past in real time fired at once, after every check.
    const pinned = Date.now() - 10 * H;
    const t = setup('schedule: "0 0 1 1 *"\n', pinned + 3 * H);
    t.box.env.AUTHWATCH_NOW = String(pinned);
    const w = watch([], t.box.env);
    await w.waitFor(() => w.checks().length >= 1, 15_000, 'the first check');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(w.checks().length).toBe(1);
  });

  it('never runs two checks at once, even when a check takes longer than the schedule period', async () => {
    const t = setup('schedule: "* * * * * *"\n', Date.now() + 30 * 86_400_000);
    t.box.env.FAKE_OPENCLAW_DELAY_MS = '1500';
    const w = watch([], t.box.env);
    await w.waitFor(() => w.checks().length >= 3, 20_000, 'three checks');
    const events = t.timeline();
    let running = 0;
    let most = 0;
    for (const e of events) {
      running += e.start !== undefined ? 1 : -1;
      most = Math.max(most, running);
    }
    expect(most).toBe(1);
    expect(events.filter((e) => e.start !== undefined).length).toBeGreaterThanOrEqual(3);
  });

  it("SIGTERM during a check exits 0 and kills the check's programs", async () => {
    const t = setup('schedule: "0 0 1 1 *"\n', Date.now() + 30 * 86_400_000);
    t.box.env.FAKE_OPENCLAW_DELAY_MS = '60000';
    const w = watch([], t.box.env);
    await w.waitFor(
      () => {
        try {
          return t.timeline().some((e) => e.start !== undefined);
        } catch {
          return false;
        }
      },
      15_000,
      'openclaw to start',
    );
    const fakePid = t.timeline().find((e) => e.start !== undefined)!.pid;
    w.child.kill('SIGTERM');
    const { code } = await w.exited;
    expect(code).toBe(0);
    // Killed, not waited for: the fake would have answered only after 60 s.
    expect(alive(fakePid)).toBe(false);
    expect(w.lines.some((l) => l.msg === 'stopping' && l.signal === 'SIGTERM')).toBe(true);
    // The abandoned check saved nothing.
    expect(() => readFileSync(t.box.statePath)).toThrow();
  });

  it('SIGHUP with a broken config keeps running on the old one; a good one is taken', async () => {
    const t = setup('schedule: "0 0 1 1 *"\n', Date.now() + 30 * 86_400_000);
    const w = watch([], t.box.env);
    await w.waitFor(() => w.checks().length === 1, 15_000, 'the first check');
    writeFileSync(t.configPath, 'thresholds:\n  warn: tomorrow\n');
    w.child.kill('SIGHUP');
    await w.waitFor(() => w.lines.some((l) => l.msg === 'config reload failed; still running with the previous config'), 5_000, 'the reload error');
    const failure = w.lines.find((l) => l.msg === 'config reload failed; still running with the previous config')!;
    expect(failure.problems).toEqual([`${t.configPath}:2: thresholds.warn: invalid duration "tomorrow" (use e.g. 90m, 2h, 7d)`]);
    w.child.kill('SIGUSR1');
    await w.waitFor(() => w.checks().length === 2, 10_000, 'a check on the old config');
    expect(w.child.exitCode).toBeNull();

    writeFileSync(t.configPath, 'schedule: "0 0 1 1 *"\nthresholds: { warn: 60d }\n');
    w.child.kill('SIGHUP');
    await w.waitFor(() => w.checks().length === 3, 10_000, 'a check on the new config');
    expect(w.lines.some((l) => l.msg === 'config reloaded')).toBe(true);
    expect(w.checks()[2]).toMatchObject({ trigger: 'config reloaded', worst: 'warn' });
  });

  it("re-checks within seconds when OpenClaw's credential store changes", async () => {
    const t = setup('schedule: "0 0 1 1 *"\n', Date.now() + 3 * H);
    mkdirSync(join(t.box.home, '.openclaw', 'state'), { recursive: true });
    const w = watch([], t.box.env);
    await w.waitFor(() => w.checks().length === 1, 15_000, 'the first check');
    await new Promise((r) => setTimeout(r, 2_500)); // past the window that ignores our own writes
    t.serve(Date.now() + 30 * 86_400_000); // what `paste-token --expires-in 30d` leads to
    writeFileSync(join(t.box.home, '.openclaw', 'state', 'openclaw.sqlite'), 'changed');
    await w.waitFor(() => w.checks().length === 2, 10_000, 'a check after the change');
    expect(w.checks()[1]).toMatchObject({ trigger: 'credentials changed', worst: 'ok' });
  });

  itWithTool('promtool', 'prometheus')('serves /metrics that promtool accepts, with the expected series, and /healthz', async () => {
    const t = setup('schedule: "0 0 1 1 *"\n', Date.now() + 3 * H);
    // Port 0: the kernel picks a free one, and watch logs which (probing for a free port races).
    const w = watch(['--metrics-listen', '127.0.0.1:0'], t.box.env);
    await w.waitFor(() => w.checks().length === 1, 15_000, 'the first check');
    const port = w.lines.find((l) => String(l.msg).startsWith('serving the status page'))!.port as number;
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })).toBe('');
    expect(text).toMatch(
      /^authwatch_credential_expiry_timestamp_seconds\{agent="main",provider="anthropic",profile="anthropic:manual",type="token",in_use="true"\} \d+\.?\d*$/m,
    );
    expect(text).toContain('authwatch_credential_status{agent="main",provider="anthropic",profile="anthropic:manual",in_use="true",status="warn"} 1\n');
    expect(text).toContain('authwatch_credential_status{agent="main",provider="anthropic",profile="anthropic:manual",in_use="true",status="ok"} 0\n');
    expect(text).toContain('authwatch_check_success 1\n');
    expect(text).toMatch(/^authwatch_check_duration_seconds \d/m);
    expect(text).toMatch(/^authwatch_last_check_timestamp_seconds \d/m);
    expect(text).toContain('# TYPE authwatch_notifications_total counter\n');
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
  });
});

describe('metrics textfile and heartbeat (check)', () => {
  it('the textfile is replaced atomically: a reader polling it never sees half a file', async () => {
    const t = setup('', Date.now() + 30 * 86_400_000);
    const file = join(t.box.home, 'textfile', 'authwatch.prom');
    mkdirSync(join(t.box.home, 'textfile'));
    let reads = 0;
    let torn = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        try {
          const text = readFileSync(file, 'utf8');
          reads++;
          if (!text.endsWith('\n') || !text.includes('# TYPE authwatch_notifications_total counter')) torn++;
        } catch {
          // Not written yet.
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 12; i++) {
      const result = await runCli(['check', '--metrics-textfile', file], t.box.env);
      expect(result.exitCode).toBe(0);
    }
    polling = false;
    await poller;
    expect(reads).toBeGreaterThan(0);
    expect(torn).toBe(0);
    // What it holds is /metrics' text, checked by promtool in the test above.
    expect(readFileSync(file, 'utf8')).toContain('# TYPE authwatch_credential_status gauge');
  });

  it('pings the heartbeat after a check, and its /fail (on the path, before the query) when a source failed', async () => {
    const server = await receiver();
    const t = setup(`heartbeat:\n  url: ${server.url}/ping/abc?rid=7\n`, Date.now() + 3 * H);
    await runCli(['check'], t.box.env);
    t.box.env.FAKE_OPENCLAW_MODE = 'garbage';
    await runCli(['check'], t.box.env);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /ping/abc?rid=7', 'GET /ping/abc/fail?rid=7']);
  });

  it('only runs that do the job ping: not status, not check --no-notify', async () => {
    const server = await receiver();
    const t = setup(`heartbeat:\n  url: ${server.url}/ping/abc\n`, Date.now() + 3 * H);
    await runCli(['status'], t.box.env);
    await runCli(['check', '--no-notify'], t.box.env);
    expect(server.requests).toHaveLength(0);
    await runCli(['check'], t.box.env);
    expect(server.requests).toHaveLength(1);
  });

  it("the textfile is 0644 in a new 0755 directory even under the unit's UMask=0077", async () => {
    const t = setup('', Date.now() + 3 * H);
    const file = join(t.box.home, 'node-exporter', 'textfile', 'authwatch.prom');
    const result = await execa('sh', ['-c', 'umask 077 && exec "$0" "$@"', process.execPath, CLI, 'check', '--metrics-textfile', file], {
      env: t.box.env,
      extendEnv: false,
      reject: false,
    });
    expect(result.exitCode).toBe(2);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o755);
    expect(statSync(dirname(dirname(file))).mode & 0o777).toBe(0o755);
  });
});
