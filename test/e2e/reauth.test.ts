import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shCommand } from '../../src/shell.js';
import { CLI, FAKE_BIN, FIXTURES, readArgvLog, runCli, sandbox } from '../helpers/cli.js';
import { itWithTool } from '../helpers/tools.js';

// `authwatch reauth`: the walk-through behind the Termux:Widget shortcut and the notification's
// Re-auth button. Locally each step runs on this terminal; `claude` and `openclaw` are recording
// fakes here (a real `claude setup-token` needs a browser login).
function recordingPrograms() {
  const bin = mkdtempSync(join(tmpdir(), 'aw-reauth-bin-'));
  for (const name of ['claude', 'openclaw']) copyFileSync(join(FIXTURES, 'recording-bin', 'termux-notification'), join(bin, name));
  copyFileSync(join(FIXTURES, 'recording-bin', 'record-argv.mjs'), join(bin, 'record-argv.mjs'));
  return bin;
}

describe('authwatch reauth', () => {
  it('runs the steps of OpenClaw docs in order on this host, then checks again', async () => {
    const bin = recordingPrograms();
    const box = sandbox([bin]);
    const log = join(box.home, 'argv.jsonl');
    const config = box.writeConfig('sources:\n  openclaw:\n    command: openclaw\n');
    const result = await runCli(['reauth', '--agent', 'work', '--config', config], { ...box.env, RECORD_ARGV_LOG: log });
    expect(result.stdout).toContain('Step 1 of 4: create a token (needs a Claude Pro/Max login).\n');
    expect(result.stdout).toContain('Checking again, so that the alert resolves now:\n');
    expect(readArgvLog(log)).toEqual([
      ['claude', 'setup-token'],
      ['openclaw', 'models', 'auth', 'setup-token', '--provider', 'anthropic', '--agent', 'work'],
      ['openclaw', 'models', 'status', '--agent', 'work'],
      ['openclaw', 'gateway', 'restart'],
      // The check that follows (the fake prints no JSON: the check's own business).
      ['openclaw', 'agents', 'list', '--json'],
    ]);
  });

  it('stops at the first step that fails, saying so', async () => {
    const bin = recordingPrograms();
    const box = sandbox([bin]);
    const log = join(box.home, 'argv.jsonl');
    const result = await runCli(['reauth', '--provider', 'openai-codex', '--config', box.writeConfig('')], {
      ...box.env,
      RECORD_ARGV_LOG: log,
      RECORD_ARGV_EXIT: '5',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('authwatch: reauth: that step failed (exit 5); nothing after it ran.\n');
    // The retired openai-codex is asked of OpenClaw as openai (its name since 2026.8).
    // First the agents (the recorder answers nothing: no agent is named), then the first step.
    expect(readArgvLog(log)).toEqual([
      ['openclaw', 'agents', 'list', '--json'],
      ['openclaw', 'models', 'auth', 'login', '--provider', 'openai'],
    ]);
  });

  it('without --agent where OpenClaw lists several agents: every step names the default one, as OpenClaw requires', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'aw-reauth-bin-'));
    copyFileSync(join(FIXTURES, 'recording-bin', 'termux-notification'), join(bin, 'claude'));
    copyFileSync(join(FIXTURES, 'recording-bin', 'record-argv.mjs'), join(bin, 'record-argv.mjs'));
    const box = sandbox([bin, FAKE_BIN]);
    const dir = mkdtempSync(join(tmpdir(), 'aw-fake-'));
    writeFileSync(join(dir, 'agents.json'), JSON.stringify([{ id: 'work' }, { id: 'main', isDefault: true }]));
    copyFileSync(join(FIXTURES, 'openclaw', 'status-token-expiring.json'), join(dir, 'status-main.json'));
    const log = join(box.home, 'openclaw.jsonl');
    const env = { ...box.env, FAKE_OPENCLAW_DIR: dir, FAKE_OPENCLAW_LOG: log, RECORD_ARGV_LOG: join(box.home, 'claude.jsonl') };
    const result = await runCli(['reauth', '--paste', '--config', box.writeConfig('')], env);
    expect(result.stdout).toContain("Agent main: OpenClaw's default of the 2 configured (name another with --agent).\n");
    expect(readArgvLog(log).slice(0, 4)).toEqual([
      ['agents', 'list', '--json'],
      ['models', 'auth', 'paste-token', '--provider', 'anthropic', '--agent', 'main', '--expires-in', '365d'],
      ['models', 'status', '--agent', 'main'],
      ['gateway', 'restart'],
    ]);
    // One agent: nothing to name, as before.
    writeFileSync(join(dir, 'agents.json'), JSON.stringify([{ id: 'main', isDefault: true }]));
    writeFileSync(log, '');
    await runCli(['reauth', '--paste', '--config', box.writeConfig('')], env);
    expect(readArgvLog(log)[1]).toEqual(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '365d']);
  });

  it('a gateway read by URL alone (a paired device) is not renewed on this host: it says what to run there, or to add ssh', async () => {
    const bin = recordingPrograms();
    const box = sandbox([bin]);
    const log = join(box.home, 'argv.jsonl');
    const config = box.writeConfig('sources:\n  openclaw:\n    name: server\n    gateway:\n      url: wss://server.lan:18789\n');
    const result = await runCli(['reauth', '--config', config], { ...box.env, RECORD_ARGV_LOG: log });
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toBe(
      'authwatch: reauth: gateway server is read by URL only, and renewing runs on its host: run there claude setup-token, then openclaw models auth setup-token --provider anthropic, then openclaw models status, then openclaw gateway restart; or set sources.openclaw.ssh: user@server.lan so that reauth (and the Re-auth button) runs it over SSH\n',
    );
    expect(readArgvLog(log)).toEqual([]);
  });

  it('for a remote gateway: one ssh -t session runs every step there, quoted for its shell; names the gateway among several', async () => {
    const box = sandbox();
    const config = box.writeConfig(
      [
        'sources:',
        '  openclaw:',
        '    - name: home',
        '    - name: server',
        '      ssh: me@server.lan:2222',
        '      sshArgs: [-i, /keys/id]',
        '      remoteCommand: ~/.npm-global/bin/openclaw',
        '',
      ].join('\n'),
    );
    const ambiguous = await runCli(['reauth', '--config', config], box.env);
    expect(ambiguous.exitCode).toBe(64);
    expect(ambiguous.stderr).toBe('authwatch: several gateways in sources.openclaw: name one with --gateway (home, server)\n');
    const unknown = await runCli(['reauth', '--gateway', 'lab', '--config', config], box.env);
    expect(unknown.stderr).toBe('authwatch: no gateway named "lab" in sources.openclaw (there: home, server)\n');

    const result = await runCli(['reauth', '--gateway', 'server', '--agent', "it's", '--dry-run', '--config', config], box.env);
    expect(result.exitCode, result.stderr).toBe(0);
    const script = [
      "echo 'Step 1 of 4: create a token (needs a Claude Pro/Max login).' && claude setup-token",
      `echo 'Step 2 of 4: give it to OpenClaw.' && ~/.npm-global/bin/openclaw models auth setup-token --provider anthropic --agent 'it'\\''s'`,
      `echo 'Step 3 of 4: check what OpenClaw sees now.' && ~/.npm-global/bin/openclaw models status --agent 'it'\\''s'`,
      "echo 'Step 4 of 4: restart the gateway so that it uses the new credential.' && ~/.npm-global/bin/openclaw gateway restart",
    ].join(' && ');
    // What bash makes of the printed line: ssh's argv, the script one word after the destination.
    const [line, selfCheck] = result.stdout.split('\n');
    const words = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' })
      .split('\0')
      .slice(0, -1);
    expect(words.slice(0, -1)).toEqual(['ssh', '-t', '-p', '2222', '-i', '/keys/id', '--', 'me@server.lan']);
    // First the programs, asked of that host (the next test runs them), then the steps.
    expect(words.at(-1)).toMatch(/^sh -c 'command -v claude .* && sh -c 'command -v ~\/\.npm-global\/bin\/openclaw .* && echo 'Step 1 of 4/);
    expect(words.at(-1)!.endsWith(` && ${script}`)).toBe(true);
    expect(selfCheck).toBe(`${process.execPath} ${CLI} check --config ${config}`);
  });

  it('without claude: names what to install or the --paste way, runs nothing (a dry run says the same); the --paste way works as printed', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'aw-reauth-bin-'));
    copyFileSync(join(FIXTURES, 'recording-bin', 'termux-notification'), join(bin, 'openclaw'));
    copyFileSync(join(FIXTURES, 'recording-bin', 'record-argv.mjs'), join(bin, 'record-argv.mjs'));
    const box = sandbox([bin]);
    const log = join(box.home, 'argv.jsonl');
    // Hostile words in every field the printed command carries: the agent and the config's path.
    const marker = join(box.dir, 'pwned');
    const agent = `it's $(touch ${marker}) \`touch ${marker}\` "x"`;
    const config = box.writeConfig('sources:\n  openclaw:\n    command: openclaw\n', `my 'cfg' $(touch ${marker.replace(/\//g, '_')}).yaml`);
    const env = { ...box.env, RECORD_ARGV_LOG: log };
    const paste = shCommand([process.execPath, CLI, 'reauth', '--paste', `--agent=${agent}`, '--config', config]);
    const said = `authwatch: reauth: claude (Claude Code) is not installed on this host: install it (npm install -g @anthropic-ai/claude-code), or make the token where it is (claude setup-token) and paste it: ${paste}; no step ran\n`;

    const result = await runCli(['reauth', '--agent', agent, '--config', config], env);
    expect(result).toMatchObject({ exitCode: 1, stdout: '', stderr: said });
    expect(readArgvLog(log)).toEqual([]);

    const dry = await runCli(['reauth', '--agent', agent, '--dry-run', '--config', config], env);
    expect(dry).toMatchObject({ exitCode: 1, stderr: said });
    expect(dry.stdout.split('\n')[0]).toBe('claude setup-token');
    expect(readArgvLog(log)).toEqual([]);

    // Pasted as printed, into sh and bash: every step runs for exactly that agent, and nothing else runs.
    for (const shell of ['sh', 'bash']) {
      const pasted = spawnSync(shell, ['-c', paste], { env, cwd: box.dir, encoding: 'utf8' });
      // The check after the steps exits 3 (the recorder prints no status JSON).
      expect(pasted.stdout, pasted.stderr).toContain('Step 3 of 3: restart the gateway so that it uses the new credential.\nChecking again');
      expect(readArgvLog(log).slice(-4, -1)).toEqual([
        ['openclaw', 'models', 'auth', 'paste-token', '--provider', 'anthropic', '--agent', agent, '--expires-in', '365d'],
        ['openclaw', 'models', 'status', '--agent', agent],
        ['openclaw', 'gateway', 'restart'],
      ]);
    }
    expect(readdirSync(box.dir).filter((f) => f.includes('pwned'))).toEqual([]);
  });

  describe('for a remote gateway, the script asks that host for every program first, in each login shell there', () => {
    let remote: { script: string; config: string; box: ReturnType<typeof sandbox>; bin: string } | undefined;
    /** The session's script as ssh would receive it, and a host where only openclaw (a recorder) is installed. */
    const remoteSession = async () => {
      if (remote) return remote;
      const box = sandbox();
      const config = box.writeConfig('sources:\n  openclaw:\n    ssh: me@server.lan\n', "it's a $(cfg).yaml");
      const result = await runCli(['reauth', '--dry-run', '--config', config], box.env);
      const line = result.stdout.split('\n')[0]!;
      const script = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' })
        .split('\0')
        .at(-2)!;
      const bin = mkdtempSync(join(tmpdir(), 'aw-reauth-remote-'));
      copyFileSync(join(FIXTURES, 'recording-bin', 'termux-notification'), join(bin, 'openclaw'));
      copyFileSync(join(FIXTURES, 'recording-bin', 'record-argv.mjs'), join(bin, 'record-argv.mjs'));
      remote = { script, config, box, bin };
      return remote;
    };

    for (const shell of ['sh', 'bash', 'zsh', 'fish']) {
      itWithTool(shell, shell)(`${shell}: without claude, exit 127 with what to do, and no step runs`, async () => {
        const { script, config, box, bin } = await remoteSession();
        const log = join(box.home, `remote-argv-${shell}.jsonl`);
        const run = spawnSync(shell, ['-c', script], {
          env: { ...box.env, PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, RECORD_ARGV_LOG: log },
          encoding: 'utf8',
        });
        expect(run.status, `${shell}: ${run.stderr}`).toBe(127);
        expect(run.stderr).toBe(
          `reauth: claude (Claude Code) is not installed on me@server.lan: install it (npm install -g @anthropic-ai/claude-code), or make the token where it is (claude setup-token) and paste it: ${shCommand([process.execPath, CLI, 'reauth', '--paste', '--config', config])}; no step ran\n`,
        );
        expect(run.stdout).toBe('');
        expect(readArgvLog(log)).toEqual([]);
      });
    }

    it('a remoteCommand that sets the environment first is asked for its program, the word after the assignments', async () => {
      const box = sandbox();
      const assigned = box.writeConfig('sources:\n  openclaw:\n    ssh: me@server.lan\n    remoteCommand: OPENCLAW_STATE_DIR=/srv/oc openclaw\n');
      const withEnv = (await runCli(['reauth', '--dry-run', '--config', assigned], box.env)).stdout;
      expect(withEnv).toContain("sh -c '\\''command -v openclaw >/dev/null");
    });
  });

  it('--list: gateway names on stdout only; one unnamed gateway is said on stderr, not left blank', async () => {
    const box = sandbox();
    const named = box.writeConfig('sources:\n  openclaw:\n    - name: home\n    - name: server\n      ssh: me@server.lan\n', 'named.yaml');
    expect(await runCli(['reauth', '--list', '--config', named], box.env)).toMatchObject({ exitCode: 0, stdout: 'home\nserver\n', stderr: '' });
    const one = await runCli(['reauth', '--list', '--config', box.writeConfig('')], box.env);
    expect(one).toMatchObject({
      exitCode: 0,
      stdout: '',
      stderr: 'authwatch: reauth: one gateway, unnamed (on this host): `authwatch reauth` renews it without --gateway\n',
    });
  });
});
