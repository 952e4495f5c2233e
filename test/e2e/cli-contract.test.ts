import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_BIN, FIXTURE_NOW, FIXTURES, fakeToken, parseReport, runCli, sandbox } from '../helpers/cli.js';
import { everyViewsOutput, expectNoSecrets } from '../helpers/secrets.js';

function fakeOpenclaw(box: ReturnType<typeof sandbox>, status = 'status-token-expiring.json') {
  const dir = mkdtempSync(join(tmpdir(), 'aw-fake-'));
  cpSync(join(FIXTURES, 'openclaw', status), join(dir, 'status-main.json'));
  box.env.FAKE_OPENCLAW_DIR = dir;
  box.env.PATH = `${FAKE_BIN}:${box.env.PATH}`;
  box.env.AUTHWATCH_NOW = String(FIXTURE_NOW);
}

describe('usage', () => {
  it('--help lists the commands and exit codes, exit 0', async () => {
    const result = await runCli(['--help'], sandbox().env);
    expect(result.exitCode).toBe(0);
    for (const word of ['check', 'status', 'config', 'Exit codes', '78 config error']) expect(result.stdout).toContain(word);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version'], sandbox().env);
    expect(result).toMatchObject({ exitCode: 0, stdout: `${pkg.version}\n` });
  });

  it.each([
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['check', '--jsn'], "unknown option '--jsn'"],
    [['check', '--agent'], "option '-a, --agent <id>' argument missing"],
    [['check', '--log-level', 'loud'], "option '--log-level <level>' argument 'loud' is invalid"],
  ])('%j is a usage error: exit 64, one line saying what is wrong', async (args, message) => {
    const result = await runCli(args, sandbox().env);
    expect(result.exitCode).toBe(64);
    expect(result.stderr.split('\n')[0]).toContain(`authwatch: ${message}`);
    expect(result.stdout).toBe('');
  });
});

describe('config errors and config commands', () => {
  it('an invalid config: exit 78, one line naming the file, line and key path; nothing else runs', async () => {
    const box = sandbox();
    fakeOpenclaw(box);
    const file = box.writeConfig('thresholds:\n  warn: 24h\n  critical: 2x\n');
    const result = await runCli(['check'], box.env);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toBe(`authwatch: config error: ${file}:3: thresholds.critical: invalid duration "2x" (use e.g. 90m, 2h, 7d)\n`);
    expect(result.stdout).toBe('');
  });

  it('a --config file that does not exist: exit 78', async () => {
    const box = sandbox();
    const result = await runCli(['status', '--config', join(box.home, 'nope.yaml')], box.env);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toBe(`authwatch: config error: ${join(box.home, 'nope.yaml')}: no such file\n`);
  });

  it('config init writes a 0600 starter that config check accepts; it will not overwrite without --force', async () => {
    const box = sandbox();
    const path = join(box.home, '.config', 'authwatch', 'config.yaml');
    const init = await runCli(['config', 'init'], box.env);
    expect(init.exitCode).toBe(0);
    expect(init.stdout).toContain(`Wrote ${path}`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toContain('thresholds:');

    const check = await runCli(['config', 'check'], box.env);
    expect(check).toMatchObject({
      exitCode: 0,
      stdout: `${path}: ok\nthresholds: warn 1d, critical 2h, lapsed 7d\nsources: openclaw, claude-code (when present), codex (when present), gemini (when present)\nnotifiers: none\n`,
    });

    const again = await runCli(['config', 'init'], box.env);
    expect(again.exitCode).toBe(73);
    expect(again.stderr).toBe(`authwatch: ${path} already exists; use --force to overwrite it\n`);
    expect((await runCli(['config', 'init', '--force'], box.env)).exitCode).toBe(0);
  });

  it('config check with no file says the defaults apply; with a bad file it exits 78', async () => {
    const box = sandbox();
    const none = await runCli(['config', 'check'], box.env);
    expect(none.exitCode).toBe(0);
    expect(none.stdout).toContain('No config file at');
    expect(none.stdout).toContain('the defaults apply');
    const bad = box.writeConfig('sources:\n  openclw: {}\n');
    const result = await runCli(['config', 'check', '--config', bad], box.env);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toBe(`authwatch: config error: ${bad}:2: sources.openclw: unknown key\n`);
  });
});

describe('status output', () => {
  it('colours the status column only when asked (FORCE_COLOR) and never with NO_COLOR', async () => {
    const box = sandbox();
    fakeOpenclaw(box, 'status-expired-and-api-key.json');
    const plain = await runCli(['status'], box.env);
    expect(plain.stdout).not.toContain('\u001b[');
    delete box.env.NO_COLOR;
    box.env.FORCE_COLOR = '1';
    const coloured = await runCli(['status'], box.env);
    expect(coloured.stdout).toContain('\u001b[1;31mexpired        \u001b[0m');
    // The API key's provider is not used by any configured model: shown, marked, never the exit code.
    expect(coloured.stdout).toContain('\u001b[36mstatic (unused)\u001b[0m');
    // The same text but for the colours (and the time the read took).
    const took = (text: string) => text.replace(/ in \d+ ms /, ' in N ms ');
    expect(took(coloured.stdout.replace(/\u001b\[[\d;]*m/g, ''))).toBe(took(plain.stdout));
    // With no gateway to ask, the CLI was used, and status says so and why.
    expect(plain.stdout).toMatch(
      /\nread via the CLI in \d+ ms \(gateway not used: no gateway token in .*openclaw\.json or OPENCLAW_GATEWAY_TOKEN\)\nusage windows: not read \(they need the gateway\)\n$/,
    );
  });
});

describe('state file', () => {
  it('is written 0600 in $XDG_STATE_HOME/authwatch', async () => {
    const box = sandbox();
    fakeOpenclaw(box);
    box.env.XDG_STATE_HOME = join(box.home, 'xdg-state');
    await runCli(['check'], box.env);
    const path = join(box.home, 'xdg-state', 'authwatch', 'state.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1, credentials: { 'openclaw:main:anthropic:manual': { status: 'warn' } } });
  });

  it('a check that sees what the last one saw does not write the state file again; a change does', async () => {
    const box = sandbox();
    fakeOpenclaw(box);
    await runCli(['check'], box.env);
    const first = statSync(box.statePath);
    await new Promise((r) => setTimeout(r, 20));
    await runCli(['check'], box.env);
    expect(statSync(box.statePath).mtimeMs).toBe(first.mtimeMs);
    await runCli(['check'], { ...box.env, AUTHWATCH_NOW: String(FIXTURE_NOW + 86_400_000) });
    expect(statSync(box.statePath).mtimeMs).not.toBe(first.mtimeMs);
  });

  it('a corrupt state file is moved aside with a warning on stderr, and the check still answers', async () => {
    const box = sandbox();
    fakeOpenclaw(box);
    mkdirSync(dirname(box.statePath), { recursive: true });
    writeFileSync(box.statePath, '{"version":1,"credentials":{"x":');
    const result = await runCli(['check', '--json'], box.env);
    expect(result.exitCode).toBe(2);
    expect(parseReport(result).status).toBe('warn');
    const aside = readdirSync(dirname(box.statePath)).find((f) => f.startsWith('state.json.corrupt-'));
    // openclaw-routes.json: how OpenClaw was read (the CLI here, with no gateway token).
    expect(readdirSync(dirname(box.statePath)).sort()).toEqual(['openclaw-routes.json', 'state.json', aside]);
    expect(result.stderr).toBe(
      `authwatch: warning: state file ${box.statePath} is corrupt (not JSON); moved it to ${join(dirname(box.statePath), aside!)} and started with empty state\n`,
    );
  });
});

describe('secrets never leave the process', () => {
  it('tokens from OpenClaw output, the Claude file and a command source appear nowhere, even at trace level', async () => {
    const box = sandbox();
    fakeOpenclaw(box, 'status-expired-and-api-key.json');
    const claudeToken = fakeToken();
    const refresh = fakeToken('sk-ant-ort01-');
    mkdirSync(join(box.home, '.claude'));
    writeFileSync(
      join(box.home, '.claude', '.credentials.json'),
      JSON.stringify({ claudeAiOauth: { accessToken: claudeToken, refreshToken: refresh, expiresAt: Date.now() - 1000 } }),
    );
    const commandToken = fakeToken('ghp_');
    const script = join(box.home, 'creds.sh');
    writeFileSync(script, `#!/bin/sh\necho "using ${commandToken}" >&2\necho '[{"id":"gh","token":"${commandToken}","expiresAt":1}]'\n`, { mode: 0o755 });
    const config = box.writeConfig(`sources:\n  commands:\n    - name: gh\n      command: [${JSON.stringify(script)}]\n`);

    const texts = await everyViewsOutput(config, box.env, 1);
    texts.state = readFileSync(box.statePath, 'utf8');
    // The fixture's masked labels ("sk-ant-o...AAAAAAAA") are checked by expectNoSecrets too.
    expectNoSecrets(texts, [claudeToken, refresh, commandToken]);
    expect(texts['check --json stderr']).toContain('"level":20'); // trace/debug lines were written and checked
  });
});
