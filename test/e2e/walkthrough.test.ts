/**
 * The README's "first five minutes", step by step, as a new user would type them: against the fake
 * OpenClaw, a local receiver standing in for ntfy, and recording systemctl/loginctl.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { FAKE_BIN, readArgvLog, ROOT, runCli, sandbox } from '../helpers/cli.js';
import { startReceiver } from '../helpers/receiver.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

it('config init → a notifier → notify test → install systemd → doctor', async () => {
  const server = await startReceiver();
  closers.push(server.close);
  const box = sandbox([FAKE_BIN, join(ROOT, 'test', 'fixtures', 'recording-bin')]);
  Object.assign(box.env, { RECORD_ARGV_LOG: join(box.home, 'argv.jsonl'), USER: 'ana', FAKE_LINGER: 'yes', FAKE_SYSTEMCTL_SHOW: 'ActiveState=active' });
  const config = join(box.home, '.config', 'authwatch', 'config.yaml');

  // 1. A commented config with every default, and its check.
  expect(await runCli(['config', 'init'], box.env)).toMatchObject({ exitCode: 0, stdout: `Wrote ${config}\nCheck it with: authwatch config check\n` });
  expect((await runCli(['config', 'check'], box.env)).stdout).toContain(`${config}: ok\n`);

  // 2. One notifier, as the README shows it (plus `server:`, since the test's ntfy is local).
  const text = readFileSync(config, 'utf8');
  expect(text).toContain('\nnotifiers: []\n');
  writeFileSync(config, text.replace('\nnotifiers: []\n', `\nnotifiers:\n  - type: ntfy\n    topic: my-openclaw-alerts\n    server: ${server.url}\n`));
  expect((await runCli(['config', 'check'], box.env)).stdout).toContain('notifiers: ntfy "ntfy"\n');

  // 3. A test alert, and what arrived.
  expect(await runCli(['notify', 'test'], box.env)).toMatchObject({
    exitCode: 0,
    stdout:
      'ok      ntfy "ntfy"\n        receives: warn, critical, expired (expired includes missing, unusable and failing sources); firing, reminder, resolved; every credential\n',
  });
  expect(server.requests).toHaveLength(1);
  expect(server.requests[0]).toMatchObject({ path: '/my-openclaw-alerts', headers: { title: expect.stringMatching(/^\[TEST\] /) } });

  // 4. On a schedule.
  expect((await runCli(['install', 'systemd'], box.env)).exitCode).toBe(0);
  expect(readArgvLog(box.env.RECORD_ARGV_LOG!)).toContainEqual(['systemctl', '--user', 'enable', '--now', 'authwatch.timer']);

  // 5. Can the scheduled job work?
  const doctor = await runCli(['doctor'], box.env);
  expect(doctor.stdout).toMatch(/\nAll good\.\n$/);
  expect(doctor.exitCode).toBe(0);
});
