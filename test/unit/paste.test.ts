import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { remedyFor } from '../../src/monitor/remedy.js';
import { type Command, renderCommand, renderRemedy } from '../../src/monitor/remedy-lines.js';
import { openclawRemedy } from '../../src/monitor/sources/openclaw/remedy.js';
import { sshRemedy } from '../../src/openclaw/ssh/failure.js';
import { shWord } from '../../src/shell.js';
import type { Credential } from '../../src/monitor/types.js';
import { credential as record } from '../helpers/records.js';
import { itWithTool } from '../helpers/tools.js';

/**
 * Every command a remedy prints is pasted into a real shell here, with the programs it names
 * (ssh, openclaw, claude, ssh-keygen, …) replaced by stubs that record their argv. What reaches the
 * stub must be exactly the words meant, and nothing else may run: each hostile name tries to
 * create the canary file.
 */
const dir = mkdtempSync(join(tmpdir(), 'authwatch-paste-'));
const bin = join(dir, 'bin');
const canary = join(dir, 'pwned');
const records = join(dir, 'argv');
mkdirSync(bin);
const stub = `#!/bin/sh\nprintf '%s\\0' "$(basename "$0")" "$@" >> '${records}'\nprintf '\\n' >> '${records}'\n`;
for (const name of ['ssh', 'openclaw', 'claude', 'ssh-keygen', 'ssh-copy-id', 'npm', 'authwatch']) writeFileSync(join(bin, name), stub, { mode: 0o755 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOSTILE = [
  `x'y\`touch ${canary}\`'`,
  `$(touch ${canary})`,
  `; touch ${canary} #`,
  `a\\'; touch ${canary}; echo '`,
  `a\\`,
  '\\',
  "'",
  '!!',
  `x!$(touch ${canary})`,
  `-oProxyCommand=touch ${canary}`,
  '--help',
  '*',
  '~root',
  '=ls',
  '"dq" $HOME',
  'a b',
  '{a,b}',
  '%1',
  'é ü',
  `(touch ${canary})`,
  `a && touch ${canary}`,
  `a | touch ${canary}`,
  `>${canary}`,
];

/** What the stubs recorded since the last call: one argv per program run. */
function takeRecords(): string[][] {
  if (!existsSync(records)) return [];
  const text = readFileSync(records, 'utf8');
  rmSync(records);
  return text
    .split('\0\n')
    .filter(Boolean)
    .map((run) => run.split('\0'));
}

const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, LANG: 'C.UTF-8' };

/** Pastes `line` into `shell` and returns the argv each stub received. */
function paste(shell: string, line: string): string[][] {
  execFileSync(shell, ['-c', line], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  expect(existsSync(canary), `${shell} ran something: ${line}`).toBe(false);
  return takeRecords();
}

function commands(remedy: ReturnType<typeof openclawRemedy>): Command[] {
  return (remedy ?? []).flatMap((line) => line.filter((part): part is Command => typeof part !== 'string'));
}

type Judged = Omit<Credential, 'remedyText'>;
const base = (over: Partial<Judged>): Judged => ({ ...record({ status: 'expired', expiresAt: 1, remainingMs: -1 }), ...over });

/** The records whose remedies carry every field: a profile to remove or activate, an agent (the default one too), a provider, a route. */
function hostileRecords(name: string): Judged[] {
  return [
    base({ inUse: false, profileId: name, agent: name, agentIsDefault: false }),
    base({ provider: name, type: 'oauth', agent: name, agentIsDefault: false }),
    base({ provider: name, type: 'api_key', profileId: name }),
    base({ status: 'missing', provider: name, profileId: null, type: null, route: { kind: 'indeterminate', model: name, role: 'fallback' } }),
    base({ status: 'unusable', provider: 'openai', route: { kind: 'runtime', model: null, role: null, runtime: 'x', plugins: [name] } }),
    base({ status: 'error', failure: 'failed', agent: name, agentIsDefault: false }),
    // The default agent's paste-token (with --agent and --expires-in), and activating a saved sign-in.
    base({ agent: name, agentIsDefault: true }),
    base({ status: 'unusable', unusable: { kind: 'setup_inactive', reason: null, until: null }, profileId: name, agent: name, agentIsDefault: false }),
    // A full subscription window (the gateway's usage), its label foreign too; a sign-in the provider refused.
    base({ status: 'unusable', usage: { window: name, usedPercent: 100, resetAt: null }, provider: name, profileId: null, type: null, agent: name }),
    base({ status: 'unusable', unusable: { kind: 'cooldown', reason: 'auth', until: null }, type: 'oauth', provider: name, agent: name }),
  ];
}

const REMOTE_SHELLS = ['sh', 'bash', 'dash', 'fish', 'zsh'] as const;

let cases: Array<{ remote: string; argv: readonly string[] }> | undefined;
/** Each remote remedy command, pasted into bash here: what ssh received to run there, and the argv it stands for. */
function remoteCases(): Array<{ remote: string; argv: readonly string[] }> {
  if (cases) return cases;
  cases = [];
  const lines: string[] = [];
  const argvs: string[][] = [];
  for (const name of HOSTILE) {
    for (const judged of hostileRecords(name).map((j) => ({ ...j, gateway: { name: 'lab', ssh: 'me@gw.example:2222' } }))) {
      const text = remedyFor(judged, { HOME: '/home/ana' })!;
      for (const command of commands(openclawRemedy(judged, {}))) {
        if (command.argv.some((w) => typeof w !== 'string')) continue;
        const line = renderCommand(command, { ssh: 'me@gw.example:2222' });
        expect(text).toContain(line);
        lines.push(line);
        argvs.push(command.argv as string[]);
      }
    }
  }
  const runs = paste('bash', lines.join('\n'));
  expect(runs).toHaveLength(lines.length);
  runs.forEach((ssh, i) => {
    expect(ssh.slice(0, 6)).toEqual(['ssh', '-t', '-p', '2222', '--', 'me@gw.example']);
    expect(ssh).toHaveLength(7);
    cases!.push({ remote: ssh[6]!, argv: argvs[i]! });
  });
  return cases;
}

describe('what a remedy prints for a person to paste', () => {
  for (const shell of ['sh', 'bash', 'dash', 'fish', 'zsh']) {
    itWithTool(shell, shell)(`shWord: ${shell} reads each hostile word back as that one word`, () => {
      const out = execFileSync(shell, ['-c', `printf '%s\\0' ${HOSTILE.map(shWord).join(' ')}`], { env, cwd: dir, encoding: 'utf8' });
      expect(out.split('\0').slice(0, -1)).toEqual(HOSTILE);
      expect(existsSync(canary)).toBe(false);
    });
  }

  it('on this host: each command reaches the program as exactly its argv, and runs nothing else', () => {
    const lines: string[] = [];
    const argvs: (readonly string[])[] = [];
    for (const name of HOSTILE) {
      for (const judged of hostileRecords(name)) {
        const text = remedyFor(judged, { HOME: '/home/ana' });
        for (const command of commands(openclawRemedy(judged, { HOME: '/home/ana' }))) {
          if (command.argv.some((w) => typeof w !== 'string')) continue; // a blank to fill in
          const line = renderCommand(command, { ssh: null });
          expect(text).toContain(line);
          lines.push(line);
          argvs.push(command.argv as string[]);
        }
      }
    }
    expect(lines.length).toBeGreaterThan(HOSTILE.length * 10);
    // One bash for all of them: each line must run its program once, with exactly its words.
    expect(paste('bash', lines.join('\n'))).toEqual(argvs);
  });

  it('on another host: bash hands ssh -t the destination after "--" and one command for the shell there', () => {
    expect(remoteCases().length).toBeGreaterThan(HOSTILE.length * 10);
  });

  for (const shell of REMOTE_SHELLS) {
    itWithTool(shell, shell)(`on another host whose login shell is ${shell}: it reads that command back as exactly the argv`, () => {
      // One shell run for all of them (a fish start costs ~30 ms): each line must run its program once, as meant.
      const all = remoteCases();
      expect(paste(shell, all.map((c) => c.remote).join('\n'))).toEqual(all.map((c) => c.argv));
    });
  }

  it('the configured OpenClaw command on that host is used as written (the user’s own shell text)', () => {
    const line = renderCommand({ argv: ['openclaw', 'models', 'status', '--agent', "a'b"], on: 'gateway' }, { ssh: 'gw', command: 'env X=1 openclaw' });
    expect(line.startsWith("ssh -t -- gw 'env X=1 openclaw models status --agent ")).toBe(true);
    const [ssh] = paste('bash', line);
    expect(paste('sh', ssh!.at(-1)!)).toEqual([['openclaw', 'models', 'status', '--agent', "a'b"]]);
  });

  it('a hostile destination stays the destination, in every ssh line', () => {
    for (const kind of ['hostkey', 'auth', 'unreachable', 'failed'] as const) {
      const text = renderRemedy(sshRemedy(kind, 'me@gw.example:2222', 'sshArgs'), { ssh: null });
      for (const line of text.split('\n')) if (/\bssh -/.test(line)) expect(line).toMatch(/ssh (-t )?-p 2222 -- me@gw\.example/);
      for (const command of commands(sshRemedy(kind, `-oProxyCommand=touch ${canary}`, 'sshArgs'))) {
        const [run] = paste('bash', renderCommand(command, { ssh: null }));
        expect(run).toEqual(command.argv);
        if (run?.[0] === 'ssh') expect(run.indexOf('--')).toBe(run.indexOf(`-oProxyCommand=touch ${canary}`) - 1);
      }
    }
  });

  it('a name with a control character is not printed as a command at all', () => {
    const judged = base({ inUse: false, profileId: 'anthropic:x\ntouch /tmp/pwn', agent: 'main' });
    const text = remedyFor(judged, {})!;
    expect(text).not.toContain('touch /tmp/pwn');
    expect(text).toContain('Remove it: (command not shown: a name in it has characters that cannot be pasted safely)');
  });
});
