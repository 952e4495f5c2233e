import { describe, expect, it } from 'vitest';
import { CLI, FIXTURE_NOW, runCli, sandbox, sandboxWithProfile } from '../helpers/cli.js';

const H = 3_600_000;

describe('check --format openclaw (what an OpenClaw automation announces)', () => {
  it("prints this run's alerts as a chat message, NO_REPLY when there is nothing new, and always exits 0", async () => {
    const { box, serve } = sandboxWithProfile();
    const config = box.writeConfig('');
    const run = async () => {
      const result = await runCli(['check', '--format', 'openclaw', '--config', config], box.env);
      expect(result.exitCode, result.stderr).toBe(0);
      return result.stdout;
    };
    serve(FIXTURE_NOW + H);
    const firing = await run();
    // Markdown, which OpenClaw renders per channel: names and commands as code, our words literal (punctuation escaped).
    expect(firing.split('\n').slice(0, 3)).toEqual([
      '🔴 \\[CRITICAL\\] `anthropic:manual` \\(agent `main`\\) expires in 1h',
      'On the gateway host run\\: `claude setup-token`',
      'Then\\: `openclaw models auth setup-token --provider anthropic --agent main`',
    ]);
    expect(firing).toMatch(/\non \S+\n$/);
    // Unchanged: nothing to post (OpenClaw suppresses a run that prints only NO_REPLY).
    expect(await run()).toBe('NO_REPLY\n');
    serve(FIXTURE_NOW + 30 * 24 * H);
    expect(await run()).toMatch(/^✅ \\\[RESOLVED\\\] `anthropic:manual` \\\(agent `main`\\\) is ok again\non \S+\n$/);
    expect(await run()).toBe('NO_REPLY\n');
  });
});

describe('generate openclaw', () => {
  it.each([
    [['--schedule', '--help'], 'schedule "--help": not a valid cron expression'],
    [['--schedule', 'garbage words'], 'schedule "garbage words": not a valid cron expression'],
    [['--timezone', 'Not/AZone'], '--timezone: '],
  ])('refuses %j as systemd does (exit 64), before running anything', async (args, message) => {
    const box = sandbox();
    const result = await runCli(['generate', 'openclaw', '--channel', 'telegram', '--to', '-1001234', ...args], box.env);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain(`authwatch: ${message}`);
    expect(result.stdout).toBe('');
  });

  it('prints the automations create command: the check as exact argv, announced to the chat', async () => {
    const box = sandbox();
    const result = await runCli(['generate', 'openclaw', '--channel', 'telegram', '--to', '-1001234', '--schedule', '*/30 * * * *'], box.env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      `# install removes any automation named authwatch, then runs:\nopenclaw automations create '*/30 * * * *' --name authwatch --command-argv '${JSON.stringify([process.execPath, CLI, 'check', '--format', 'openclaw'])}' --announce --channel telegram --to -1001234\n`,
    );
  });

  it('without a chat to post to, says how to name one (exit 64)', async () => {
    const result = await runCli(['install', 'openclaw', '--dry-run'], sandbox().env);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toBe(
      'authwatch: openclaw: name where the automation posts: --channel telegram --to <chat id> (or add a `type: openclaw` notifier to the config)\n',
    );
  });
});

describe('doctor and the openclaw notifier', () => {
  it('says plainly that the channel goes down with the gateway, and warns when it is the only one', async () => {
    const box = sandbox();
    const only = box.writeConfig('notifiers:\n  - type: openclaw\n    channel: telegram\n    target: "1"\n');
    expect((await runCli(['doctor', '--config', only], box.env)).stdout).toContain(
      'warn  notifier openclaw: it delivers through the gateway, so when the gateway is down, so is your only channel; add one that does not depend on it (ntfy, webhook, termux, desktop)\n',
    );
    const paired = box.writeConfig('notifiers:\n  - type: openclaw\n    channel: telegram\n    target: "1"\n  - type: ntfy\n    topic: t\n', 'two.yaml');
    expect((await runCli(['doctor', '--config', paired], box.env)).stdout).toContain(
      'ok    notifier openclaw: delivers through the gateway (down with it); the other channels do not depend on it\n',
    );
  });
});
