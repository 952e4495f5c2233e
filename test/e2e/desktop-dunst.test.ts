import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect } from 'vitest';
import { FIXTURE_NOW, parseReport, runCli, sandbox, sandboxWithProfile } from '../helpers/cli.js';
import { itWithDunst as it, type Received, type RunningDunst, startDunst } from '../helpers/dunst.js';
import { itWithTool } from '../helpers/tools.js';

const H = 3_600_000;
let dunst: RunningDunst | undefined;
afterEach(async () => {
  await dunst?.stop();
  dunst = undefined;
});

async function receivedAtLeast(count: number): Promise<Received[]> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const got = dunst!.received();
    if (got.length >= count) return got;
    await sleep(50);
  }
  throw new Error(`dunst received ${dunst!.received().length} notifications, expected ${count}`);
}

describe('desktop notifier against a real notification daemon (dunst on a private D-Bus session bus)', () => {
  it('firing shows a critical notification; the reminder replaces it, the resolution replaces it again; nothing stacks', async () => {
    dunst = await startDunst();
    const { box, serve } = sandboxWithProfile();
    box.env.DBUS_SESSION_BUS_ADDRESS = dunst.bus;
    const config = box.writeConfig('remind:\n  critical: 1m\nnotifiers:\n  - type: desktop\n    backend: notify-send\n');
    const check = async (at: number) => {
      const result = await runCli(['check', '--json', '--config', config], { ...box.env, AUTHWATCH_NOW: String(at) });
      return parseReport(result).notifications;
    };
    const ids = () => JSON.parse(readFileSync(join(box.home, '.local', 'state', 'authwatch', 'desktop-notifications.json'), 'utf8'));

    serve(FIXTURE_NOW + H);
    expect(await check(FIXTURE_NOW)).toMatchObject([{ event: 'firing', ok: true }]);
    const [first] = await receivedAtLeast(1);
    expect(first).toEqual({
      id: expect.any(Number),
      appname: 'authwatch',
      urgency: 'CRITICAL',
      summary: '[CRITICAL] anthropic:manual (agent main) expires in 1h',
      body: expect.stringContaining('claude setup-token'),
    });
    expect(ids()).toEqual({ desktop: { 'openclaw:main:anthropic:manual': first!.id } });

    // Two minutes on, still critical: a reminder, in the same notification.
    expect(await check(FIXTURE_NOW + 2 * 60_000)).toMatchObject([{ event: 'reminder', ok: true }]);
    const [, reminder] = await receivedAtLeast(2);
    expect(reminder).toMatchObject({ id: first!.id, urgency: 'CRITICAL', summary: 'Reminder: [CRITICAL] anthropic:manual (agent main) expires in 58m' });
    expect(dunst.displayed()).toBe(1);

    // Renewed: the notification says so, at normal urgency, and its id is forgotten.
    serve(FIXTURE_NOW + 30 * 24 * H);
    expect(await check(FIXTURE_NOW + 3 * 60_000)).toMatchObject([{ event: 'resolved', ok: true }]);
    const [, , resolved] = await receivedAtLeast(3);
    expect(resolved).toMatchObject({ id: first!.id, urgency: 'NORMAL', summary: '[RESOLVED] anthropic:manual (agent main) is ok again' });
    expect(dunst.displayed()).toBe(1);
    expect(ids()).toEqual({ desktop: {} });
    expect(dunst.history()).toEqual([
      { id: first!.id, appname: 'authwatch', summary: resolved!.summary, body: expect.stringContaining('Was critical; now ok.') },
    ]);
  });
  it('a stored id out of the D-Bus range (4294967296, 1e300) is not offered as --replace-id: the alert still shows', async () => {
    dunst = await startDunst();
    for (const stored of [4294967296, 1e300]) {
      const { box, serve } = sandboxWithProfile();
      box.env.DBUS_SESSION_BUS_ADDRESS = dunst.bus;
      const config = box.writeConfig('notifiers:\n  - type: desktop\n    backend: notify-send\n');
      const dir = join(box.home, '.local', 'state', 'authwatch');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'desktop-notifications.json'), `{"desktop":{"openclaw:main:anthropic:manual":${stored}}}`);
      serve(FIXTURE_NOW + H);
      const result = await runCli(['check', '--json', '--config', config], { ...box.env, AUTHWATCH_NOW: String(FIXTURE_NOW) });
      expect(parseReport(result).notifications).toMatchObject([{ event: 'firing', ok: true }]);
      const kept = JSON.parse(readFileSync(join(dir, 'desktop-notifications.json'), 'utf8')).desktop['openclaw:main:anthropic:manual'];
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThanOrEqual(0xffff_ffff);
    }
    expect((await receivedAtLeast(1))[0]).toMatchObject({ appname: 'authwatch', urgency: 'CRITICAL' });
  });
});

describe('doctor tries the desktop channel, not only its program', () => {
  it('with dunst on the session bus: names the notification server that will show the pop-ups', async () => {
    dunst = await startDunst();
    const box = sandbox();
    box.env.DBUS_SESSION_BUS_ADDRESS = dunst.bus;
    box.writeConfig('notifiers:\n  - type: desktop\n    backend: notify-send\n');
    const result = await runCli(['doctor'], box.env);
    const socket = dunst.bus.replace(/^unix:path=/, '');
    expect(result.stdout).toContain('ok    notifier desktop "desktop": notify-send found\n');
    expect(result.stdout).toMatch(new RegExp(`\\nok {4}notifier desktop "desktop": notification server dunst \\(.+\\) on the session bus ${socket}\\n`));
    expect(dunst.received()).toEqual([]);
  });

  it('a session bus address nobody serves is a FAIL', async () => {
    const box = sandbox();
    box.writeConfig('notifiers:\n  - type: desktop\n    backend: notify-send\n');
    const gone = join(box.dir, 'no-bus');
    const dead = await runCli(['doctor'], { ...box.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${gone}` });
    expect(dead.stdout).toContain(`FAIL  notifier desktop "desktop": the session bus ${gone} does not answer (ENOENT)\n`);
    expect(dead.exitCode).toBe(1);
  });
});

describe('desktop notifier on a headless host (no session bus, no display)', () => {
  itWithTool('notify-send', 'libnotify-bin')('doctor: FAIL, not "notify-send found" and All good', async () => {
    const box = sandbox();
    box.writeConfig('notifiers:\n  - type: desktop\n');
    const result = await runCli(['doctor'], box.env);
    expect(result.stdout).toContain(
      'FAIL  notifier desktop "desktop": no session bus (DBUS_SESSION_BUS_ADDRESS unset, no $XDG_RUNTIME_DIR/bus, no DISPLAY), so notify-send cannot show anything: on a headless host use ntfy, a webhook or e-mail\n',
    );
    expect(result.exitCode).toBe(1);
  });

  itWithTool('notify-send', 'libnotify-bin')("says notify-send's own reason, and tries twice, not three times", async () => {
    const box = sandbox();
    box.writeConfig('delivery:\n  backoff: 50ms\nnotifiers:\n  - type: desktop\n');
    // The sandbox's environment has neither DBUS_SESSION_BUS_ADDRESS nor DISPLAY.
    const result = await runCli(['notify', 'test'], box.env);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split('\n')[0]).toBe(
      'failed  desktop "desktop": notify-send exited with 1: Cannot autolaunch D-Bus without X11 $DISPLAY (after 2 attempts)',
    );
  });
});
