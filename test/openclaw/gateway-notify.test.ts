import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeToken, parseReport, runCli, type Sandbox } from '../helpers/cli.js';
import { type RunningGateway, startGateway } from '../helpers/gateway.js';
import { realOpenclaw } from '../helpers/openclaw.js';
import { copyOf } from '../helpers/openclaw-states.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import { startBotApi } from '../helpers/telegram.js';

// The openclaw notifier through the real OpenClaw: a real gateway whose Telegram channel talks to
// a fake Bot API on 127.0.0.1 (channels.telegram.apiRoot), which records every sendMessage.
// Telegram because it is bundled with OpenClaw and its Bot API is plain HTTP with a settable root.
const TOKEN = `gw-${fakeToken('')}`;
const BOT_TOKEN = `123456:${fakeToken('').slice(0, 35)}`;
const CHAT = '987654321';

let box: Sandbox;
/** The state's 1h token. */
let credential: string;
let gateway: RunningGateway | undefined;
let botApi: Awaited<ReturnType<typeof startBotApi>>;

beforeAll(async () => {
  botApi = await startBotApi(BOT_TOKEN);
  // Critical: an hour left (below the 2h threshold).
  const state = await copyOf('anthropic-1h');
  box = state.box;
  credential = state.secrets[0]!;
  box.env.OPENCLAW_BIN = realOpenclaw(box.home).bin;
  // The Telegram channel, as `openclaw config set` would write it, before the gateway starts.
  const configPath = join(box.home, '.openclaw', 'openclaw.json');
  mkdirSync(join(box.home, '.openclaw'), { recursive: true });
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  config.channels = { telegram: { enabled: true, botToken: BOT_TOKEN, apiRoot: botApi.apiRoot, dmPolicy: 'allowlist', allowFrom: [`tg:${CHAT}`] } };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  gateway = await startGateway(box.home, TOKEN);
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
  await botApi?.close();
});

/** The message as the chat gets it (the time left depends on when the check runs). */
const ARRIVES = new RegExp(
  [
    String.raw`^🔴 \[CRITICAL\] <code>anthropic:manual</code> \(agent <code>main</code>\) expires in \d+m( \d+s)?`,
    'On the gateway host run: <code>claude setup-token</code>',
    'Then: <code>openclaw models auth setup-token --provider anthropic --agent main</code>',
    'Token made on another machine: <code>openclaw models auth paste-token --provider anthropic --agent main --expires-in 365d</code>',
    String.raw`on \S+$`,
  ].join('\n'),
);

const notifier = (extra = '') => box.writeConfig(`notifiers:\n  - type: openclaw\n    channel: telegram\n    target: "${CHAT}"\n${extra}`);

describe('openclaw notifier: alerts through the gateway to Telegram', { timeout: 180_000 }, () => {
  it('a credential crossing into critical: one sendMessage to the chat, with the fix as code; none on the next check', async () => {
    const result = await runCli(['check', '--json', '--config', notifier('    via: gateway\n')], box.env);
    expect(parseReport(result).notifications, result.stderr).toMatchObject([{ notifier: 'openclaw', event: 'firing', ok: true }]);
    const sent = botApi.sent();
    expect(sent).toHaveLength(1);
    // What arrives, as OpenClaw's Telegram channel rendered it: the commands as <code>, in HTML.
    expect(sent[0]!.params).toEqual({ chat_id: CHAT, parse_mode: 'HTML', text: expect.stringMatching(ARRIVES) });
    const text = String(sent[0]!.params.text);
    expectNoSecrets({ text, out: result.stdout, err: result.stderr }, [TOKEN, BOT_TOKEN, credential]);

    const again = await runCli(['check', '--json', '--config', notifier('    via: gateway\n')], box.env);
    expect(parseReport(again).notifications).toEqual([]);
    expect(botApi.sent()).toHaveLength(1);
  });

  it('a slow Telegram: the first attempt times out, the retry carries the same idempotency key, and the chat gets one message', async () => {
    const before = botApi.sent().length;
    botApi.state.sendDelayMs = 6000;
    try {
      // A fresh state: the same credential fires again.
      const env = { ...box.env, XDG_STATE_HOME: join(box.home, 'state-slow') };
      const config = notifier('    via: gateway\n    timeout: 3s\ndelivery:\n  backoff: 500ms\n  attempts: 3\n  deadline: 30s\n');
      const result = await runCli(['check', '--json', '--config', config], env);
      const [delivery] = parseReport(result).notifications;
      expect(delivery).toMatchObject({ notifier: 'openclaw', event: 'firing', ok: true });
      // The first attempt gave up waiting, and the next one carried the same key (the alert id).
      const retries = result.stderr
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { notifier?: string; alert?: string; attempt?: number; msg: string })
        .filter((line) => line.notifier === 'openclaw' && line.attempt !== undefined);
      expect(retries[0]).toMatchObject({
        alert: delivery!.alertId,
        attempt: 1,
        msg: expect.stringMatching(/gateway send: .*(timed out|no answer within 3000 ms).*\(trying again\)$/),
      });
      // Telegram answers the first sendMessage late; nothing else arrives meanwhile or after.
      await botApi.answered();
      expect(botApi.sent().length - before).toBe(1);
    } finally {
      botApi.state.sendDelayMs = 0;
    }
  });

  it('names from outside arrive at Telegram as their literal text: no link, bold or image from a profile name', async () => {
    const before = botApi.sent().length;
    const plants = ['[Renew here](https://evil.example/x)', '**b**', '<a href="https://evil.example/y">y</a>', '<img src="https://evil.example/z.png">'];
    const records = join(box.home, 'planted.json');
    writeFileSync(records, JSON.stringify([{ id: 'planted', profileId: plants.join(' '), agent: plants[0], status: 'expired', detail: plants.join(' ') }]));
    const env = { ...box.env, XDG_STATE_HOME: join(box.home, 'state-planted') };
    const config = box.writeConfig(
      `sources:\n  openclaw:\n    enabled: false\n  commands:\n    - name: planted\n      command: [cat, ${records}]\nnotifiers:\n  - type: openclaw\n    channel: telegram\n    target: "${CHAT}"\n    via: gateway\n`,
      'planted.yaml',
    );
    const result = await runCli(['check', '--json', '--config', config], env);
    expect(parseReport(result).notifications, result.stderr).toMatchObject([{ notifier: 'openclaw', event: 'firing', ok: true }]);
    const sent = botApi.sent().slice(before);
    expect(sent).toHaveLength(1);
    const text = String(sent[0]!.params.text);
    expect(sent[0]!.params.parse_mode).toBe('HTML');
    // Telegram's HTML: the names as code (OpenClaw keeps tag-like text inside code as text), nothing else marked up.
    expect(text).not.toMatch(/<(a|b|strong|i|em|img|s|u|tg-spoiler)\b/);
    expect(text).toContain(
      '<code>[Renew here](https://evil.example/x) **b** &lt;a href="https://evil.example/y"&gt;y&lt;/a&gt; &lt;img src="https://evil.example/z.png"&gt;</code>',
    );
  });

  it('via cli: openclaw message send delivers the same text', async () => {
    const before = botApi.sent().length;
    const env = { ...box.env, XDG_STATE_HOME: join(box.home, 'state-cli') };
    const result = await runCli(['check', '--json', '--config', notifier('    via: cli\n')], env);
    expect(parseReport(result).notifications, result.stderr).toMatchObject([{ notifier: 'openclaw', event: 'firing', ok: true }]);
    const sent = botApi.sent().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.params).toEqual({ chat_id: CHAT, parse_mode: 'HTML', text: expect.stringMatching(ARRIVES) });
  });
});

describe('authwatch install openclaw: an automation in the real gateway', { timeout: 240_000 }, () => {
  it('install → automations list shows it → run now posts the alert to the chat → uninstall removes it', async () => {
    const config = notifier();
    const jobs = async () =>
      (JSON.parse(await realOpenclaw(box.home).run(['automations', 'list', '--json'])) as { jobs: Array<{ id: string; name: string; enabled?: boolean }> })
        .jobs;

    const installed = await runCli(['install', 'openclaw', '--config', config], box.env, 120_000);
    expect(installed.exitCode, installed.stdout + installed.stderr).toBe(0);
    const mine = (await jobs()).filter((j) => j.name === 'authwatch');
    expect(mine).toHaveLength(1);
    expect(installed.stdout).toContain(`created automation authwatch (${mine[0]!.id})`);
    // Again: replaced, not doubled.
    expect((await runCli(['install', 'openclaw', '--config', config], box.env, 120_000)).exitCode).toBe(0);
    const again = (await jobs()).filter((j) => j.name === 'authwatch');
    expect(again).toHaveLength(1);

    // Run now, from a state that has not alerted yet: the check inside the gateway prints the alert,
    // and the gateway announces it to the chat.
    rmSync(join(box.home, '.local', 'state', 'authwatch'), { recursive: true, force: true });
    const before = botApi.sent().length;
    await realOpenclaw(box.home).run(['automations', 'run', again[0]!.id, '--wait', '--wait-timeout', '2m'], undefined, 180_000);
    const posted = botApi.sent().slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.params).toMatchObject({ chat_id: CHAT, text: expect.stringMatching(ARRIVES) });

    const removed = await runCli(['uninstall', 'openclaw', '--config', config], box.env, 120_000);
    expect(removed.exitCode, removed.stdout).toBe(0);
    expect((await jobs()).filter((j) => j.name === 'authwatch')).toEqual([]);
  });
});
