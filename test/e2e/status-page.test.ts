import { copyFileSync, existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { parseReport, runCli } from '../helpers/cli.js';
import { D, H, recordsBox } from '../helpers/records-box.js';
import { startReceiver } from '../helpers/receiver.js';
import { itIf } from '../helpers/tools.js';
import { startWatch } from '../helpers/watch.js';

const itWithChromium = itIf(hasChromium, 'chromium not found (Debian package: chromium)');
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of cleanup.splice(0).reverse()) await stop();
});

/** watch on the records sandbox with a webhook receiver, real time, its server on a port the kernel picks. */
async function watchWithPage(extraConfig = '', listen = '127.0.0.1:0', extraEnv: Record<string, string> = {}) {
  const hook = await startReceiver();
  cleanup.push(() => hook.close());
  const t = recordsBox(`schedule: "0 0 1 1 *"\nnotifiers:\n  - type: webhook\n    url: ${hook.url}\n${extraConfig}`);
  const now = Date.now();
  t.serve([
    { id: 'claude', provider: 'anthropic', type: 'token', expiresAt: now + 5 * H, remedy: 'Run: claude setup-token' },
    { id: 'gpt-key', provider: 'openai', type: 'api_key', expiresAt: now + 60 * D },
    { id: 'gemini', provider: 'google', type: 'oauth', status: 'expired', remedy: 'Run: gemini (sign in again)' },
  ]);
  const { AUTHWATCH_NOW: _, ...env } = t.box.env;
  const w = startWatch(['--config', t.path, '--listen', listen], { ...env, ...extraEnv });
  cleanup.push(() => w.stop());
  await w.waitFor(() => w.checks().length >= 1, 30_000, 'the first check');
  const port = w.lines.find((l) => String(l.msg).startsWith('serving the status page'))!.port as number;
  return { t, w, hook, now, base: `http://127.0.0.1:${port}` };
}

describe('the status page in watch', () => {
  itWithChromium(
    'renders every credential, a firing and a resolution on the timeline, no console errors; phone and desktop screenshots',
    async () => {
      const { t, w, now, base } = await watchWithPage();
      // The test causes a resolution: claude is renewed, and watch checks on SIGUSR1.
      t.serve([
        { id: 'claude', provider: 'anthropic', type: 'token', expiresAt: now + 30 * D },
        { id: 'gpt-key', provider: 'openai', type: 'api_key', expiresAt: now + 60 * D },
        { id: 'gemini', provider: 'google', type: 'oauth', status: 'expired', remedy: 'Run: gemini (sign in again)' },
      ]);
      w.child.kill('SIGUSR1');
      await w.waitFor(() => w.checks().length >= 2, 30_000, 'the check after the renewal');

      const browser = await launchChromium();
      cleanup.push(() => browser.close());
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      const response = await page.goto(base);
      expect(response!.status()).toBe(200);
      expect(response!.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+';/);

      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText, the text a person sees, is what is asserted
      const text = await page.innerText('body');
      expect(text).toMatch(/^authwatch\s+expired/);
      for (const name of ['claude', 'gpt-key', 'gemini']) expect(text).toContain(name);
      expect(text).toContain('Run: gemini (sign in again)');
      expect(text).toContain('Snooze 4h');
      // The timeline: claude fired (warn) at start and was resolved after its renewal.
      const items = await page.locator('.timeline li').allInnerTexts();
      expect(items.some((i) => /fired claude \(warn\)$/.test(i))).toBe(true);
      expect(items.some((i) => /resolved claude \(ok\)$/.test(i))).toBe(true);
      expect(items.some((i) => /renewed claude$/.test(i))).toBe(true);
      expect(await page.locator('.timeline svg rect').count()).toBeGreaterThanOrEqual(4);
      // Times in the viewer's zone, by the page's one script (allowed by its hash).
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText, the text a person sees, is what is asserted
      expect(await page.locator('time[data-local]').first().innerText()).not.toMatch(/[+-]\d\d:\d\d$/);
      expect(problems).toEqual([]);

      const phone = join(t.box.dir, 'status-page-390.png');
      await page.screenshot({ path: phone, fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
      const desktop = join(t.box.dir, 'status-page-1280.png');
      await page.screenshot({ path: desktop, fullPage: true });
      for (const file of [phone, desktop]) expect(existsSync(file) && statSync(file).size > 10_000).toBe(true);
      process.stdout.write(`status page screenshots: ${phone} ${desktop}\n`);
      // docs/status-page.md shows these: AUTHWATCH_SCREENSHOTS_DIR=docs/images takes them again.
      const keep = process.env.AUTHWATCH_SCREENSHOTS_DIR;
      if (keep) for (const file of [phone, desktop]) copyFileSync(file, join(keep, basename(file)));

      // The Snooze button: a signed form; after it, the page says so (once watch has checked again).
      await page.locator('article', { hasText: 'gemini' }).getByRole('button', { name: 'Snooze 4h' }).click();
      await page.waitForURL(`${base}/`);
      await w.waitFor(() => w.checks().some((c) => c.trigger === 'snoozed'), 30_000, 'the check after the snooze');
      await page.reload();
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText, the text a person sees, is what is asserted
      expect(await page.locator('article', { hasText: 'gemini' }).innerText()).toMatch(/expired, snoozed[\s\S]*Snoozed until .*: snoozed from the status page/);
      expect(problems).toEqual([]);
    },
    120_000,
  );

  it('serves /api/status (the check --json document) and /badge.svg; a forged or expired snooze is refused', async () => {
    const { t, base } = await watchWithPage();
    const api = await fetch(`${base}/api/status`);
    expect(api.headers.get('content-type')).toBe('application/json');
    const document = (await api.json()) as ReturnType<typeof parseReport>;
    const check = parseReport(await runCli(['status', '--json', '--config', t.path], (({ AUTHWATCH_NOW: _, ...e }) => e)(t.box.env)));
    expect(document.credentials.map((c) => [c.id, c.status])).toEqual(check.credentials.map((c) => [c.id, c.status]));
    const badge = await fetch(`${base}/badge.svg`);
    expect(badge.headers.get('content-type')).toBe('image/svg+xml');
    expect(await badge.text()).toMatch(/<title>authwatch: expired<\/title>/);
    for (const query of ['id=command:lab:gemini&for=14400000&exp=99999999999999&sig=forged', '']) {
      const refused = await fetch(`${base}/api/snooze?${query}`, { method: 'POST' });
      expect(refused.status).toBe(403);
    }
    const huge = await fetch(`${base}/api/snooze`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(huge.status).toBe(413);
    expect((await runCli(['snooze', '--list'], t.box.env)).stdout).toBe('No snoozes.\n');
  });

  it('bound beyond loopback: the page is refused without web auth, /metrics answers; with a token, Bearer only', async () => {
    const open = await watchWithPage('', '0.0.0.0:0');
    expect(open.w.lines.find((l) => String(l.msg).startsWith('serving the status page'))!.msg).toContain(
      'the status page is refused (403) on this address until web.token or web.basicAuth is set',
    );
    expect((await fetch(`${open.base}/`)).status).toBe(403);
    expect((await fetch(`${open.base}/metrics`)).status).toBe(200);

    const token = 'aw-web-token-7f3a9c2e5b1d';
    const guarded = await watchWithPage('web:\n  token: env:AW_WEB_TOKEN\n', '0.0.0.0:0', { AW_WEB_TOKEN: token });
    for (const auth of [undefined, 'Bearer wrong', `Basic ${Buffer.from(`x:${token}`).toString('base64')}`]) {
      expect((await fetch(`${guarded.base}/api/status`, auth ? { headers: { authorization: auth } } : {})).status).toBe(401);
    }
    const signedIn = await fetch(`${guarded.base}/api/status`, { headers: { authorization: `Bearer ${token}` } });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).not.toContain(token);
    // An unset variable is a config error naming the file and key (exit 78).
    const unset = await runCli(['watch', '--config', guarded.t.path, '--listen', '127.0.0.1:0'], guarded.t.box.env);
    expect([unset.exitCode, unset.stderr]).toEqual([
      78,
      `authwatch: config error: ${guarded.t.path}: web.token: environment variable AW_WEB_TOKEN is not set\n`,
    ]);
    // Only a watch that serves the page needs it: a timer's check, and a watch without --listen, run without it.
    const timer = await runCli(['check', '--json', '--config', guarded.t.path], guarded.t.box.env);
    expect([timer.exitCode, timer.stderr]).toEqual([1, '']);
    const quiet = startWatch(['--config', guarded.t.path], guarded.t.box.env);
    cleanup.push(() => quiet.stop());
    await quiet.waitFor(() => quiet.checks().length >= 1, 30_000, 'the first check without --listen');
  });

  it('an ntfy alert carries a Snooze 4h action when web.url says where the page is; pressing it snoozes that credential', async () => {
    const { t, base } = await watchWithPage();
    const ntfy = await startReceiver();
    cleanup.push(() => ntfy.close());
    const ntfyConfig = `notifiers:\n  - type: ntfy\n    server: ${ntfy.url}\n    topic: aw-test\n`;
    t.reconfigure(`${ntfyConfig}web:\n  url: ${base}\n`);
    // A credential that turns bad now (those already alerted on would not be sent again).
    t.serve([{ id: 'codex', provider: 'openai', type: 'oauth', status: 'expired' }]);
    const { AUTHWATCH_NOW: _, ...env } = t.box.env;
    await runCli(['check', '--config', t.path], env);
    const published = ntfy.requests.map((r) => ({ title: String(r.headers.title), actions: r.headers.actions as string | undefined }));
    const codex = published.find((p) => p.title.includes('codex'))!;
    const action =
      /^http, Snooze 4h, (http:\/\/127\.0\.0\.1:\d+\/api\/snooze\?id=command%3Alab%3Acodex&for=14400000&exp=\d+&sig=[\w-]+), method=POST, clear=true$/.exec(
        codex.actions ?? '',
      );
    expect(action, codex.actions).not.toBeNull();
    // What the ntfy app does when the button is pressed: POST to that URL, no password.
    const pressed = await fetch(action![1]!, { method: 'POST' });
    expect([pressed.status, await pressed.text()]).toEqual([200, 'snoozed command:lab:codex\n']);
    expect((await runCli(['snooze', '--list'], env)).stdout).toMatch(
      /^command:lab:codex {2}until .* \((4h|3h 59m) left\) {2}snoozed from a notification {2}covers 1\n$/,
    );
    // The same link for another credential does not verify.
    const forged = await fetch(action![1]!.replace('codex', 'claude'), { method: 'POST' });
    expect(forged.status).toBe(403);

    // Without web.url: no action.
    t.reconfigure(ntfyConfig);
    t.serve([{ id: 'other', provider: 'x', type: 'token', status: 'expired' }]);
    await runCli(['check', '--config', t.path], env);
    expect(ntfy.requests.at(-1)!.headers.title).toContain('other');
    expect(ntfy.requests.at(-1)!.headers.actions).toBeUndefined();
  });
});
