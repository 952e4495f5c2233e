import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_BIN, FIXTURE_NOW, FIXTURES, parseReport, runCli, sandbox } from '../helpers/cli.js';
import { startWatch } from '../helpers/watch.js';

// One bad value from any source (a time of 1e300, a profile id that is a number) is an `error`
// record for that source naming the field; the other sources still report, and nothing crashes.

/** A sandbox with the fake OpenClaw answering `status` for agent main, and a command source that reports one credential, good for 30 days. */
function box(status: unknown) {
  const b = sandbox([FAKE_BIN]);
  const dir = mkdtempSync(join(tmpdir(), 'aw-foreign-'));
  writeFileSync(join(dir, 'status-main.json'), JSON.stringify(status));
  const records = join(dir, 'records.json');
  writeFileSync(records, JSON.stringify([{ id: 'vault', expiresAt: FIXTURE_NOW + 30 * 86_400_000, provider: 'vault' }]));
  Object.assign(b.env, { FAKE_OPENCLAW_DIR: dir, AUTHWATCH_NOW: String(FIXTURE_NOW) });
  const config = b.writeConfig(
    ['sources:', '  openclaw:', '    via: cli', '  commands:', '    - name: vault', `      command: [cat, ${records}]`, ''].join('\n'),
  );
  return { b, dir, records, config };
}

const fixture = () => JSON.parse(readFileSync(join(FIXTURES, 'openclaw', 'status-token-expiring.json'), 'utf8'));

/** The fixture with its one profile changed. */
function withProfile(change: Record<string, unknown>) {
  const status = fixture();
  Object.assign(status.auth.oauth.profiles[0], change);
  return status;
}

describe('a bad value from a source is an error record for that source, never a crash', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    [
      'an expiry of 1e300',
      withProfile({ expiresAt: 1e300 }),
      /at auth\.oauth\.profiles\[0\]\.expiresAt: expected a time in epoch milliseconds, from 1970 to 9999\)$/,
    ],
    ['an expiry that is negative', withProfile({ expiresAt: -5 }), /at auth\.oauth\.profiles\[0\]\.expiresAt: expected a time/],
    ['a profile id that is a number', withProfile({ profileId: 5 }), /at auth\.oauth\.profiles\[0\]\.profileId: /],
    ['a provider that is an object', withProfile({ provider: { x: 1 } }), /at auth\.oauth\.profiles\[0\]\.provider: /],
    [
      'a cooldown until 1e300',
      { ...fixture(), auth: { ...fixture().auth, unusableProfiles: [{ profileId: 'anthropic:manual', kind: 'cooldown', until: 1e300 }] } },
      /at auth\.unusableProfiles\[0\]\.until: expected a time/,
    ],
  ];
  for (const [what, status, message] of cases) {
    it(`the OpenClaw CLI's JSON: ${what}`, async () => {
      const { b, config } = box(status);
      const result = await runCli(['check', '--json', '--no-notify', '--config', config], b.env);
      expect(result.exitCode, result.stderr).toBe(3);
      expect(result.stderr).not.toMatch(/internal error|is not a function|Invalid time value/);
      const report = parseReport(result);
      expect(report.credentials.map((c) => [c.id, c.status])).toEqual([
        ['openclaw:main:source', 'error'],
        ['command:vault:vault', 'ok'],
      ]);
      expect(report.credentials[0]!.detail).toMatch(message);
    });
  }

  it('a command source: a time out of range is an error naming the record and field', async () => {
    const { b, records, config } = box(fixture());
    for (const expiresAt of [1e300, '+275760-09-13T00:00:00.000Z', 'soon']) {
      writeFileSync(records, JSON.stringify([{ id: 'vault', expiresAt }]));
      const result = await runCli(['check', '--json', '--no-notify', '--config', config], b.env);
      expect(result.exitCode, result.stderr).toBe(3);
      const report = parseReport(result);
      expect(report.credentials.map((c) => [c.id, c.status])).toEqual([
        ['command:vault:source', 'error'],
        ['openclaw:main:anthropic:manual', 'warn'],
      ]);
      expect(report.credentials[0]!.detail).toMatch(/^command:vault: printed records not in the expected shape \(at \[0\]\.expiresAt: /);
    }
  });

  it("Claude Code's login file: an expiry of 1e300 is an error naming the field", async () => {
    const { b, config } = box(fixture());
    mkdirSync(join(b.home, '.claude'));
    writeFileSync(join(b.home, '.claude', '.credentials.json'), JSON.stringify({ claudeAiOauth: { expiresAt: 1e300, refreshToken: 'x' } }));
    const result = await runCli(['check', '--json', '--no-notify', '--config', config], b.env);
    expect(result.exitCode, result.stderr).toBe(3);
    const record = parseReport(result).credentials.find((c) => c.source === 'claude-code')!;
    expect(record.status).toBe('error');
    expect(record.detail).toMatch(/is not the expected JSON \(at claudeAiOauth\.expiresAt: expected a time in epoch milliseconds, from 1970 to 9999\)$/);
  });

  it('watch keeps checking, and the other sources keep reporting', async () => {
    const { b, dir, config } = box(withProfile({ expiresAt: 1e300 }));
    cpSync(config, join(dir, 'config.yaml'));
    writeFileSync(join(dir, 'config.yaml'), `schedule: "0 0 1 1 *"\n${readFileSync(config, 'utf8')}`);
    const w = startWatch(['--config', join(dir, 'config.yaml'), '--no-notify'], { ...b.env, XDG_STATE_HOME: join(b.home, 'state-watch') });
    try {
      await w.waitFor(() => w.checks().length >= 1, 30_000, 'the first check');
      w.child.kill('SIGUSR1');
      await w.waitFor(() => w.checks().length >= 2, 30_000, 'a second check');
      expect(w.child.exitCode).toBeNull();
      expect(w.stderr()).not.toMatch(/internal error|is not a function|Invalid time value/);
      for (const check of w.checks()) expect(check).toMatchObject({ credentials: 2, errors: 1, worst: 'error' });
    } finally {
      await w.stop();
    }
  });
});
