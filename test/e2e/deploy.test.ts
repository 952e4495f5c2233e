import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import plist from 'plist';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { generateDefaults } from '../../scripts/generate-deploy.mjs';
import { termuxPeriodMs } from '../../src/deploy/termux.js';
import { CLI, FIXTURE_NOW, readArgvLog, ROOT, runCli, sandbox } from '../helpers/cli.js';
import { startReceiver } from '../helpers/receiver.js';
import { canMount, itIf, itWithTool, onPath } from '../helpers/tools.js';

const RECORDING_BIN = join(ROOT, 'test', 'fixtures', 'recording-bin');

/**
 * A HOME whose path has a space, both quotes and a `%`, with node and authwatch reachable inside
 * it, so the generated files must quote and escape every path to work.
 */
function awkwardHome() {
  const root = mkdtempSync(join(tmpdir(), 'aw-deploy-'));
  const home = join(root, `ana's "home" 100%`);
  mkdirSync(join(home, 'bin'), { recursive: true });
  // A link, not a copy: node is ~120 MB, and this runs a dozen times per run.
  symlinkSync(process.execPath, join(home, 'bin', 'node'));
  mkdirSync(join(home, 'aw'));
  symlinkSync(CLI, join(home, 'aw', 'cli.js'));
  return { root, home, node: join(home, 'bin', 'node'), entry: join(home, 'aw', 'cli.js') };
}

function generateInto(platform: string, extra: string[], where = awkwardHome()) {
  const out = join(where.root, `out-${platform}-${extra.join('-').replace(/\W/g, '')}`);
  const result = spawnSync(
    process.execPath,
    [
      CLI,
      'generate',
      platform,
      '--home',
      where.home,
      '--node',
      where.node,
      '--authwatch',
      where.entry,
      '--path',
      `${join(where.home, 'bin')}:/usr/bin:/bin`,
      '--out',
      out,
      ...extra,
    ],
    { env: { HOME: where.home, PATH: '/usr/bin:/bin', USER: 'ana' }, encoding: 'utf8' },
  );
  expect(result.status, result.stderr).toBe(0);
  return { out, files: readdirSync(out).map((name) => join(out, name)), ...where };
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out[relative(dir, path)] = `${statSync(path).mode.toString(8)}:${readFileSync(path, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}

describe('checked-in defaults', () => {
  it('deploy/systemd and deploy/termux are exactly what the generator makes', () => {
    const out = mkdtempSync(join(tmpdir(), 'aw-defaults-'));
    generateDefaults(out);
    for (const platform of ['systemd', 'termux']) {
      const generated = readdirSync(join(out, platform)).sort();
      const checkedIn = readdirSync(join(ROOT, 'deploy', platform))
        .filter((f) => f !== 'README.md')
        .sort();
      expect(checkedIn).toEqual(generated);
      for (const name of generated) {
        expect(readFileSync(join(ROOT, 'deploy', platform, name), 'utf8'), `deploy/${platform}/${name} is stale: node scripts/generate-deploy.mjs`).toBe(
          readFileSync(join(out, platform, name), 'utf8'),
        );
      }
    }
  });
});

describe('systemd units', () => {
  itWithTool('systemd-analyze', 'systemd').each([
    ['timer, user units', []],
    ['timer, system units', ['--system']],
    ['watch, user units', ['--mode', 'watch']],
    ['watch, system units', ['--mode', 'watch', '--system']],
    ['timer with day-of-month OR day-of-week and a time zone', ['--schedule', '0 9 13 * 5', '--timezone', 'Europe/Berlin']],
  ])('%s pass systemd-analyze verify, under a HOME with a space, quotes and %%', (_name, extra) => {
    const { files } = generateInto('systemd', extra);
    const result = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'warning' } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr.trim()).toBe('');
  });

  it("quote ExecStart and PATH, escape % as %%, and load OpenClaw's .env", () => {
    const { out, node, entry, home } = generateInto('systemd', []);
    const service = readFileSync(join(out, 'authwatch.service'), 'utf8');
    const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
    // The node path has quotes, which systemd refuses in an executable name: started through env.
    expect(service).toContain(`ExecStart="/usr/bin/env" "${esc(node)}" "${esc(entry)}" "check"\n`);
    expect(service).toContain(`Environment="PATH=${esc(join(home, 'bin'))}:/usr/bin:/bin"\n`);
    expect(service).toContain('EnvironmentFile=-%h/.openclaw/.env\n');
    expect(service).toContain('SuccessExitStatus=2\n');
    expect(service).not.toContain('network-online.target');
    const timer = readFileSync(join(out, 'authwatch.timer'), 'utf8');
    expect(timer).toContain('OnCalendar=*-*-* *:00,15,30,45:00\nPersistent=true\n');
  });

  it('an expression with no systemd form is refused with the documented message (exit 64)', async () => {
    const result = await runCli(['generate', 'systemd', '--schedule', '0 0 L * *'], sandbox().env);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toBe(
      'authwatch: schedule "0 0 L * *": L, W and # (last day, nearest weekday, nth weekday) have no equivalent in systemd, launchd or Android; use plain fields\n',
    );
  });
});

describe('termux', () => {
  it('scripts pass sh -n and bash -n under an awkward HOME', () => {
    const { files } = generateInto('termux', ['--wake-lock']);
    expect(files).toHaveLength(4);
    for (const file of files) {
      for (const shell of ['sh', 'bash']) {
        const result = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
        expect(result.status, `${shell} -n ${file}: ${result.stderr}`).toBe(0);
      }
    }
  });

  it('the job script runs authwatch from the quoted paths (executed here with sh)', () => {
    const where = awkwardHome();
    const { out } = generateInto('termux', [], where);
    const result = spawnSync('sh', [join(out, 'check-job.sh'), '--version'], { encoding: 'utf8', env: { HOME: where.home } });
    // The script ends in `exec node cli.js check`: `check` runs and reports (no openclaw here: exit 3).
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('openclaw not found');
  });

  it('the status widget toasts one summary per gateway (executed here with sh; termux-toast records)', () => {
    const where = awkwardHome();
    const { out } = generateInto('termux', ['--path', `${join(ROOT, 'test', 'fixtures', 'bin')}:${RECORDING_BIN}:/usr/bin:/bin`], where);
    mkdirSync(join(where.home, '.config', 'authwatch'), { recursive: true });
    writeFileSync(
      join(where.home, '.config', 'authwatch', 'config.yaml'),
      'sources:\n  openclaw:\n    - name: home\n      via: cli\n    - name: server\n      via: cli\n      agents: [nobody]\n',
    );
    const fixtures = mkdtempSync(join(tmpdir(), 'aw-widget-'));
    copyFileSync(join(ROOT, 'test', 'fixtures', 'openclaw', 'status-token-expiring.json'), join(fixtures, 'status-main.json'));
    const log = join(fixtures, 'argv.jsonl');
    const env = { HOME: where.home, RECORD_ARGV_LOG: log, FAKE_OPENCLAW_DIR: fixtures, AUTHWATCH_NOW: String(FIXTURE_NOW) };
    const result = spawnSync('sh', [join(out, 'shortcut-authwatch-status')], { encoding: 'utf8', env });
    expect(result.status, result.stderr).toBe(0);
    expect(readArgvLog(log)).toEqual([
      // Worst first, as the records are.
      ['termux-toast', '-g', 'top', 'server: Could not determine the status: 1 source failed (exit 3).'],
      ['termux-toast', '-g', 'top', 'home: 1 credential: 1 warn (worst: warn, exit 2)'],
    ]);
  });

  it('the re-auth shortcut asks which gateway among several, then runs the walk-through there (ssh records)', () => {
    const where = awkwardHome();
    const fakes = mkdtempSync(join(tmpdir(), 'aw-reauth-fakes-'));
    copyFileSync(join(RECORDING_BIN, 'record-argv.mjs'), join(fakes, 'record-argv.mjs'));
    copyFileSync(join(RECORDING_BIN, 'termux-toast'), join(fakes, 'ssh'));
    const { out } = generateInto('termux', ['--path', `${fakes}:${join(ROOT, 'test', 'fixtures', 'bin')}:/usr/bin:/bin`], where);
    mkdirSync(join(where.home, '.config', 'authwatch'), { recursive: true });
    writeFileSync(
      join(where.home, '.config', 'authwatch', 'config.yaml'),
      'sources:\n  openclaw:\n    - name: home\n      via: cli\n    - name: server\n      ssh: me@server.lan\n      via: cli\n',
    );
    const log = join(fakes, 'argv.jsonl');
    const result = spawnSync('sh', [join(out, 'shortcut-authwatch-reauth')], {
      encoding: 'utf8',
      env: { HOME: where.home, RECORD_ARGV_LOG: log },
      input: 'server\n\n',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Which gateway? (home server) ');
    // First which agents OpenClaw has there (to name the default among several), then one ssh -t session.
    const [asked, session] = readArgvLog(log);
    expect(asked![0]).toBe('ssh');
    expect(asked!.at(-1)).toBe('openclaw agents list --json');
    expect(session!.slice(0, 4)).toEqual(['ssh', '-t', '--', 'me@server.lan']);
    expect(session![4]).toMatch(
      /^sh -c 'command -v claude .* && echo 'Step 1 of 4: create a token \(needs a Claude Pro\/Max login\)\.' && claude setup-token && /,
    );
  });

  it.each([
    ['*/5 * * * *', 900_000], // every 5 min: raised to Android's 15-minute floor
    ['*/30 * * * *', 1_800_000],
    ['0 * * * *', 3_600_000],
    ['0 6,18 * * *', 43_200_000], // the shortest gap, not the average
    ['0 0 * * *', 86_400_000],
  ])('the job period for %s is %d ms', (schedule, period) => {
    expect(termuxPeriodMs(schedule)).toBe(period);
  });

  it('install registers the job with a fixed id and writes the scripts; uninstall cancels it and removes them', async () => {
    const box = sandbox([RECORDING_BIN]);
    const log = join(box.home, 'argv.jsonl');
    box.env.RECORD_ARGV_LOG = log;
    const result = await runCli(['install', 'termux', '--schedule', '*/5 * * * *'], box.env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const job = join(box.home, '.termux', 'authwatch', 'check-job.sh');
    expect(statSync(job).mode & 0o777).toBe(0o700);
    for (const f of ['.termux/boot/authwatch', '.shortcuts/tasks/authwatch-status', '.shortcuts/authwatch-reauth'])
      expect(statSync(join(box.home, f)).isFile()).toBe(true);
    const calls = () => readArgvLog(log);
    expect(calls()).toEqual([['termux-job-scheduler', '--job-id', '4713', '--period-ms', '900000', '--persisted', 'true', '--script', job]]);

    const removed = await runCli(['uninstall', 'termux'], box.env);
    expect(removed.exitCode).toBe(0);
    expect(calls().at(-1)).toEqual(['termux-job-scheduler', '--cancel', '--job-id', '4713']);
    expect(() => statSync(job)).toThrow();
  });
});

describe('install systemd (fake systemctl and loginctl)', () => {
  it('writes the units, runs daemon-reload and enable --now, warns when lingering is off; idempotent; uninstall reverses it', async () => {
    const box = sandbox([RECORDING_BIN]);
    const log = join(box.home, 'argv.jsonl');
    Object.assign(box.env, { RECORD_ARGV_LOG: log, USER: 'ana' });
    const calls = () => readArgvLog(log);
    const unitDir = join(box.home, '.config', 'systemd', 'user');

    const first = await runCli(['install', 'systemd'], box.env);
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(readdirSync(unitDir).sort()).toEqual(['authwatch.service', 'authwatch.timer']);
    expect(calls()).toEqual([
      ['systemctl', '--user', 'show-environment'],
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'enable', '--now', 'authwatch.timer'],
      ['loginctl', 'show-user', 'ana', '--property=Linger'],
    ]);
    expect(first.stderr).toBe(
      'authwatch: warning: lingering is off for ana: the timer runs only while you are logged in. Turn it on with: loginctl enable-linger ana\n',
    );
    const units = snapshot(unitDir);

    const again = await runCli(['install', 'systemd'], { ...box.env, FAKE_LINGER: 'yes' });
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toBe('');
    expect(snapshot(unitDir)).toEqual(units);
    expect(calls().slice(4)).toEqual(calls().slice(0, 4));

    const removed = await runCli(['uninstall', 'systemd'], box.env);
    expect(removed.exitCode).toBe(0);
    expect(readdirSync(unitDir)).toEqual([]);
    expect(calls().slice(8)).toEqual([
      ['systemctl', '--user', 'disable', '--now', 'authwatch.timer'],
      ['systemctl', '--user', 'daemon-reload'],
    ]);
  });

  it('an activation that fails says exactly what it left in place and how to remove it (exit 1)', async () => {
    const box = sandbox([RECORDING_BIN]);
    Object.assign(box.env, { RECORD_ARGV_LOG: join(box.home, 'argv.jsonl'), USER: 'ana', FAKE_LINGER: 'yes', FAKE_SYSTEMCTL_FAIL: 'enable' });
    const unitDir = join(box.home, '.config', 'systemd', 'user');
    const result = await runCli(['install', 'systemd'], box.env);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('  failed: exit 1: Failed to enable unit: Unit file authwatch.timer is masked.\n');
    expect(result.stdout).toContain(
      `not active; left in place: ${join(unitDir, 'authwatch.service')}, ${join(unitDir, 'authwatch.timer')}; fix the failure above and run install again, or remove them: authwatch uninstall systemd\n`,
    );
    expect((await runCli(['uninstall', 'systemd'], { ...box.env, FAKE_SYSTEMCTL_FAIL: '' })).exitCode).toBe(0);
    expect(readdirSync(unitDir)).toEqual([]);
  });

  it('--dry-run prints every file and command and changes nothing', async () => {
    const box = sandbox([RECORDING_BIN]);
    box.env.RECORD_ARGV_LOG = join(box.home, 'argv.jsonl');
    const before = snapshot(box.home);
    for (const args of [
      ['install', 'systemd', '--dry-run'],
      ['install', 'termux', '--dry-run'],
      ['install', 'launchd', '--dry-run'],
      ['uninstall', 'systemd', '--dry-run'],
    ]) {
      const result = await runCli(args, box.env);
      expect(result.exitCode, result.stderr).toBe(0);
    }
    expect(snapshot(box.home)).toEqual(before);
    const shown = await runCli(['install', 'systemd', '--dry-run'], box.env);
    expect(shown.stdout).toContain(`would write ${join(box.home, '.config', 'systemd', 'user', 'authwatch.timer')} (mode 644):\n`);
    expect(shown.stdout).toContain('would run: systemctl --user enable --now authwatch.timer\n');
  });
});

/**
 * The real systemctl with no user manager to reach, as on a server without a login session, a
 * container, or after `su`: XDG_RUNTIME_DIR points at an empty directory and there is no session bus.
 */
describe('without a systemd user manager (the real systemctl)', () => {
  const noUserBus = () => {
    const box = sandbox();
    const runtime = join(box.dir, 'run-user');
    mkdirSync(runtime, { mode: 0o700 });
    Object.assign(box.env, { USER: 'ana', XDG_RUNTIME_DIR: runtime });
    return box;
  };

  itWithTool('systemctl', 'systemd')('install systemd explains, installs nothing, and names what works instead', async () => {
    const box = noUserBus();
    const result = await runCli(['install', 'systemd'], box.env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^authwatch: install systemd: systemctl --user cannot reach your systemd user manager \(Failed to connect to bus: [^)]+\)(; systemd is not running on this host)?, so a timer there would never run; nothing was installed\. Instead:\n/,
    );
    expect(result.stderr).toMatch(/\n {2}\d\. add the line `authwatch generate cron` prints to your crontab \(crontab -e\)\n/);
    expect(result.stderr).toMatch(/ {2}\d\. run `authwatch watch` under the supervisor you have \(docs\/scheduling\.md\)\n$/);
    expect(snapshot(box.home)).toEqual({});
  });

  itWithTool('systemctl', 'systemd')('doctor: an installed timer nobody can run is a FAIL with the fixes, not "All good."', async () => {
    const box = noUserBus();
    const unitDir = join(box.home, '.config', 'systemd', 'user');
    mkdirSync(unitDir, { recursive: true });
    for (const unit of ['authwatch.service', 'authwatch.timer']) writeFileSync(join(unitDir, unit), '[Unit]\n');
    const result = await runCli(['doctor'], box.env);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /\nFAIL {2}systemd authwatch\.timer \(user\): systemctl --user cannot reach your systemd user manager \(Failed to connect to bus: [^)]+\).*; instead, .*add the line `authwatch generate cron` prints to your crontab \(crontab -e\); or run `authwatch watch` under the supervisor you have \(docs\/scheduling\.md\)\n/,
    );
    expect(result.stdout).not.toContain('next scheduled check');
    expect(result.stdout).not.toContain('All good.');
  });
});

describe('doctor: whether the installed units run (recording systemctl and loginctl)', () => {
  it('the printed `loginctl enable-linger` names a hostile user as one word: pasted into sh, it runs for exactly that user', async () => {
    const box = sandbox([join(ROOT, 'test', 'fixtures', 'bin'), RECORDING_BIN]);
    const log = join(box.home, 'argv.jsonl');
    const marker = join(box.dir, 'pwned');
    const user = `ana; touch ${marker} $(touch ${marker}) 'x'`;
    Object.assign(box.env, { RECORD_ARGV_LOG: log, USER: user, FAKE_LINGER: 'no', FAKE_LOGIN_STATE: 'active', FAKE_SYSTEMCTL_SHOW: 'ActiveState=active' });
    const installed = await runCli(['install', 'systemd'], box.env);
    const doctor = await runCli(['doctor'], box.env);
    const said = [
      /Turn it on with: (loginctl enable-linger .*)\n$/.exec(installed.stderr)?.[1],
      /^warn {2}lingering: off for .*: user units stop when you log out; (loginctl enable-linger .*)$/m.exec(doctor.stdout)?.[1],
    ];
    for (const command of said) {
      expect(command).toBeDefined();
      execFileSync('sh', ['-c', command!], { cwd: box.dir, env: box.env });
      expect(readArgvLog(log).at(-1)).toEqual(['loginctl', 'enable-linger', user]);
    }
    expect(readdirSync(box.dir).filter((f) => f.includes('pwned'))).toEqual([]);
  });

  const installed = async (extra: Record<string, string>) => {
    const box = sandbox([join(ROOT, 'test', 'fixtures', 'bin'), RECORDING_BIN]);
    Object.assign(box.env, { RECORD_ARGV_LOG: join(box.home, 'argv.jsonl'), USER: 'ana', FAKE_LINGER: 'yes', FAKE_SYSTEMCTL_SHOW: 'ActiveState=active' });
    expect((await runCli(['install', 'systemd'], box.env)).exitCode).toBe(0);
    return runCli(['doctor'], { ...box.env, ...extra });
  };

  it.each([
    [
      { FAKE_SYSTEMCTL_SHOW: 'ActiveState=inactive' },
      1,
      'FAIL  systemd authwatch.timer (user): inactive; start it: systemctl --user enable --now authwatch.timer\n',
    ],
    [{ FAKE_LINGER: 'no', FAKE_LOGIN_STATE: 'active' }, 0, 'warn  lingering: off for ana: user units stop when you log out; loginctl enable-linger ana\n'],
    [
      { FAKE_LINGER: 'no', FAKE_LOGIN_STATE: 'closing' },
      1,
      'FAIL  lingering: off for ana and no session is open (closing), so user units do not run; loginctl enable-linger ana\n',
    ],
    [{}, 0, 'ok    lingering: on for ana (user units run while you are logged out)\n'],
  ])('%o: exit %d, says %s', async (env, exitCode, line) => {
    const result = await installed(env);
    expect(result.stdout).toContain(line);
    expect(result.exitCode, result.stdout).toBe(exitCode);
  });
});

describe('one cron check for the config and --schedule', () => {
  it('@daily is accepted in both; a bad expression is refused in both with the same words', async () => {
    const box = sandbox();
    const daily = box.writeConfig('schedule: "@daily"\n');
    expect((await runCli(['config', 'check', '--config', daily], box.env)).exitCode).toBe(0);
    const fromConfig = await runCli(['generate', 'systemd', '--config', daily], box.env);
    expect(fromConfig.exitCode).toBe(0);
    expect(fromConfig.stdout).toContain('OnCalendar=*-*-* 00:00:00\n');
    expect((await runCli(['generate', 'systemd', '--schedule', '@daily'], box.env)).stdout).toContain('OnCalendar=*-*-* 00:00:00\n');

    const why = '"0 0 L * *": L, W and # (last day, nearest weekday, nth weekday) have no equivalent in systemd, launchd or Android; use plain fields';
    const bad = box.writeConfig('thresholds:\n  warn: 24h\nschedule: "0 0 L * *"\n', 'bad.yaml');
    for (const args of [['config', 'check'], ['generate', 'systemd'], ['watch']]) {
      const result = await runCli([...args, '--config', bad], box.env);
      expect(result).toMatchObject({ exitCode: 78, stderr: `authwatch: config error: ${bad}:3: schedule: ${why}\n` });
    }
    const flag = await runCli(['generate', 'systemd', '--schedule', '0 0 L * *'], box.env);
    expect(flag).toMatchObject({ exitCode: 64, stderr: `authwatch: schedule ${why}\n` });
  });
});

describe('generated files and local input', () => {
  it.each([
    [['--path', '/usr/bin\nExecStartPre=/bin/touch /tmp/owned'], '--path: contains a control character (\\x0a); refusing to write it into a generated file'],
    [['--config', '/etc/aw.yaml\nExecStartPre=/bin/true'], '--config: contains a control character (\\x0a); refusing to write it into a generated file'],
    [['--timezone', 'UTC\nX=1'], '--timezone: contains a control character (\\x0a); refusing to write it into a generated file'],
    [['--timezone', 'Mars/Olympus_Mons'], '--timezone: unknown time zone (use an IANA name such as Europe/Berlin), got "Mars/Olympus_Mons"'],
  ])('generate systemd %j is refused: exit 64, one line', async (args, message) => {
    const box = sandbox();
    const result = await runCli(['generate', 'systemd', ...args], box.env);
    expect(result).toMatchObject({ exitCode: 64, stdout: '', stderr: `authwatch: ${message}\n` });
  });

  it('a HOME with a newline is refused too, naming where it came from', async () => {
    const box = sandbox();
    const result = await runCli(['generate', 'systemd'], { ...box.env, HOME: `${box.home}\nX` });
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toBe('authwatch: $HOME (or --home): contains a control character (\\x0a); refusing to write it into a generated file\n');
  });

  it('uninstall runs and removes only what install could have: an edited manifest cannot run or delete anything else', async () => {
    const box = sandbox([RECORDING_BIN]);
    const log = join(box.home, 'argv.jsonl');
    Object.assign(box.env, { RECORD_ARGV_LOG: log, USER: 'ana', FAKE_LINGER: 'yes' });
    expect((await runCli(['install', 'systemd'], box.env)).exitCode).toBe(0);
    const manifest = join(box.home, '.local', 'state', 'authwatch', 'installed-systemd.json');
    const precious = join(box.home, 'precious.txt');
    writeFileSync(precious, 'keep me');
    const recorded = JSON.parse(readFileSync(manifest, 'utf8')) as { files: string[]; deactivate: string[][] };
    recorded.files.push(precious);
    recorded.deactivate.unshift(['systemctl', '--user', 'stop', 'sshd.service'], ['rm', '-rf', box.home]);
    writeFileSync(manifest, JSON.stringify(recorded));

    const removed = await runCli(['uninstall', 'systemd'], box.env);
    expect(removed.exitCode).toBe(1);
    expect(removed.stdout).toContain('refusing to run systemctl --user stop sshd.service: not a command `install systemd` runs\n');
    expect(removed.stdout).toContain(`refusing to run rm -rf ${box.home}: not a command \`install systemd\` runs\n`);
    expect(removed.stdout).toContain(`refusing to remove ${precious}: not a file \`install systemd\` writes\n`);
    expect(readFileSync(precious, 'utf8')).toBe('keep me');
    expect(readdirSync(join(box.home, '.config', 'systemd', 'user'))).toEqual([]);
    expect(readArgvLog(log).slice(4)).toEqual([
      ['systemctl', '--user', 'disable', '--now', 'authwatch.timer'],
      ['systemctl', '--user', 'daemon-reload'],
    ]);
  });

  it('a manifest that is not one (garbage, wrong shape) is set aside for what install would have written', async () => {
    const box = sandbox([RECORDING_BIN]);
    Object.assign(box.env, { RECORD_ARGV_LOG: join(box.home, 'argv.jsonl') });
    const manifest = join(box.home, '.local', 'state', 'authwatch', 'installed-termux.json');
    mkdirSync(dirname(manifest), { recursive: true });
    writeFileSync(manifest, JSON.stringify({ version: 1, platform: 'termux', files: 'all', deactivate: [] }));
    const removed = await runCli(['uninstall', 'termux', '--dry-run'], box.env);
    expect(removed.exitCode).toBe(0);
    expect(removed.stdout).toContain(`${manifest} is not an install record authwatch wrote for termux; removing what \`install termux\` would have written\n`);
    expect(removed.stdout).toContain('would run: termux-job-scheduler --cancel --job-id 4713\n');
  });
});

describe('launchd and cron', () => {
  it('the plist parses with a real plist parser, with exact paths and one calendar entry per time', () => {
    const { out, node, entry, home } = generateInto('launchd', ['--schedule', '*/15 9-10 * * 1-5']);
    const parsed = plist.parse(readFileSync(join(out, 'dev.authwatch.check.plist'), 'utf8')) as Record<string, unknown>;
    expect(parsed.Label).toBe('dev.authwatch.check');
    expect(parsed.ProgramArguments).toEqual([node, entry, 'check']);
    expect(parsed.EnvironmentVariables).toEqual({ PATH: `${join(home, 'bin')}:/usr/bin:/bin` });
    const entries = parsed.StartCalendarInterval as Array<Record<string, number>>;
    expect(entries).toHaveLength(5 * 2 * 4);
    expect(entries).toContainEqual({ Weekday: 1, Hour: 9, Minute: 0 });
    expect(entries).toContainEqual({ Weekday: 5, Hour: 10, Minute: 45 });
  });

  it('launchd: day of month OR day of week becomes two groups; watch mode keeps the job alive', () => {
    const { out } = generateInto('launchd', ['--schedule', '0 9 13 * 5']);
    expect((plist.parse(readFileSync(join(out, 'dev.authwatch.check.plist'), 'utf8')) as { StartCalendarInterval: unknown }).StartCalendarInterval).toEqual([
      { Day: 13, Hour: 9, Minute: 0 },
      { Weekday: 5, Hour: 9, Minute: 0 },
    ]);
    const watch = generateInto('launchd', ['--mode', 'watch']);
    expect(plist.parse(readFileSync(join(watch.out, 'dev.authwatch.watch.plist'), 'utf8'))).toMatchObject({ RunAtLoad: true, KeepAlive: true });
  });

  it("install launchd bootstraps the agent in the user's GUI domain; uninstall boots it out", async () => {
    const box = sandbox([RECORDING_BIN]);
    box.env.RECORD_ARGV_LOG = join(box.home, 'argv.jsonl');
    const plistPath = join(box.home, 'Library', 'LaunchAgents', 'dev.authwatch.check.plist');
    expect((await runCli(['install', 'launchd'], box.env)).exitCode).toBe(0);
    expect(plist.parse(readFileSync(plistPath, 'utf8'))).toMatchObject({ Label: 'dev.authwatch.check' });
    expect((await runCli(['uninstall', 'launchd'], box.env)).exitCode).toBe(0);
    const calls = readArgvLog(join(box.home, 'argv.jsonl'));
    const domain = `gui/${process.getuid!()}`;
    expect(calls).toEqual([
      ['launchctl', 'bootstrap', domain, plistPath],
      ['launchctl', 'bootout', domain, plistPath],
    ]);
    expect(() => statSync(plistPath)).toThrow();
  });

  it('cron: PATH set, % escaped for crontab, and the command is valid sh', () => {
    const { out, home } = generateInto('cron', ['--schedule', '*/10 * * * *']);
    const line = readFileSync(join(out, 'authwatch.crontab'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('*/10'))!;
    expect(line).toContain('\\%');
    expect(line.replace(/\\%/g, '%')).toContain(join(home, 'bin', 'node').replace(/'/g, `'\\''`));
    const command = line.slice('*/10 * * * * '.length).replace(/\\%/g, '%');
    expect(spawnSync('sh', ['-n', '-c', command]).status).toBe(0);
    expect(execFileSync('sh', ['-c', `${command.replace(/ >> .*$/, '')} --help`], { encoding: 'utf8' })).toContain('Usage: authwatch check');
  });

  // Root's crontab on a tmpfs in a mount namespace: the machine's own crontabs are never touched.
  itIf(canMount && onPath('crontab'), 'needs root, unshare -m and crontab (Debian packages: util-linux, cron)')(
    "cron: the file's own hint, pasted into sh without the file, appends exactly its lines and keeps the others",
    () => {
      const { out } = generateInto('cron', ['--schedule', '*/10 * * * *', '--timezone', 'Europe/Berlin']);
      const text = readFileSync(join(out, 'authwatch.crontab'), 'utf8');
      const hint = /^# {3}(\{ crontab -l.*)$/m.exec(text)![1]!;
      const entries = text.split('\n').filter((l) => l && !l.startsWith('#'));
      expect(entries).toHaveLength(2);
      const script = [
        'set -e',
        'mount -t tmpfs -o mode=1730 tmpfs /var/spool/cron/crontabs',
        'chgrp crontab /var/spool/cron/crontabs',
        "echo '0 1 * * * echo keep' | crontab -",
        hint,
        'crontab -l',
      ].join('\n');
      const listed = execFileSync('unshare', ['-m', 'sh', '-c', script], { cwd: tmpdir(), encoding: 'utf8' });
      expect(listed.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['0 1 * * * echo keep', ...entries]);
    },
  );
});

describe('doctor', () => {
  it('names what stops the job from working, and exits 1', async () => {
    const box = sandbox();
    const result = await runCli(['doctor'], box.env);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      'FAIL  openclaw: "openclaw" is not on the job\'s PATH; install OpenClaw there, or set sources.openclaw.command (or OPENCLAW_BIN) to its full path\n',
    );
    expect(result.stdout).toContain('FAIL  schedule: nothing installed; run `authwatch install systemd`');
    expect(result.stdout).toMatch(/\n2 problems found\.\n$/);
  });

  it("all good once openclaw is found, the notifier's program exists and the timer is installed and active", async () => {
    const box = sandbox([join(ROOT, 'test', 'fixtures', 'bin'), RECORDING_BIN]);
    Object.assign(box.env, { RECORD_ARGV_LOG: join(box.home, 'argv.jsonl'), FAKE_LINGER: 'yes', FAKE_SYSTEMCTL_SHOW: 'ActiveState=active' });
    // page-me is on this shell's PATH but not on the PATH the timer gets.
    const pager = join(box.home, 'bin', 'page-me');
    mkdirSync(dirname(pager));
    copyFileSync(join(RECORDING_BIN, 'notify-send'), pager);
    box.env.PATH = `${dirname(pager)}:${box.env.PATH}`;
    box.writeConfig('notifiers:\n  - type: command\n    command: [page-me]\n');
    expect((await runCli(['install', 'systemd'], box.env)).exitCode).toBe(0);
    const missing = await runCli(['doctor'], box.env);
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain('FAIL  notifier command "command": page-me is not on the job\'s PATH\n');

    const ntfy = await startReceiver();
    box.writeConfig(
      `schedule: "0 6 * * *"\nnotifiers:\n  - type: command\n    command: [${JSON.stringify(pager)}]\n  - type: ntfy\n    topic: authwatch-3f9c2a71d04e8b65\n    server: ${ntfy.url}\n`,
    );
    const result = await runCli(['doctor'], box.env).finally(ntfy.close);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain(`ok    openclaw: ${join(ROOT, 'test', 'fixtures', 'bin', 'openclaw')}\n`);
    expect(result.stdout).toContain(`ok    notifier command "command": ${pager} found\n`);
    expect(result.stdout).toContain(`ok    notifier ntfy "ntfy": ${new URL(ntfy.url).host} accepts connections (nothing sent)\n`);
    expect(ntfy.requests).toEqual([]);
    expect(result.stdout).toContain('ok    systemd authwatch.timer (user): active\n');
    expect(result.stdout).toMatch(/ok {4}next scheduled check: \d{4}-\d\d-\d\d 06:00 \(0 6 \* \* \*\)\n/);
    expect(result.stdout).toMatch(/\nAll good\.\n$/);
  });

  it('tries each server a channel (and the heartbeat) posts to: resolved and connected to, nothing sent; a refused port and an unknown name are FAILs', async () => {
    const box = sandbox([join(ROOT, 'test', 'fixtures', 'bin')]);
    const up = await startReceiver();
    const closed = await startReceiver();
    await closed.close();
    box.writeConfig(
      [
        'notifiers:',
        `  - type: webhook\n    name: up\n    url: ${up.url}/hook?key=secret-in-the-query`,
        `  - type: webhook\n    name: closed\n    url: ${closed.url}/hook`,
        '  - type: alertmanager\n    urls: [https://authwatch-doctor.invalid:9093]',
        '  - type: email\n    host: 127.0.0.1\n    port: 1\n    from: a@example.com\n    to: [b@example.com]',
        `heartbeat:\n  url: ${up.url}/ping/abc`,
        '',
      ].join('\n'),
    );
    const result = await runCli(['doctor'], box.env).finally(up.close);
    const at = (url: string) => new URL(url).host;
    expect(result.stdout).toContain(`ok    notifier webhook "up": ${at(up.url)} accepts connections (nothing sent)\n`);
    expect(result.stdout).toContain(`FAIL  notifier webhook "closed": ${at(closed.url)} cannot be reached (ECONNREFUSED)\n`);
    // No resolver, or one that says there is no such name: either way a FAIL naming the host.
    expect(result.stdout).toMatch(
      /\nFAIL {2}notifier alertmanager "alertmanager": authwatch-doctor\.invalid:9093: cannot resolve authwatch-doctor\.invalid \((?:ENOTFOUND|EAI_AGAIN|no DNS answer within 5 s)\)\n/,
    );
    expect(result.stdout).toContain('FAIL  notifier email "email": 127.0.0.1:1 cannot be reached (ECONNREFUSED)\n');
    expect(result.stdout).toContain(`ok    heartbeat: ${at(up.url)} accepts connections (nothing sent)\n`);
    expect(result.stdout).not.toContain('secret-in-the-query');
    expect(up.requests).toEqual([]);
    expect(result.exitCode).toBe(1);
  });

  it('termux: asks the Termux:API app (removing a notification nobody posted), and says when it does not answer', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'aw-termux-api-'));
    for (const name of ['termux-notification', 'termux-notification-remove', 'record-argv.mjs']) copyFileSync(join(RECORDING_BIN, name), join(bin, name));
    // On the job's PATH: openclaw's directory is on it.
    writeFileSync(join(bin, 'openclaw'), `#!/bin/sh\nexec ${JSON.stringify(join(ROOT, 'test', 'fixtures', 'bin', 'openclaw'))} "$@"\n`, { mode: 0o755 });
    const box = sandbox([bin]);
    box.env.RECORD_ARGV_LOG = join(box.home, 'argv.jsonl');
    box.writeConfig('notifiers:\n  - type: termux\n');
    const answering = await runCli(['doctor'], box.env);
    expect(answering.stdout).toContain('ok    notifier termux "termux": termux-notification found\nok    notifier termux "termux": Termux:API answers\n');
    expect(readArgvLog(box.env.RECORD_ARGV_LOG)).toEqual([['termux-notification-remove', 'authwatch-doctor']]);
    // Without the app, Termux:API's programs wait for it forever.
    writeFileSync(join(bin, 'termux-notification-remove'), '#!/bin/sh\nexec tail -f /dev/null\n');
    const silent = await runCli(['doctor'], box.env);
    expect(silent.stdout).toContain(
      'FAIL  notifier termux "termux": Termux:API did not answer within 5 s: install the Termux:API app from where Termux came from (F-Droid or GitHub, not both), and open it once\n',
    );
  });

  it("termux: the Re-auth button's allow-external-apps = true is checked in termux.properties", async () => {
    const box = sandbox([join(ROOT, 'test', 'fixtures', 'bin')]);
    box.writeConfig('notifiers:\n  - type: termux\n');
    const missing = await runCli(['doctor'], box.env);
    expect(missing.stdout).toContain(
      "warn  termux: the notification's Re-auth button needs allow-external-apps = true in ~/.termux/termux.properties; add it, then run termux-reload-settings\n",
    );
    mkdirSync(join(box.home, '.termux'), { recursive: true });
    writeFileSync(join(box.home, '.termux', 'termux.properties'), '# extra-keys = []\nallow-external-apps = true\n');
    const set = await runCli(['doctor'], box.env);
    expect(set.stdout).toContain(
      `ok    termux: allow-external-apps = true in ${join(box.home, '.termux', 'termux.properties')} (the Re-auth button can open a terminal)\n`,
    );
  });

  it('reads the desktop backend from the config, not from the OS', async () => {
    const box = sandbox([join(ROOT, 'test', 'fixtures', 'bin')]);
    box.writeConfig('notifiers:\n  - type: desktop\n    backend: osascript\n');
    const result = await runCli(['doctor'], box.env);
    expect(result.stdout).toContain('FAIL  notifier desktop "desktop": osascript is not on the job\'s PATH\n');
    expect(result.stdout).not.toContain('notify-send');
  });

  it('resolves openclaw as the check does: an empty OPENCLAW_BIN is unset', async () => {
    const box = sandbox([join(ROOT, 'test', 'fixtures', 'bin')]);
    const result = await runCli(['doctor'], { ...box.env, OPENCLAW_BIN: '' });
    expect(result.stdout).toContain(`ok    openclaw: ${join(ROOT, 'test', 'fixtures', 'bin', 'openclaw')}\n`);
  });

  it('finds every file install writes, watch modes included (the launchd watch agent)', async () => {
    const box = sandbox([RECORDING_BIN]);
    box.env.RECORD_ARGV_LOG = join(box.home, 'argv.jsonl');
    expect((await runCli(['install', 'launchd', '--mode', 'watch'], box.env)).exitCode).toBe(0);
    const result = await runCli(['doctor'], box.env);
    expect(result.stdout).toContain(`ok    launchd file: ${join(box.home, 'Library', 'LaunchAgents', 'dev.authwatch.watch.plist')}\n`);
    expect(result.stdout).not.toContain('nothing installed');
  });
});
