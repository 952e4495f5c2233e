import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { fakeToken, parseReport, runCli, sandbox } from '../helpers/cli.js';
import { realOpenclaw } from '../helpers/openclaw.js';

// authwatch's exit codes promise what `openclaw models status --check` means. Each row makes a state
// with OpenClaw's own commands (as a user would), asks both, and compares. OpenClaw's check looks at
// one agent; authwatch at all of them, so OpenClaw's answer for a setup is the worst over its agents
// (1 before 2 before 0). docs/commands.md#exit-codes shows this table.
const ANTHROPIC = 'anthropic/claude-sonnet-4-5';

type Oc = ReturnType<typeof realOpenclaw>;

interface Row {
  state: string;
  make: (oc: Oc, home: string) => Promise<void>;
  agents?: string[];
  /** What both answer. */
  exit: 0 | 1 | 2;
  /** What authwatch reports, beyond the exit code: `id status` for the records that decide it. */
  records?: Array<[string, string, boolean?]>;
  timeoutMs?: number;
}

const rows: Row[] = [
  {
    state: 'anthropic token, 30d',
    make: async (oc) => {
      await oc.useModel(ANTHROPIC);
      await oc.pasteToken('anthropic', fakeToken(), '30d');
    },
    exit: 0,
  },
  {
    state: 'anthropic token, 3h',
    make: async (oc) => {
      await oc.useModel(ANTHROPIC);
      await oc.pasteToken('anthropic', fakeToken(), '3h');
    },
    exit: 2,
    records: [['openclaw:main:anthropic:manual', 'warn']],
  },
  {
    state: 'anthropic token, 1h',
    make: async (oc) => {
      await oc.useModel(ANTHROPIC);
      await oc.pasteToken('anthropic', fakeToken(), '1h');
    },
    exit: 2,
    records: [['openclaw:main:anthropic:manual', 'critical']],
  },
  {
    state: 'anthropic token expired',
    make: async (oc) => {
      await oc.useModel(ANTHROPIC);
      await oc.pasteToken('anthropic', fakeToken(), '2s');
      await sleep(2_500);
    },
    exit: 1,
    records: [['openclaw:main:anthropic:manual', 'expired']],
  },
  {
    state: "fresh install (the default model's provider has no credential)",
    make: async () => {},
    exit: 1,
    records: [['openclaw:main:provider:openai', 'missing']],
  },
  {
    state: 'default model openai/gpt-5 with an API key; its codex runtime is unavailable',
    make: async (oc) => {
      // OpenClaw tries to install its Codex plugin here (npm, then ClawHub), which fails offline: that
      // is how the runtime ends up unavailable. With npm offline and no retries (helpers/openclaw.ts
      // OFFLINE) it fails at once: 5.6 s for models set, where npm's backoffs made it 25-60 s.
      await oc.run(['models', 'set', 'openai/gpt-5'], undefined, 240_000);
      await oc.run(['models', 'auth', 'paste-api-key', '--provider', 'openai'], `${fakeToken('sk-proj-')}\n`, 240_000);
    },
    timeoutMs: 600_000,
    exit: 1,
    records: [
      ['openclaw:main:runtime:openai:codex', 'unusable'],
      ['openclaw:main:openai:manual', 'static'],
    ],
  },
  {
    state: 'fallback google/gemini-2.5-pro with no credential',
    make: async (oc) => {
      await oc.useModel(ANTHROPIC);
      await oc.pasteToken('anthropic', fakeToken(), '30d');
      await oc.run(['models', 'fallbacks', 'add', 'google/gemini-2.5-pro']);
    },
    exit: 1,
    records: [['openclaw:main:route:google/gemini-2.5-pro', 'missing']],
  },
  {
    state: 'two anthropic profiles: manual ok (30d) and effective; old expired, left out by the auth order',
    make: async (oc) => {
      await oc.useModel(ANTHROPIC);
      await oc.pasteToken('anthropic', fakeToken(), '2s', undefined, 'anthropic:old');
      await oc.pasteToken('anthropic', fakeToken(), '30d');
      await oc.run(['models', 'auth', 'order', 'set', '--provider', 'anthropic', 'anthropic:manual']);
    },
    exit: 0,
    records: [
      ['openclaw:main:anthropic:manual', 'ok', true],
      ['openclaw:main:anthropic:old', 'expired', false],
    ],
  },
  {
    state: 'an expired token of a provider no configured model uses',
    make: async (oc) => {
      await oc.useModel(ANTHROPIC);
      await oc.pasteToken('anthropic', fakeToken(), '30d');
      await oc.pasteToken('openrouter', fakeToken('sk-or-v1-'), '2s');
      await sleep(2_500);
    },
    exit: 0,
    records: [['openclaw:main:openrouter:manual', 'expired', false]],
  },
  {
    state: 'a second agent whose token expires in 1h (main: 30d)',
    make: async (oc, home) => {
      await oc.useModel(ANTHROPIC);
      await oc.pasteToken('anthropic', fakeToken(), '30d');
      await oc.addAgent('work', join(home, 'w'), ANTHROPIC);
      await oc.pasteToken('anthropic', fakeToken(), '1h', 'work');
    },
    agents: ['main', 'work'],
    exit: 2,
    records: [
      ['openclaw:work:anthropic:manual', 'critical', true],
      ['openclaw:main:anthropic:manual', 'ok', true],
    ],
  },
];

/** OpenClaw's answer over several agents: any 1 wins, then any 2, else 0. */
function worst(codes: number[]): number {
  return codes.includes(1) ? 1 : codes.includes(2) ? 2 : 0;
}

// Sequential: each OpenClaw run takes ~300 MB and a core (see real-openclaw.test.ts).
describe('exit codes agree with `openclaw models status --check`', { timeout: 180_000 }, () => {
  for (const row of rows) {
    it(row.state, { timeout: row.timeoutMs ?? 180_000 }, async () => {
      const box = sandbox();
      const oc = realOpenclaw(box.home);
      box.env.OPENCLAW_BIN = oc.bin;
      await row.make(oc, box.home);

      const openclaw = worst(await Promise.all((row.agents ?? [undefined]).map((agent) => oc.check(agent))));
      // Room for OpenClaw's slow runs while it retries its plugin install (the runtime row).
      const config = box.writeConfig('sources:\n  openclaw:\n    timeout: 240s\n');
      const result = await runCli(['check', '--json', '--no-notify', '--config', config], box.env, 300_000);
      const report = parseReport(result);
      expect({ openclaw, authwatch: result.exitCode }, result.stderr).toEqual({ openclaw: row.exit, authwatch: row.exit });
      expect(report.exitCode).toBe(row.exit);
      for (const [id, status, inUse = true] of row.records ?? []) {
        expect(report.credentials.find((c) => c.id === id)).toMatchObject({ status, inUse });
      }
      // Whatever decides a non-zero exit comes with the command that fixes it.
      for (const c of report.credentials) if (c.inUse && !['ok', 'static'].includes(c.status)) expect(c.remedy, c.id).toMatch(/openclaw /);
    });
  }

  it('the remedies work: dropping the fallback, or logging out the unused profile, leaves nothing to report', async () => {
    const box = sandbox();
    const oc = realOpenclaw(box.home);
    box.env.OPENCLAW_BIN = oc.bin;
    await oc.useModel(ANTHROPIC);
    await oc.pasteToken('anthropic', fakeToken(), '2s', undefined, 'anthropic:old');
    await oc.pasteToken('anthropic', fakeToken(), '30d');
    await oc.run(['models', 'auth', 'order', 'set', '--provider', 'anthropic', 'anthropic:manual']);
    await oc.run(['models', 'fallbacks', 'add', 'google/gemini-2.5-pro']);

    const before = parseReport(await runCli(['check', '--json', '--no-notify'], box.env));
    expect(before.exitCode).toBe(1);
    const fallback = before.credentials.find((c) => c.id === 'openclaw:main:route:google/gemini-2.5-pro')!;
    const unused = before.credentials.find((c) => c.id === 'openclaw:main:anthropic:old')!;
    const drop = fallback.remedy!.split('\n').find((l) => l.includes('fallbacks remove'))!;
    const logout = unused.remedy!.split('\n').find((l) => l.includes('auth logout'))!;
    // Run the very commands the remedies print.
    await oc.run(drop.slice(drop.indexOf('openclaw ') + 'openclaw '.length).split(' '));
    await oc.run(logout.slice(logout.indexOf('openclaw ') + 'openclaw '.length).split(' '));

    const after = await runCli(['check', '--json', '--no-notify'], box.env);
    expect(after.exitCode, after.stderr).toBe(0);
    expect(parseReport(after).credentials.map((c) => [c.id, c.status, c.inUse])).toEqual([['openclaw:main:anthropic:manual', 'ok', true]]);
    expect(await oc.check()).toBe(0);
  });
});
