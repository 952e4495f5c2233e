import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { defaultConfig } from '../../src/config/schema.js';
import { STARTER_CONFIG } from '../../src/config/starter.js';
import { errorLines } from '../helpers/config-errors.js';

describe('config', () => {
  it('defaults match the issues: warn 24h, critical 2h, openclaw on, the Claude, Codex and Gemini files when present', () => {
    const config = defaultConfig();
    expect(config.thresholds).toEqual({ warn: 86_400_000, critical: 7_200_000, lapsed: 7 * 86_400_000, rules: [] });
    // The gateway when it answers, with a CLI pass for the route facts at most hourly (issue 11).
    // One unnamed local gateway (a list of one, inside): its ids stay as they always were (issue 12).
    expect(config.sources.openclaw).toEqual([
      {
        name: null,
        enabled: true,
        command: 'openclaw',
        agents: [],
        timeout: 60_000,
        via: 'auto',
        gateway: {},
        sshArgs: [],
        remoteCommand: 'openclaw',
        routesEvery: 7 * 86_400_000,
      },
    ]);
    expect(config.alertOnUnused).toBe(false);
    // No path: each file source finds its file itself ($CODEX_HOME for Codex).
    expect(config.sources.claudeCode).toEqual({ enabled: 'auto' });
    expect(config.sources.codex).toEqual({ enabled: 'auto' });
    expect(config.sources.gemini).toEqual({ enabled: 'auto' });
    expect(config.sources.commands).toEqual([]);
  });

  it('the starter config written by `config init` is exactly the defaults', async () => {
    expect(await parseConfig(STARTER_CONFIG, 'starter.yaml')).toEqual(defaultConfig());
  });

  it('an empty file means defaults', async () => {
    expect(await parseConfig('', 'empty.yaml')).toEqual(defaultConfig());
    expect(await parseConfig('# only comments\n', 'c.yaml')).toEqual(defaultConfig());
  });

  it('parses durations and argv commands', async () => {
    const config = await parseConfig(
      'thresholds:\n  warn: 2d\n  critical: 90m\n  lapsed: 3d\nsources:\n  openclaw:\n    command: [node, /opt/oc/openclaw.mjs]\n    timeout: 1h30m\n',
      'x.yaml',
    );
    expect(config.thresholds).toEqual({ warn: 2 * 86_400_000, critical: 90 * 60_000, lapsed: 3 * 86_400_000, rules: [] });
    expect(config.sources.openclaw[0]!.command).toEqual(['node', '/opt/oc/openclaw.mjs']);
    expect(config.sources.openclaw[0]!.timeout).toBe(5_400_000);
  });

  it('sources.openclaw: a mapping as always, or a list of named gateways; a remote one without a name is named after its host', async () => {
    const list = await parseConfig('sources:\n  openclaw:\n    - name: lab\n      ssh: me@lab.lan:2222\n    - name: home\n      via: cli\n', 'x.yaml');
    expect(list.sources.openclaw.map((g) => [g.name, g.ssh, g.via])).toEqual([
      ['lab', 'me@lab.lan:2222', 'auto'],
      ['home', undefined, 'cli'],
    ]);
    const remote = await parseConfig('sources:\n  openclaw:\n    gateway:\n      ssh: me@gw.example:22\n', 'x.yaml');
    expect(remote.sources.openclaw[0]!.name).toBe('gw.example');
    expect((await parseConfig('sources:\n  openclaw:\n    name: home\n', 'x.yaml')).sources.openclaw[0]!.name).toBe('home');
    // A URL on another host (a paired device) is named after its host; a loopback URL is not remote.
    const byUrl = await parseConfig('sources:\n  openclaw:\n    gateway:\n      url: wss://[fd00::7]:18789\n', 'x.yaml');
    expect(byUrl.sources.openclaw[0]!.name).toBe('fd00--7');
    expect((await parseConfig('sources:\n  openclaw:\n    gateway:\n      url: ws://127.0.0.1:18800\n', 'x.yaml')).sources.openclaw[0]!.name).toBeNull();
    expect(await errorLines('sources:\n  openclaw:\n    gateway:\n      url: wss://gw.lan:18789\n      tlsFingerprint: "abc"\n')).toEqual([
      '/etc/aw.yaml:5: sources.openclaw.gateway.tlsFingerprint: a SHA-256 fingerprint: 64 hex digits, with or without colons',
    ]);
    // Errors are explained by the shape given, with the line and the path inside the list.
    expect(await errorLines('sources:\n  openclaw:\n    via: nope\n')).toEqual([
      '/etc/aw.yaml:3: sources.openclaw.via: Invalid option: expected one of "cli"|"gateway"|"auto"',
    ]);
    expect(await errorLines('sources:\n  openclaw:\n    - name: a\n    - via: cli\n')).toEqual([
      '/etc/aw.yaml:4: sources.openclaw[1].name: each gateway of a list needs a name',
    ]);
    expect(await errorLines('sources:\n  openclaw:\n    - name: a\n    - name: a\n')).toEqual([
      '/etc/aw.yaml:3: sources.openclaw: each gateway needs its own name',
    ]);
    expect(await errorLines('sources:\n  openclaw:\n    - name: "a b"\n')).toEqual([
      '/etc/aw.yaml:3: sources.openclaw[0].name: a name of letters, digits, "_", "." and "-" (at most 40)',
    ]);
  });

  it('a bad duration names the file, line and key path', async () => {
    expect(await errorLines('thresholds:\n  warn: 24h\n  critical: 2x\n')).toEqual([
      '/etc/aw.yaml:3: thresholds.critical: invalid duration "2x" (use e.g. 90m, 2h, 7d)',
    ]);
  });

  it('an unknown key names its line and path', async () => {
    expect(await errorLines('thresholds:\n  warn: 24h\n  critcal: 2h\n')).toEqual(['/etc/aw.yaml:3: thresholds.critcal: unknown key']);
    expect(await errorLines('notifyers: []\n')).toEqual(['/etc/aw.yaml:1: notifyers: unknown key']);
  });

  it('a wrong type names the path inside lists', async () => {
    const lines = await errorLines('sources:\n  commands:\n    - name: vault\n      command: /bin/true\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\/etc\/aw\.yaml:4: sources\.commands\[0\]\.command: .*expected array/);
  });

  it('reports every problem at once, one line each', async () => {
    const lines = await errorLines('thresholds:\n  warn: soon\nsources:\n  openclaw:\n    enabled: yes please\n');
    expect(lines).toEqual([
      '/etc/aw.yaml:2: thresholds.warn: invalid duration "soon" (use e.g. 90m, 2h, 7d)',
      expect.stringMatching(/^\/etc\/aw\.yaml:5: sources\.openclaw\.enabled: .*expected boolean/),
    ]);
  });

  it('critical must be shorter than warn', async () => {
    expect(await errorLines('thresholds:\n  warn: 1h\n  critical: 2h\n')).toEqual([
      '/etc/aw.yaml:3: thresholds.critical: must be shorter than thresholds.warn',
    ]);
  });

  it('a number without a unit is refused, not read as milliseconds', async () => {
    const lines = await errorLines('thresholds:\n  warn: 24\n');
    expect(lines[0]).toMatch(/^\/etc\/aw\.yaml:2: thresholds\.warn: /);
  });

  it('invalid YAML gives the line and column, without quoting the file', async () => {
    const lines = await errorLines('thresholds:\n  warn: [24h\n  secret: hunter2\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\/etc\/aw\.yaml:\d+:\d+: invalid YAML: /);
    expect(lines[0]).not.toContain('hunter2');
  });

  it('a top level that is not a mapping is refused', async () => {
    expect(await errorLines('- a\n- b\n')).toEqual(['/etc/aw.yaml:1: the config must be a mapping of keys (thresholds:, sources:, …)']);
  });

  it('100,000 unknown keys: linear, and the first 20 are listed with a count of the rest', async () => {
    const text = `thresholds:\n  warn: 24h\n${Array.from({ length: 100_000 }, (_, i) => `k${i}: 1`).join('\n')}\n`;
    const lines = await errorLines(text);
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe('/etc/aw.yaml:3: k0: unknown key');
    expect(lines[19]).toBe('/etc/aw.yaml:22: k19: unknown key');
    expect(lines[20]).toBe('/etc/aw.yaml: … and 99980 more problems');
  }, 30_000);

  it('duplicate keys are found (linearly), with their line and path', async () => {
    expect(await errorLines('a: 1\nsources:\n  openclaw:\n    timeout: 1s\n    timeout: 2s\n')).toEqual([
      '/etc/aw.yaml:5: sources.openclaw.timeout: duplicate key',
    ]);
  });

  it('a YAML alias bomb is a config error, not an internal one', async () => {
    const levels = 'bcdefghi'.split('');
    const text = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...levels.map(
        (n, i) =>
          `${n}: &${n} [${Array(10)
            .fill(`*${i === 0 ? 'a' : levels[i - 1]}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    expect(await errorLines(text)).toEqual(['/etc/aw.yaml: invalid YAML: aliases expand too far (more than 100 alias uses)']);
  });

  it('a FIFO at the config path is refused at once, not waited on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-cfg-'));
    execFileSync('mkfifo', [join(dir, 'config.yaml')]);
    await expect(loadConfig(join(dir, 'config.yaml'), {})).rejects.toMatchObject({ lines: [`${join(dir, 'config.yaml')}: not a regular file`] });
  });

  it('duplicate command source names are refused', async () => {
    const lines = await errorLines('sources:\n  commands:\n    - { name: a, command: [x] }\n    - { name: a, command: [y] }\n');
    expect(lines).toEqual(['/etc/aw.yaml:4: sources.commands[1].name: duplicate name "a"']);
  });

  it('a missing default file means defaults; a missing named file is an error', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aw-config-'));
    const loaded = await loadConfig(undefined, { HOME: home });
    expect(loaded).toMatchObject({ path: null, searchedPath: join(home, '.config', 'authwatch', 'config.yaml') });
    await expect(loadConfig(join(home, 'nope.yaml'), { HOME: home })).rejects.toThrow(`${join(home, 'nope.yaml')}: no such file`);
    await expect(loadConfig(undefined, { HOME: home, AUTHWATCH_CONFIG: join(home, 'env.yaml') })).rejects.toThrow('no such file');
  });

  it('finds the file through AUTHWATCH_CONFIG and XDG_CONFIG_HOME', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aw-config-'));
    const file = join(home, 'aw.yaml');
    writeFileSync(file, 'thresholds: { warn: 3d }\n');
    expect((await loadConfig(undefined, { HOME: home, AUTHWATCH_CONFIG: file })).config.thresholds.warn).toBe(3 * 86_400_000);
    const xdg = await loadConfig(undefined, { HOME: home, XDG_CONFIG_HOME: join(home, 'xdg') });
    expect(xdg.searchedPath).toBe(join(home, 'xdg', 'authwatch', 'config.yaml'));
  });
});

describe('config mistakes a newcomer makes', () => {
  it('a bare number as a duration says to add a unit', async () => {
    expect(await errorLines('thresholds:\n  warn: 24\n')).toEqual(['/etc/aw.yaml:2: thresholds.warn: 24 has no unit: add one, e.g. 24h, 24m or 24d']);
  });

  it('a guessable topic on the public ntfy.sh is warned about; a random one, another server or a token is not', async () => {
    const { guessablePublicTopic } = await import('../../src/notifiers/ntfy.js');
    expect(guessablePublicTopic('https://ntfy.sh', 'my-openclaw-alerts')).toBe(true);
    expect(guessablePublicTopic('https://ntfy.sh/', 'authwatch-replace-with-random')).toBe(true);
    expect(guessablePublicTopic('https://ntfy.sh', 'a1b2c3d4')).toBe(true);
    expect(guessablePublicTopic('https://ntfy.sh', 'authwatch-3f9c2a71d0b4e865')).toBe(false);
    expect(guessablePublicTopic('https://ntfy.example.lan', 'alerts')).toBe(false);
  });
});
