import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/cli/commands/doctor.js';

/** A home with nothing in it, and a PATH with nothing on it but an empty directory. */
function emptyHome() {
  const home = mkdtempSync(join(tmpdir(), 'authwatch-doctor-'));
  const bin = join(home, 'bin');
  mkdirSync(bin);
  return { home, env: { HOME: home, USER: 'tester', PATH: bin, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.state') } };
}

describe('doctor, in process', () => {
  it('on an empty home: no openclaw on the PATH and nothing installed are failures; the defaults apply', async () => {
    const { env } = emptyHome();
    const lines = await runChecks(env);
    expect(lines).toContainEqual(['ok', `config: none at ${join(env.XDG_CONFIG_HOME, 'authwatch', 'config.yaml')}, defaults apply`]);
    expect(lines.find(([, text]) => text.startsWith('openclaw:'))?.[0]).toBe('FAIL');
    expect(lines).toContainEqual([
      'FAIL',
      'schedule: nothing installed; run `authwatch install systemd` (or termux, launchd), or add `authwatch generate cron` to your crontab',
    ]);
  });

  it('finds what install writes, asked of the platform table: a systemd unit, then when the next check runs', async () => {
    const { home, env } = emptyHome();
    const unit = join(home, '.config', 'systemd', 'user', 'authwatch.service');
    mkdirSync(join(unit, '..'), { recursive: true });
    writeFileSync(unit, '[Service]\n');
    const lines = await runChecks(env);
    expect(lines).toContainEqual(['ok', `systemd file: ${unit}`]);
    expect(lines.some(([verdict, text]) => verdict === 'ok' && text.startsWith('next scheduled check: '))).toBe(true);
    expect(lines.some(([, text]) => text.startsWith('schedule: nothing installed'))).toBe(false);
  });
});
