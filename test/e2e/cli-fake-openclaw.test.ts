import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_BIN, FIXTURE_NOW, FIXTURES, fakeToken, parseReport, readArgvLog, runCli, sandbox } from '../helpers/cli.js';
import { expectNoSecrets } from '../helpers/secrets.js';

/** A sandbox whose PATH holds the recording fake `openclaw`, answering from `status` files. */
function withFake(statuses: Record<string, string> = { main: 'status-token-expiring.json' }) {
  const box = sandbox([FAKE_BIN]);
  const dir = mkdtempSync(join(tmpdir(), 'aw-fake-'));
  for (const [agent, file] of Object.entries(statuses)) cpSync(join(FIXTURES, 'openclaw', file), join(dir, `status-${agent}.json`));
  const log = join(dir, 'argv.jsonl');
  Object.assign(box.env, { FAKE_OPENCLAW_DIR: dir, FAKE_OPENCLAW_LOG: log, AUTHWATCH_NOW: String(FIXTURE_NOW) });
  return {
    box,
    dir,
    calls: () => readArgvLog(log),
  };
}

/** Whether a process still runs. A zombie (killed, not yet reaped by an orphan-reaping init) does not. */
function alive(pid: number): string | false {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  let state = '?';
  try {
    state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] ?? '?';
  } catch {
    return false;
  }
  return state === 'Z' ? false : state;
}

describe('the openclaw source, against a recording fake', () => {
  it("asks for the agents, then each agent's status, with exactly these arguments", async () => {
    const { box, dir, calls } = withFake({ main: 'status-token-expiring.json', work: 'status-agent-work.json' });
    writeFileSync(
      join(dir, 'agents.json'),
      JSON.stringify([
        { id: 'main', isDefault: true },
        { id: 'work', isDefault: false, extra: 1 },
      ]),
    );
    const result = await runCli(['check', '--json'], box.env);
    expect(calls()).toEqual([
      ['agents', 'list', '--json'],
      ['models', 'status', '--json', '--agent=main'],
      ['models', 'status', '--json', '--agent=work'],
    ]);
    expect(
      parseReport(result)
        .credentials.map((c) => c.id)
        .sort(),
    ).toEqual(['openclaw:main:anthropic:manual', 'openclaw:work:anthropic:manual']);
  });

  it('two agents reading one store (auth.storePath) show the token once: one row, one remedy, for the owner', async () => {
    const { box, dir } = withFake();
    writeFileSync(
      join(dir, 'agents.json'),
      JSON.stringify([
        { id: 'main', isDefault: true },
        { id: 'work', isDefault: false },
      ]),
    );
    const status = JSON.parse(readFileSync(join(FIXTURES, 'openclaw', 'status-token-expiring.json'), 'utf8'));
    const store = (path: string) => JSON.stringify({ ...status, auth: { ...status.auth, storePath: path } });
    writeFileSync(join(dir, 'status-main.json'), store('/home/me/.openclaw/state/openclaw.sqlite'));
    writeFileSync(join(dir, 'status-work.json'), store('/home/me/.openclaw/state/openclaw.sqlite'));
    const shown = await runCli(['status'], box.env);
    expect(shown.stdout).toMatch(/^warn +main\+work +anthropic +anthropic:manual /m);
    expect(shown.stdout).toContain('warn: anthropic:manual (agent main, shared with work)');
    expect(shown.stdout.match(/paste-token/g)).toHaveLength(1);
    expect(parseReport(await runCli(['check', '--json'], box.env)).credentials.map((c) => [c.id, c.sharedWith])).toEqual([
      ['openclaw:main:anthropic:manual', ['work']],
    ]);

    // Work with a store of its own: its token is its own record again.
    writeFileSync(join(dir, 'status-work.json'), store('/home/me/.openclaw/agents/work/agent/openclaw-agent.sqlite'));
    expect(
      parseReport(await runCli(['check', '--json'], box.env))
        .credentials.map((c) => c.id)
        .sort(),
    ).toEqual(['openclaw:main:anthropic:manual', 'openclaw:work:anthropic:manual']);
  });

  it('--agent skips the agents list; sources.openclaw.agents does the same from config', async () => {
    const { box, calls } = withFake();
    await runCli(['check', '--agent', 'main'], box.env);
    expect(calls()).toEqual([['models', 'status', '--json', '--agent=main']]);

    const second = withFake();
    const config = second.box.writeConfig('sources:\n  openclaw:\n    agents: [main]\n');
    await runCli(['check', '--config', config], second.box.env);
    expect(second.calls()).toEqual([['models', 'status', '--json', '--agent=main']]);
  });

  it("OpenClaw's exit code alone is not trusted: exit 1 with valid JSON is judged by the JSON", async () => {
    const { box } = withFake({ main: 'status-expired-and-api-key.json' });
    box.env.FAKE_OPENCLAW_EXIT = '1';
    const result = await runCli(['check', '--json'], box.env);
    expect(result.exitCode).toBe(1);
    expect(parseReport(result).credentials.map((c) => c.status)).toEqual(['expired', 'static']);
  });

  it("an unknown agent: OpenClaw's own error message, exit 3", async () => {
    const { box } = withFake();
    const result = await runCli(['check', '--agent', 'nope'], box.env);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('error: openclaw (agent nope) — openclaw models status (agent nope): failed (exit 1): Unknown agent id "nope".');
    expect(result.stdout).toContain('Run `openclaw models status --agent nope` and `openclaw doctor` to see what fails.');
  });

  it('garbage on stdout: exit 3, one clear line, no stack trace, the token on its stderr scrubbed', async () => {
    const { box } = withFake();
    box.env.FAKE_OPENCLAW_MODE = 'garbage';
    const result = await runCli(['check', '--json'], box.env);
    expect(result.exitCode).toBe(3);
    const report = parseReport(result);
    expect(report.status).toBe('error');
    expect(report.errors).toEqual([
      { source: 'openclaw', message: 'openclaw agents list: printed output that is not JSON (exit 1): error: request with <secret> failed' },
    ]);
    expect(result.stderr).toBe('');
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at /);
    expectNoSecrets({ stdout: result.stdout, stderr: result.stderr }, [`sk-ant-oat01-${'Z'.repeat(60)}`]);
  });

  it('a hanging openclaw is killed at the timeout, its children too: exit 3', async () => {
    const { box, dir } = withFake();
    box.env.FAKE_OPENCLAW_MODE = 'hang';
    const config = box.writeConfig('sources:\n  openclaw:\n    timeout: 1s\n');
    const started = Date.now();
    const result = await runCli(['check', '--config', config], box.env);
    const elapsed = Date.now() - started;
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('openclaw agents list: openclaw timed out after 1s and was killed');
    expect(result.stdout).toContain('raise sources.openclaw.timeout');
    // Not a timing assertion on performance: a run that ignored its 1 s timeout would sit for the
    // fake's 1000 s sleep, so anything near that means the kill did not happen.
    expect(elapsed).toBeLessThan(30_000);
    const pids = JSON.parse(readFileSync(join(dir, 'pids.json'), 'utf8')) as number[];
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(alive(pid), `process ${pid} survived the timeout (state shown)`).toBe(false);
  });

  it('one deadline bounds the whole read: agents after a slow one are not started once sources.openclaw.timeout is spent', async () => {
    const { box, dir, calls } = withFake({ main: 'status-token-expiring.json', work: 'status-agent-work.json', ops: 'status-agent-work.json' });
    writeFileSync(
      join(dir, 'agents.json'),
      JSON.stringify([
        { id: 'main', isDefault: true },
        { id: 'work', isDefault: false },
        { id: 'ops', isDefault: false },
      ]),
    );
    // Each status answer takes 5 s, and the whole read may take 8 s: main answers, work is cut
    // short at what is left, ops never starts. (3 s of room for the rest: a loaded CI machine
    // needed more than the 0.5 s this once had.)
    box.env.FAKE_OPENCLAW_DELAY_MS = '5000';
    const result = await runCli(
      ['check', '--json', '--no-notify', '--config', box.writeConfig('sources:\n  openclaw:\n    via: cli\n    timeout: 8s\n')],
      box.env,
    );
    expect(result.exitCode, result.stderr).toBe(3);
    expect(calls()).toEqual([
      ['agents', 'list', '--json'],
      ['models', 'status', '--json', '--agent=main'],
      ['models', 'status', '--json', '--agent=work'],
    ]);
    const details = Object.fromEntries(parseReport(result).credentials.map((c) => [c.id, c.detail]));
    expect(details['openclaw:main:anthropic:manual']).toBeDefined();
    expect(details['openclaw:work:source']).toBe(
      "openclaw models status (agent work): openclaw was still running when the read's 8s (sources.openclaw.timeout) ran out, and was killed",
    );
    expect(details['openclaw:ops:source']).toBe("openclaw models status (agent ops): not run: the read's 8s (sources.openclaw.timeout) were spent");
  });

  it('openclaw not installed: exit 3, says so and what to do, for check and status alike', async () => {
    const box = sandbox();
    for (const command of ['check', 'status']) {
      const result = await runCli([command], box.env);
      expect(result.exitCode).toBe(3);
      expect(result.stdout).toContain('openclaw not found (not installed, or not on PATH)');
      expect(result.stdout).toContain('Install OpenClaw (npm install -g openclaw)');
      expect(result.stdout).toContain('Could not determine the status: 1 source failed (exit 3).');
      expect(result.stderr).toBe('');
    }
  });

  it('a configured command (argv) is used instead of openclaw on PATH', async () => {
    const { box, calls } = withFake();
    box.env.PATH = sandbox().env.PATH!; // the fake is no longer on PATH
    const config = box.writeConfig(`sources:\n  openclaw:\n    command: [${JSON.stringify(join(FAKE_BIN, 'openclaw'))}]\n`);
    const result = await runCli(['check', '--json', '--config', config], box.env);
    expect(result.exitCode).toBe(2);
    expect(calls()).toHaveLength(2);
  });
});

describe('the Claude Code credentials file', () => {
  function withClaudeFile(content: unknown) {
    const box = sandbox();
    mkdirSync(join(box.home, '.claude'));
    writeFileSync(join(box.home, '.claude', '.credentials.json'), typeof content === 'string' ? content : JSON.stringify(content));
    // Only this source: no OpenClaw on this machine.
    return { box, config: box.writeConfig('sources:\n  openclaw:\n    enabled: false\n') };
  }

  it('a long-lived token (no refresh token) is judged by its expiry, and its values never leak', async () => {
    const access = fakeToken();
    const { box, config } = withClaudeFile({
      claudeAiOauth: { accessToken: access, expiresAt: Date.now() + 3 * 3_600_000, scopes: ['user:inference'], subscriptionType: 'max' },
    });
    const result = await runCli(['check', '--json', '--config', config], box.env);
    expect(result.exitCode).toBe(2);
    expect(parseReport(result).credentials).toEqual([
      expect.objectContaining({ id: 'claude-code:anthropic', source: 'claude-code', provider: 'anthropic', type: 'oauth', status: 'warn' }),
    ]);
    expect(parseReport(result).credentials[0]!.remedy).toContain('claude setup-token');
    expectNoSecrets({ stdout: result.stdout, stderr: result.stderr, state: readFileSync(box.statePath, 'utf8') }, [access]);
  });

  it('a refreshable login a few hours from expiry is fine (claude renews it)', async () => {
    const { box, config } = withClaudeFile({
      claudeAiOauth: { accessToken: fakeToken(), refreshToken: fakeToken('sk-ant-ort01-'), expiresAt: Date.now() + 3 * 3_600_000 },
    });
    const result = await runCli(['check', '--json', '--config', config], box.env);
    expect(result.exitCode).toBe(0);
    expect(parseReport(result).credentials[0]!.status).toBe('ok');
  });

  it('a corrupt file is an error (exit 3) that does not quote the file', async () => {
    const secret = fakeToken();
    const { box, config } = withClaudeFile(`{"claudeAiOauth": {"accessToken": "${secret}"`);
    const result = await runCli(['check', '--config', config], box.env);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('.credentials.json is not the expected JSON');
    expectNoSecrets({ stdout: result.stdout, stderr: result.stderr }, [secret]);
  });

  it('a FIFO at the path is an error record at once, not a hung check', async () => {
    const box = sandbox();
    mkdirSync(join(box.home, '.claude'));
    execFileSync('mkfifo', [join(box.home, '.claude', '.credentials.json')]);
    const config = box.writeConfig('sources:\n  openclaw:\n    enabled: false\n');
    const result = await runCli(['check', '--json', '--config', config], box.env, 20_000);
    expect(result.exitCode).toBe(3);
    expect(parseReport(result).credentials[0]).toMatchObject({
      status: 'error',
      detail: `cannot read ${join(box.home, '.claude', '.credentials.json')} (not a regular file)`,
    });
  });

  it('no file: nothing to report on auto; missing when enabled: true', async () => {
    const box = sandbox();
    const auto = box.writeConfig('sources:\n  openclaw: { enabled: false }\n');
    const none = await runCli(['check', '--json', '--config', auto], box.env);
    expect(none.exitCode).toBe(0);
    expect(parseReport(none).credentials).toEqual([]);
    expect((await runCli(['check', '--config', auto], box.env)).stdout).toContain('No credentials found');

    const required = box.writeConfig('sources:\n  openclaw: { enabled: false }\n  claudeCode: { enabled: true }\n', 'required.yaml');
    const missing = await runCli(['check', '--json', '--config', required], box.env);
    expect(missing.exitCode).toBe(1);
    expect(parseReport(missing).credentials[0]).toMatchObject({ status: 'missing', detail: expect.stringContaining('does not exist') });
  });
});

describe('the Codex and Gemini login files', () => {
  const H = 3_600_000;
  /** An unsigned JWT: authwatch reads `exp` without verifying. */
  const jwt = (claims: Record<string, unknown>) =>
    `${[{ alg: 'RS256', typ: 'JWT' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.')}.c2lnbmF0dXJl`;

  function withFiles(files: Record<string, unknown>) {
    const box = sandbox();
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(box.home, path, '..'), { recursive: true });
      writeFileSync(join(box.home, path), typeof content === 'string' ? content : JSON.stringify(content));
    }
    return { box, config: box.writeConfig('sources:\n  openclaw:\n    enabled: false\n') };
  }

  it("codex: the access token's JWT exp is the expiry; a refresh token makes it refreshable; the token never leaks", async () => {
    const access = jwt({ exp: Math.floor((Date.now() + 3 * H) / 1000), sub: fakeToken('u') });
    const refresh = fakeToken('rt_');
    const { box, config } = withFiles({
      '.codex/auth.json': {
        OPENAI_API_KEY: null,
        tokens: { id_token: access, access_token: access, refresh_token: refresh, account_id: 'acct' },
        last_refresh: '2026-11-25T00:00:00Z',
      },
    });
    const result = await runCli(['check', '--json', '--config', config], box.env);
    expect(result.exitCode).toBe(0);
    expect(parseReport(result).credentials).toEqual([
      expect.objectContaining({ id: 'codex:openai-codex', source: 'codex', provider: 'openai-codex', type: 'oauth', status: 'ok' }),
    ]);
    expect(parseReport(result).credentials[0]!.expiresAt).not.toBeNull();
    expectNoSecrets({ stdout: result.stdout, stderr: result.stderr, state: readFileSync(box.statePath, 'utf8') }, [access, refresh]);
  });

  it('codex: without a refresh token it is judged by its expiry, with the re-login remedy; $CODEX_HOME moves the file', async () => {
    const box = sandbox();
    const home = join(box.home, 'elsewhere');
    mkdirSync(home);
    writeFileSync(join(home, 'auth.json'), JSON.stringify({ tokens: { access_token: jwt({ exp: Math.floor((Date.now() + H) / 1000) }) } }));
    const config = box.writeConfig('sources:\n  openclaw:\n    enabled: false\n');
    const result = await runCli(['check', '--json', '--config', config], { ...box.env, CODEX_HOME: home });
    expect(result.exitCode).toBe(2);
    expect(parseReport(result).credentials[0]).toMatchObject({
      status: 'critical',
      remedy: 'Log in to Codex again on this host: codex login\nThen: openclaw models auth login --provider openai\nVerify: openclaw models status',
    });
  });

  it.each([
    ['a JWT without exp: no expiry (static)', { tokens: { access_token: jwt({ sub: 'x' }) } }, 0, { status: 'static', expiresAt: null }],
    ['API-key mode: static', { OPENAI_API_KEY: fakeToken('sk-proj-'), tokens: null }, 0, { status: 'static', type: 'api_key' }],
    [
      'a token that is not a JWT: an error',
      { tokens: { access_token: 'opaque' } },
      3,
      { status: 'error', detail: expect.stringContaining('holds an access token that is not a JWT') },
    ],
    [
      'garbage: an error that quotes nothing',
      `{"tokens": {"access_token": "${'x'.repeat(20)}`,
      3,
      { status: 'error', detail: expect.stringContaining('auth.json is not the expected JSON') },
    ],
  ])('codex: %s', async (_name, content, exitCode, expected) => {
    const { box, config } = withFiles({ '.codex/auth.json': content });
    const result = await runCli(['check', '--json', '--config', config], box.env);
    expect(result.exitCode).toBe(exitCode);
    expect(parseReport(result).credentials).toEqual([expect.objectContaining(expected)]);
  });

  it('gemini: expiry_date in ms; refreshable with a refresh token; expired without one', async () => {
    const soon = withFiles({
      '.gemini/oauth_creds.json': { access_token: fakeToken('ya29.'), refresh_token: fakeToken('1//0'), expiry_date: Date.now() + 30 * 60_000 },
    });
    const refreshable = await runCli(['check', '--json', '--config', soon.config], soon.box.env);
    expect(parseReport(refreshable).credentials).toEqual([expect.objectContaining({ id: 'gemini:google-gemini-cli', source: 'gemini', status: 'ok' })]);

    const gone = withFiles({ '.gemini/oauth_creds.json': { access_token: fakeToken('ya29.'), expiry_date: Date.now() - 60_000 } });
    const expired = await runCli(['check', '--json', '--config', gone.config], gone.box.env);
    expect(expired.exitCode).toBe(1);
    expect(parseReport(expired).credentials[0]).toMatchObject({
      status: 'expired',
      remedy: 'Run `gemini` on this host and sign in again (it rewrites the file).\nVerify: openclaw models status',
    });
  });

  it('no files: nothing on auto; missing when enabled: true', async () => {
    const box = sandbox();
    const auto = box.writeConfig('sources:\n  openclaw: { enabled: false }\n');
    expect(parseReport(await runCli(['check', '--json', '--config', auto], box.env)).credentials).toEqual([]);
    const required = box.writeConfig('sources:\n  openclaw: { enabled: false }\n  codex: { enabled: true }\n  gemini: { enabled: true }\n', 'required.yaml');
    const missing = await runCli(['check', '--json', '--config', required], box.env);
    expect(missing.exitCode).toBe(1);
    expect(parseReport(missing).credentials.map((c) => [c.source, c.status])).toEqual([
      ['gemini', 'missing'],
      ['codex', 'missing'],
    ]);
  });
});

describe('command sources', () => {
  function script(body: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'aw-cmd-'));
    const path = join(dir, 'creds');
    writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return path;
  }

  it('records printed by a command are judged like any other', async () => {
    const box = sandbox();
    const soon = new Date(Date.now() + 30 * 60_000).toISOString();
    const cmd = script(
      `cat <<'JSON'\n[{"id":"vault-db","provider":"vault","expiresAt":"${soon}","remedy":"vault token renew"},` +
        `{"id":"github","type":"token","status":"expired","extra":"ignored"},{"id":"static-key","type":"api_key"}]\nJSON`,
    );
    const config = box.writeConfig(`sources:\n  openclaw: { enabled: false }\n  commands:\n    - name: vault\n      command: [${JSON.stringify(cmd)}]\n`);
    const result = await runCli(['check', '--json', '--config', config], box.env);
    expect(result.exitCode).toBe(1);
    expect(parseReport(result).credentials.map((c) => [c.id, c.source, c.status, c.remedy])).toEqual([
      ['command:vault:github', 'command:vault', 'expired', null],
      ['command:vault:vault-db', 'command:vault', 'critical', 'vault token renew'],
      ['command:vault:static-key', 'command:vault', 'static', null],
    ]);
  });

  it.each([
    ['not JSON', 'echo hello', 'command:vault: printed output that is not JSON'],
    ['a bad record', `echo '[{"id":"x","expiresAt":"next tuesday"}]'`, 'command:vault: printed records not in the expected shape (at [0].expiresAt:'],
    ['a failure', 'echo "boom" >&2; exit 4', 'command:vault: exited with 4: boom'],
  ])('%s is an error naming the source (exit 3)', async (_name, body, message) => {
    const box = sandbox();
    const config = box.writeConfig(
      `sources:\n  openclaw: { enabled: false }\n  commands:\n    - name: vault\n      command: [${JSON.stringify(script(body))}]\n`,
    );
    const result = await runCli(['check', '--json', '--config', config], box.env);
    expect(result.exitCode).toBe(3);
    expect(parseReport(result).errors[0]!.message).toContain(message);
  });
});
