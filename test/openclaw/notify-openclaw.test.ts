import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeToken, parseReport, runCli, sandbox } from '../helpers/cli.js';
import { type RunningGateway, startGateway } from '../helpers/gateway.js';
import { realOpenclaw } from '../helpers/openclaw.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import { startBotApi } from '../helpers/telegram.js';

// The openclaw notifier through the real OpenClaw: a real gateway whose Telegram channel talks to
// a fake Bot API on 127.0.0.1 (channels.telegram.apiRoot), which records every sendMessage.
// Telegram because it is bundled with OpenClaw and its Bot API is plain HTTP with a settable root.
const TOKEN = `gw-${fakeToken('')}`;
const BOT_TOKEN = `123456:${fakeToken('').slice(0, 35)}`;
const CHAT = '987654321';
const CREDENTIAL = fakeToken();

let box: ReturnType<typeof sandbox>;
let gateway: RunningGateway | undefined;
let botApi: Awaited<ReturnType<typeof startBotApi>>;

beforeAll(async () => {
  botApi = await startBotApi(BOT_TOKEN);
  box = sandbox();
  const oc = realOpenclaw(box.home);
  box.env.OPENCLAW_BIN = oc.bin;
  await oc.useModel('anthropic/claude-sonnet-4-5');
  // Critical: an hour left (below the 2h threshold).
  await oc.pasteToken('anthropic', CREDENTIAL, '1h');
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

const notifier = (extra = '') => box.writeConfig(`notifiers:\n  - type: openclaw\n    channel: telegram\n    target: "${CHAT}"\n${extra}`);

describe('openclaw notifier: alerts through the gateway to Telegram', { timeout: 180_000 }, () => {
  it('a credential crossing into critical: one sendMessage to the chat, with the fix as code; none on the next check', async () => {
    const result = await runCli(['check', '--json', '--config', notifier()], box.env);
    expect(parseReport(result).notifications, result.stderr).toMatchObject([{ notifier: 'openclaw', event: 'firing', ok: true }]);
    const sent = botApi.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.params).toMatchObject({ chat_id: expect.anything() });
    expect(String(sent[0]!.params.chat_id)).toBe(CHAT);
    // What arrives, as the channel rendered it.
    console.log(JSON.stringify(sent[0]!.params));
    const text = String(sent[0]!.params.text);
    expect(text).toContain('[CRITICAL] anthropic:manual (agent main) expires in');
    expect(text).toContain('claude setup-token');
    expectNoSecrets({ text, out: result.stdout, err: result.stderr }, [TOKEN, BOT_TOKEN, CREDENTIAL]);

    const again = await runCli(['check', '--json', '--config', notifier()], box.env);
    expect(parseReport(again).notifications).toEqual([]);
    expect(botApi.sent()).toHaveLength(1);
  });
});
