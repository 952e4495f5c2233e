import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import MarkdownIt from 'markdown-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReport, runCli, sandbox } from '../helpers/cli.js';
import { itWithDunst, startDunst } from '../helpers/dunst.js';
import { startReceiver } from '../helpers/receiver.js';

// Names, details and remedies come from outside (an agent with shell tools can name a profile).
// Planted in every field, they must show as the literal text in every formatted channel: no link,
// emphasis, tag or image. Markdown is read here as OpenClaw's channels read it (markdown-it 15,
// HTML off, linkify with fuzzy links on: dist/ir-*.mjs in openclaw 2026.9.6).
const PLANTS = ['[Renew here](https://evil.example/x)', '**b**', '<a href="https://evil.example/y">y</a>', '<img src="https://evil.example/z.png">'];
const openclawMarkdown = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false }).enable('strikethrough');
openclawMarkdown.linkify.set({ fuzzyLink: true });

let box: ReturnType<typeof sandbox>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  box = sandbox();
  const records = PLANTS.map((plant, i) => ({ id: `r${i}`, profileId: plant, provider: plant, agent: plant, status: 'expired', detail: plant, remedy: plant }));
  const file = join(box.home, 'records.json');
  writeFileSync(file, JSON.stringify(records));
  box.env.RECORDS = file;
});
afterAll(() => receiver.close());

const config = (notifiers: string) =>
  box.writeConfig(
    [
      'sources:',
      '  openclaw:',
      '    enabled: false',
      '  commands:',
      '    - name: planted',
      `      command: [cat, ${box.env.RECORDS}]`,
      'notifiers:',
      notifiers,
      '',
    ].join('\n'),
    `config-${Math.random().toString(36).slice(2)}.yaml`,
  );
const fresh = () => ({ ...box.env, XDG_STATE_HOME: join(box.home, `state-${Math.random().toString(36).slice(2)}`) });

/** No element but paragraphs, line breaks and code came out of the Markdown. */
function expectLiteral(html: string) {
  expect(html).not.toMatch(/<(a|strong|em|img|s|h\d|ul|ol|li|blockquote)\b/);
  for (const plant of PLANTS) expect(html).toContain(openclawMarkdown.utils.escapeHtml(plant));
}

describe('names from outside, in every formatted channel', () => {
  it('chat (the openclaw notifier and check --format openclaw): Markdown that renders each name literally, commands as code', async () => {
    const result = await runCli(['check', '--format', 'openclaw', '--config', config('  []')], fresh());
    expect(result.exitCode, result.stderr).toBe(0);
    const html = openclawMarkdown.render(result.stdout);
    expectLiteral(html);
    // Without the escaping, the same text would link, embolden and show an image (the check can fail).
    expect(openclawMarkdown.render(PLANTS.join('\n'))).toMatch(/<a href="https:\/\/evil\.example\/x">/);
  });

  it('Slack: formatting off, and &, <, > escaped as Slack requires', async () => {
    const result = await runCli(['check', '--json', '--config', config(`  - type: webhook\n    url: ${receiver.url}/slack\n    format: slack`)], fresh());
    expect(parseReport(result).notifications.every((n) => n.ok)).toBe(true);
    const bodies = receiver.requests.filter((r) => r.path === '/slack').map((r) => JSON.parse(r.body) as { text: string; mrkdwn: boolean });
    expect(bodies).toHaveLength(PLANTS.length);
    for (const body of bodies) {
      expect(body.mrkdwn).toBe(false);
      expect(body.text).not.toMatch(/[<>]/);
    }
    expect(bodies.map((b) => b.text).join('\n')).toContain('&lt;a href="https://evil.example/y"&gt;y&lt;/a&gt;');
  });

  it('Discord: Markdown shown literally, and no mentions', async () => {
    const result = await runCli(['check', '--json', '--config', config(`  - type: webhook\n    url: ${receiver.url}/discord\n    format: discord`)], fresh());
    expect(parseReport(result).notifications.every((n) => n.ok)).toBe(true);
    const bodies = receiver.requests.filter((r) => r.path === '/discord').map((r) => JSON.parse(r.body) as { content: string; allowed_mentions: unknown });
    expect(bodies).toHaveLength(PLANTS.length);
    for (const body of bodies) expect(body.allowed_mentions).toEqual({ parse: [] });
    expectLiteral(openclawMarkdown.render(bodies.map((b) => b.content).join('\n\n')));
  });

  itWithDunst('desktop (dunst): the body is markup to the daemon, so each name arrives entity-escaped and no tag acts', async () => {
    const dunst = await startDunst();
    try {
      const env = { ...fresh(), DBUS_SESSION_BUS_ADDRESS: dunst.bus };
      const result = await runCli(['check', '--json', '--config', config('  - type: desktop\n    backend: notify-send')], env);
      expect(parseReport(result).notifications.every((n) => n.ok)).toBe(true);
      for (let waited = 0; dunst.received().length < PLANTS.length && waited < 10_000; waited += 50) await sleep(50);
      // What dunst was handed (its rule script sees the body as sent): markup with no tag in it,
      // whose entities decode to each name as written.
      const bodies = dunst.received().map((n) => n.body);
      expect(bodies).toHaveLength(PLANTS.length);
      for (const body of bodies) expect(body).not.toMatch(/[<>]/);
      const decoded = bodies.map((b) => b.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
      for (const plant of PLANTS) expect(decoded.some((body) => body.includes(plant))).toBe(true);
    } finally {
      await dunst.stop();
    }
  });
});
