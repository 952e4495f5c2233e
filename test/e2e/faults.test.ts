/**
 * The fault suite: what a broken disk, a hostile receiver, a flood of connections or of records,
 * a killed run and hostile strings do to authwatch. Each fault comes from issue 8's adversarial
 * probe; each test failed before its fix. The promises checked here are the README's "Guarantees".
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, FAKE_BIN, parseReport, runCli, sandbox } from '../helpers/cli.js';
import { startHostileServer, type Misbehaviour } from '../helpers/hostile-server.js';
import { startReceiver } from '../helpers/receiver.js';
import { everyViewsOutput } from '../helpers/secrets.js';
import { itMounting } from '../helpers/tools.js';
import { startWatch } from '../helpers/watch.js';

const H = 3_600_000;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A sandbox whose fake openclaw answers one anthropic token expiring at `expiresAt`. */
function fakeGateway(expiresAt = Date.now() + 3 * H) {
  const box = sandbox([FAKE_BIN]);
  const dir = mkdtempSync(join(tmpdir(), 'aw-fault-'));
  writeFileSync(
    join(dir, 'status-main.json'),
    JSON.stringify({ auth: { oauth: { profiles: [{ profileId: 'anthropic:manual', provider: 'anthropic', type: 'token', status: 'ok', expiresAt }] } } }),
  );
  box.env.FAKE_OPENCLAW_DIR = dir;
  return { box, dir };
}

async function receiver() {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}

async function hostile(mode: Misbehaviour) {
  const server = await startHostileServer(mode);
  cleanups.push(() => server.close());
  return server;
}

/** Runs the CLI in its own mount namespace after `setup` (shell commands that mount things). */
async function runCliMounted(setup: string, args: string[], env: Record<string, string>) {
  const script = `${setup} && exec "$0" "$@"`;
  const result = await execa('unshare', ['-m', 'sh', '-c', script, process.execPath, CLI, ...args], {
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function stateDirOf(box: ReturnType<typeof sandbox>) {
  return dirname(box.statePath);
}

describe('a stalled or trickling receiver never hangs a run', () => {
  it.each<Misbehaviour>(['stall', 'trickle'])('notify test against a receiver that %ss its body: each attempt times out, the run ends', async (mode) => {
    const server = await hostile(mode);
    const { box } = fakeGateway();
    box.writeConfig(`delivery:\n  attempts: 2\n  backoff: 100ms\n  deadline: 20s\nnotifiers:\n  - type: webhook\n    url: ${server.url}\n    timeout: 2s\n`);
    const result = await runCli(['notify', 'test'], box.env);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe(
      `failed  webhook "webhook" (${new URL(server.url).host}): timed out (after 2 attempts)\n        receives: warn, critical, expired (expired includes missing, unusable and failing sources); firing, reminder, resolved; every credential\n`,
    );
    expect(server.requests).toHaveLength(2);
  });

  it.each<Misbehaviour>(['stall', 'trickle'])('watch stops within seconds of SIGTERM while a delivery %ss, and the alert stays in the outbox', async (mode) => {
    const server = await hostile(mode);
    const { box } = fakeGateway();
    const config = box.writeConfig(
      `schedule: "0 0 1 1 *"\ndelivery:\n  deadline: 10m\nnotifiers:\n  - type: webhook\n    url: ${server.url}\n    timeout: 5m\n`,
    );
    const w = startWatch(['--config', config], box.env);
    cleanups.push(() => w.stop());
    await w.waitFor(() => server.requests.length === 1, 15_000, 'the delivery to start');
    const sent = Date.now();
    w.child.kill('SIGTERM');
    const exit = await Promise.race([w.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000))]);
    expect(exit, `still running 15 s after SIGTERM; stderr:\n${w.stderr()}`).toBeDefined();
    expect(exit!.code).toBe(0);
    console.log(`watch exited ${exit!.at - sent} ms after SIGTERM (${mode})`);
    // Not lost: the alert waits in the outbox for the next run, with the same id.
    const state = box.readState() as { outbox: Array<{ alert: { id: string } }> };
    expect(state.outbox).toHaveLength(1);
    expect(JSON.parse(server.requests[0]!.body)).toMatchObject({ id: state.outbox[0]!.alert.id });
  });
});

describe('watch survives what it should', () => {
  it('a flood of connections to --metrics-listen under a low descriptor limit, then SIGUSR1: still checks, still serves', async () => {
    const { box } = fakeGateway();
    const config = box.writeConfig('schedule: "0 0 1 1 *"\n');
    const child = spawn(
      'sh',
      ['-c', 'ulimit -n 256 && exec "$0" "$@"', process.execPath, CLI, 'watch', '--config', config, '--metrics-listen', '127.0.0.1:0'],
      {
        env: box.env,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    });
    const waitFor = async (what: string, predicate: () => boolean) => {
      for (const until = Date.now() + 15_000; !predicate(); await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`waiting for ${what}; exit ${child.exitCode}; stderr:\n${stderr}`);
      }
    };
    const checks = () => stderr.split('\n').filter((l) => l.includes('"check finished"')).length;
    await waitFor('the first check', () => checks() === 1);
    const port = Number(/"port":(\d+)/.exec(stderr)?.[1]);
    expect(port).toBeGreaterThan(0);

    // More connections than the descriptor limit, each held open and silent.
    const sockets: Socket[] = [];
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
    });
    await Promise.all(
      Array.from(
        { length: 400 },
        () =>
          new Promise<void>((resolve) => {
            const s = connect(port, '127.0.0.1', () => resolve());
            s.on('error', () => resolve());
            sockets.push(s);
          }),
      ),
    );
    child.kill('SIGUSR1');
    await waitFor('a check after SIGUSR1', () => checks() === 2);
    expect(child.exitCode).toBeNull();

    for (const s of sockets) s.destroy();
    const health = await (async () => {
      for (let i = 0; i < 100; i++) {
        const answer = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
        if (answer) return answer;
        await new Promise((r) => setTimeout(r, 50));
      }
      return 0;
    })();
    expect(health).toBe(200);
    expect(child.exitCode).toBeNull();
  });

  it('a program that cannot be started (a NUL byte in an agent id) is an error record; the other agents still report', async () => {
    const { box, dir } = fakeGateway();
    writeFileSync(join(dir, 'agents.json'), JSON.stringify([{ id: 'main', isDefault: true }, { id: 'bad\u0000id' }, { id: '--help' }]));
    writeFileSync(join(dir, 'status---help.json'), readFileSync(join(dir, 'status-main.json')));
    box.env.FAKE_OPENCLAW_LOG = join(dir, 'argv.jsonl');
    const result = await runCli(['check', '--json'], box.env);
    const report = parseReport(result);
    expect(result.exitCode).toBe(3);
    expect(report.credentials.map((c) => [c.agent, c.status])).toEqual([
      ['bad\u0000id', 'error'],
      ['--help', 'warn'],
      ['main', 'warn'],
    ]);
    expect(report.errors).toEqual([
      { source: 'openclaw', message: 'openclaw models status (agent bad\u0000id): cannot start openclaw: an argument contains a NUL byte' },
    ]);
    // An id that looks like an option is passed as the option's value, never as an option.
    const argv = readFileSync(join(dir, 'argv.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(argv).toContainEqual(['models', 'status', '--json', '--agent=--help']);
    // Human output shows the NUL, escaped.
    const human = await runCli(['check'], box.env);
    expect(human.stdout).toContain('error: openclaw (agent bad\\x00id)');
  });
});

describe('100,000 credentials', () => {
  it('check --json, --metrics-textfile, status and watch /healthz and /metrics all work', async () => {
    const box = sandbox();
    const script = join(box.home, 'many.mjs');
    writeFileSync(
      script,
      `const now = Date.now(); process.stdout.write(JSON.stringify(Array.from({ length: 100000 }, (_, i) => ({ id: 'c' + i, provider: 'p' + (i % 7), expiresAt: now + (i % 3 === 0 ? 3600000 : 30 * 86400000) }))));`,
    );
    const config = box.writeConfig(
      `sources:\n  openclaw:\n    enabled: false\n  commands:\n    - name: many\n      command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(script)}]\n      timeout: 2m\n`,
    );
    const textfile = join(box.home, 'metrics', 'authwatch.prom');
    const check = await runCli(['check', '--json', '--metrics-textfile', textfile], box.env, 300_000);
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(2);
    expect(parseReport(check).credentials).toHaveLength(100_000);
    expect(
      readFileSync(textfile, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('authwatch_credential_expiry_timestamp_seconds{')),
    ).toHaveLength(100_000);

    const status = await runCli(['status'], box.env, 300_000);
    expect(status.exitCode).toBe(2);
    expect(status.stdout).toContain('100000 credentials: 33334 critical, 66666 ok');

    const w = startWatch(['--config', config, '--metrics-listen', '127.0.0.1:0'], box.env);
    cleanups.push(() => w.stop());
    await w.waitFor(() => w.checks().length === 1, 300_000, 'the first check');
    const port = w.lines.find((l) => String(l.msg).startsWith('serving the status page'))!.port as number;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics.match(/^authwatch_credential_status\{/gm)).toHaveLength(800_000);
    expect(w.child.exitCode).toBeNull();
  }, 600_000);
});

describe('a broken state directory never silences a run', () => {
  it('state.json is a directory: moved aside, with a warning; the check answers', async () => {
    const { box } = fakeGateway();
    mkdirSync(box.statePath, { recursive: true });
    const result = await runCli(['status'], box.env);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain('anthropic:manual');
    expect(result.stderr).toMatch(
      /^authwatch: warning: state file .*state\.json cannot be read \(not a regular file\); moved it to .*state\.json\.corrupt-.* and started with empty state\n$/,
    );
    expect(statSync(box.statePath).isFile()).toBe(true);
  });

  it('a 600 MB state.json is not read: moved aside, with a warning', async () => {
    const { box } = fakeGateway();
    mkdirSync(stateDirOf(box), { recursive: true });
    writeFileSync(box.statePath, '');
    truncateSync(box.statePath, 600 * 1024 * 1024); // sparse: no disk used
    const result = await runCli(['check', '--json'], box.env);
    expect(result.exitCode).toBe(2);
    expect(parseReport(result).warnings).toEqual([expect.stringMatching(/cannot be read \(larger than 256 MiB\); moved it to /)]);
  });

  it('malformed outbox entries are dropped with a warning; the good one is delivered', async () => {
    const server = await receiver();
    const { box } = fakeGateway();
    box.writeConfig(`notifiers:\n  - type: webhook\n    url: ${server.url}\n`);
    await runCli(['check', '--no-notify'], box.env);
    const state = box.readState() as Record<string, unknown>;
    const alert = {
      id: 'evt_1',
      streamId: 's',
      event: 'firing',
      status: 'warn',
      severity: 'warn',
      credential: { id: 'x', source: 'openclaw', agent: null, provider: 'p', profileId: null, type: null },
      expiresAt: null,
      remainingMs: null,
      detail: null,
      remedy: null,
      host: 'h',
      checkedAt: Date.now(),
    };
    const { remedy: _, ...missingRemedy } = alert;
    state.outbox = [
      { notifier: 'webhook', createdAt: Date.now(), attempts: 0, alert: missingRemedy },
      { notifier: 'webhook', createdAt: Date.now(), attempts: 0, alert },
    ];
    writeFileSync(box.statePath, JSON.stringify(state));
    const result = await runCli(['check', '--json'], box.env);
    expect(parseReport(result).warnings).toEqual([`dropped 1 malformed outbox entry from ${box.statePath}`]);
    expect(server.requests.map((r) => (JSON.parse(r.body) as { id: string }).id)).toContain('evt_1');
  });

  it('a state dir others can read is tightened to 0700', async () => {
    const { box } = fakeGateway();
    mkdirSync(stateDirOf(box), { recursive: true, mode: 0o755 });
    execFileSync('chmod', ['755', stateDirOf(box)]);
    await runCli(['check'], box.env);
    expect(statSync(stateDirOf(box)).mode & 0o777).toBe(0o700);
  });

  itMounting('read-only: status prints and warns; check prints, delivers, exits with the credentials’ code and warns', async () => {
    const server = await receiver();
    const { box } = fakeGateway();
    box.writeConfig(`notifiers:\n  - type: webhook\n    url: ${server.url}\n`);
    mkdirSync(stateDirOf(box), { recursive: true });
    const readOnly = `mount --bind "${stateDirOf(box)}" "${stateDirOf(box)}" && mount -o remount,bind,ro "${stateDirOf(box)}"`;
    const status = await runCliMounted(readOnly, ['status'], box.env);
    expect(status.exitCode).toBe(2);
    expect(status.stdout).toContain('anthropic:manual');
    expect(status.stderr).toContain(`authwatch: warning: cannot save state to ${box.statePath} (EROFS); alerts may repeat until it can be saved\n`);

    const check = await runCliMounted(readOnly, ['check'], box.env);
    expect(check.exitCode).toBe(2);
    expect(check.stdout).toContain('Notifications: 1 of 1 delivered');
    expect(check.stderr).toContain(`authwatch: warning: cannot lock ${box.statePath}.lock (EROFS)`);
    expect(check.stderr).toContain('cannot save state');
    expect(server.requests).toHaveLength(1);
  });

  itMounting('a full disk (ENOSPC): check prints, delivers, warns, and leaves the old state.json whole', async () => {
    const server = await receiver();
    const { box } = fakeGateway();
    box.writeConfig(`notifiers:\n  - type: webhook\n    url: ${server.url}\n`);
    const dir = stateDirOf(box);
    mkdirSync(dir, { recursive: true });
    const full = `mount -t tmpfs -o size=64k tmpfs "${dir}" && printf '{"version":1,"credentials":{}}' > "${dir}/state.json" && (head -c 1000000 /dev/zero > "${dir}/filler" 2>/dev/null || true)`;
    const check = await runCliMounted(`${full} && test -s "${dir}/state.json"`, ['check'], box.env);
    expect(check.exitCode).toBe(2);
    expect(check.stdout).toContain('Notifications: 1 of 1 delivered');
    expect(check.stderr).toContain(`cannot save state to ${box.statePath} (ENOSPC)`);
    expect(server.requests).toHaveLength(1);
  });

  it('a lock left by a killed run is taken over at once when its owner is gone', async () => {
    const server = await receiver();
    const { box } = fakeGateway();
    box.writeConfig(`notifiers:\n  - type: webhook\n    url: ${server.url}\n`);
    // The lock a `kill -9`ed run leaves: the directory, and its owner record naming a dead pid.
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    mkdirSync(`${box.statePath}.lock`, { recursive: true });
    writeFileSync(`${box.statePath}.lock-owner`, JSON.stringify({ pid: dead.pid, host: (await import('node:os')).hostname() }));
    const result = await runCli(['check', '--log-level', 'warn'], box.env, 20_000);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('took over a state lock left by a run that no longer exists');
    expect(server.requests).toHaveLength(1);
    expect(readdirSync(stateDirOf(box))).not.toContain('state.json.lock');
  });
});

/** One token of every key format the scrubber knows, random each run so a leak is unmistakable. */
function plantedKeys(): Record<string, string> {
  const rand = (n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') =>
    Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
  return {
    anthropic: `sk-ant-oat01-${rand(80)}`,
    openai: `sk-proj-${rand(48)}`,
    google: `AIza${rand(35)}`,
    googleOauth: `ya29.${rand(60)}`,
    groq: `gsk_${rand(52)}`,
    huggingface: `hf_${rand(34)}`,
    xai: `xai-${rand(80)}`,
    perplexity: `pplx-${rand(48)}`,
    cerebras: `csk-${rand(48)}`,
    nvidia: `nvapi-${rand(64)}`,
    replicate: `r8_${rand(37)}`,
    github: `ghp_${rand(36)}`,
    slack: `xoxb-${rand(12, '0123456789')}-${rand(24)}`,
    aws: `AKIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    telegram: `${rand(10, '0123456789')}:AA${rand(33)}`,
    jwt: `eyJ${rand(20)}.eyJ${rand(40)}.${rand(43)}`,
    unknownFormat: rand(48), // no known prefix: the generic rule's job
  };
}

describe('hostile strings', () => {
  it('keys of every known format, planted in every field a source reports, appear nowhere: stdout, --json, logs, state, webhook, ntfy, termux', async () => {
    const keys = plantedKeys();
    const values = Object.values(keys);
    const server = await receiver();
    const { box, dir } = fakeGateway();
    box.env.PATH = `${join(dirname(FAKE_BIN), 'recording-bin')}:${box.env.PATH}`;
    box.env.RECORD_ARGV_LOG = join(box.home, 'argv.jsonl');
    // OpenClaw output carrying keys in profile ids, providers, unusable kinds and reasons, and an agent id.
    const profiles = values.map((key, i) => ({ profileId: `p${i}:${key}`, provider: `prov-${key}`, type: 'token', status: 'ok', expiresAt: Date.now() + H }));
    const unusableProfiles = values.map((key, i) => ({
      profileId: `u${i}`,
      provider: 'x',
      kind: key,
      reason: `billing failed for key ${key}`,
      until: Date.now() + H,
    }));
    writeFileSync(join(dir, 'agents.json'), JSON.stringify([{ id: 'main', isDefault: true }, { id: `agent-${keys.groq}` }]));
    const status = JSON.stringify({ auth: { oauth: { profiles }, unusableProfiles } });
    writeFileSync(join(dir, 'status-main.json'), status);
    writeFileSync(join(dir, `status-agent-${keys.groq}.json`), status);
    // A command source carrying them in ids, names, details and remedies.
    const script = join(box.home, 'records.mjs');
    const records = values.map((key, i) => ({
      id: `r${i}-${key}`,
      provider: key,
      profileId: key,
      agent: key,
      status: 'expired',
      detail: `rejected ${key}`,
      remedy: `export TOKEN=${key}`,
    }));
    writeFileSync(script, `process.stdout.write(${JSON.stringify(JSON.stringify(records))}); process.stderr.write(${JSON.stringify(values.join(' '))});`);
    const config = box.writeConfig(
      [
        'sources:',
        '  commands:',
        `    - name: planted`,
        `      command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(script)}]`,
        'notifiers:',
        `  - type: webhook`,
        `    url: ${server.url}/hook`,
        `  - type: ntfy`,
        `    server: ${server.url}`,
        `    topic: alerts`,
        `  - type: termux`,
        '',
      ].join('\n'),
    );

    const texts = await everyViewsOutput(config, box.env, 1);
    texts.state = readFileSync(box.statePath, 'utf8');
    texts.termux = readFileSync(box.env.RECORD_ARGV_LOG, 'utf8');
    expect(server.requests.length).toBeGreaterThan(values.length * 2);
    for (const [i, r] of server.requests.entries()) texts[`request ${i}`] = `${JSON.stringify(r.headers)}\n${r.body}`;
    for (const [where, text] of Object.entries(texts)) {
      for (const [format, key] of Object.entries(keys)) {
        expect(text.includes(key) || text.includes(key.slice(-12)), `${where} leaks the ${format} key`).toBe(false);
      }
    }
    expect(texts['check --json stdout']).toContain('<secret>');
  });

  it('terminal escapes in names and details are shown escaped by status and in notification text; --json keeps the true value', async () => {
    const { box, dir } = fakeGateway();
    box.env.PATH = `${join(dirname(FAKE_BIN), 'recording-bin')}:${box.env.PATH}`;
    box.env.RECORD_ARGV_LOG = join(box.home, 'argv.jsonl');
    const hidden = '\u001b[8mhidden\u001b[0m';
    const retitle = '\u001b]0;owned\u0007';
    writeFileSync(
      join(dir, 'status-main.json'),
      JSON.stringify({
        auth: {
          oauth: { profiles: [{ profileId: `anthropic:${hidden}`, provider: `anthropic${retitle}`, type: 'token', status: 'ok', expiresAt: Date.now() + H }] },
        },
      }),
    );
    const config = box.writeConfig('notifiers:\n  - type: termux\n  - type: desktop\n    backend: notify-send\n');
    const human = await runCli(['status', '--config', config], box.env);
    const notified = await runCli(['check', '--config', config], box.env);
    const json = parseReport(await runCli(['check', '--json', '--no-notify', '--config', config], box.env));
    const argv = readFileSync(box.env.RECORD_ARGV_LOG, 'utf8');
    for (const [where, text] of Object.entries({ status: human.stdout, check: notified.stdout, 'notification argv': argv })) {
      expect(text.includes('\u001b'), `${where} holds a raw ESC`).toBe(false);
      expect(text.includes('\u0007'), `${where} holds a raw BEL`).toBe(false);
    }
    expect(human.stdout).toContain('anthropic:\\x1b[8mhidden\\x1b[0m');
    expect(argv).toContain('anthropic:\\\\x1b[8mhidden\\\\x1b[0m');
    expect(json.credentials[0]).toMatchObject({ profileId: `anthropic:${hidden}`, provider: `anthropic${retitle}` });
  });
});
