import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGateway } from '../helpers/fake-gateway.js';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { CLI, fakeToken, parseReport, runCli, sandbox } from '../helpers/cli.js';
import { keyPair, processesWith, startSshd } from '../helpers/sshd.js';
import { startHostileServer } from '../helpers/hostile-server.js';
import { startWatch } from '../helpers/watch.js';
import { itIf, onPath } from '../helpers/tools.js';

// The SSH tunnel against another local user: a real sshd on 127.0.0.1 in front of a gateway that
// answers as OpenClaw's does (a `ws` server that records the token each client offers), and an
// unprivileged squatter (uid 65534) that reads every process's argv from /proc and tries to take
// whatever local end an `ssh -L` names before ssh binds it, recording whatever it receives.
// A regular file on PATH (.ci/run adds /usr/sbin): a /dev/null bind-mounted over sshd counts as missing.
const sshdThere = onPath('sshd');
const asNobody = process.getuid?.() === 0 && onPath('setpriv');
const it = itIf(sshdThere, 'sshd not found (Debian package: openssh-server)');
// kill -9 leaves no time to end ssh: only the parent-death signal setpriv gives it does.
const itWithPdeathsig = itIf(sshdThere && onPath('setpriv'), 'needs sshd (openssh-server) and setpriv (util-linux) for ssh to end with a killed authwatch');
const itAsNobody = itIf(sshdThere && asNobody, 'needs sshd (openssh-server), root and setpriv (util-linux) to run a squatter as another user');
const TOKEN = `gw-${fakeToken('')}`;

let gateway: Awaited<ReturnType<typeof startFakeGateway>>;
let gatewayPort: number;
const tokens: string[] = [];
let stall = false;
/** The profile expires within the hour: an alert fires. */
let soon = false;
let sshd: Awaited<ReturnType<typeof startSshd>>;
let clientArgs: string[];
let box: ReturnType<typeof sandbox>;

beforeAll(async () => {
  if (!sshdThere) return;
  gateway = await startFakeGateway((frame, { reply }) => {
    if (frame.method === 'connect') {
      tokens.push(frame.params.auth?.token ?? '');
      return reply({ type: 'hello-ok', protocol: 4, policy: { tickIntervalMs: 30_000 } });
    }
    if (frame.method === 'agents.list') return reply({ defaultId: 'main', agents: [{ id: 'main' }] });
    if (frame.method === 'models.authStatus' && !stall) {
      const at = Date.now() + (soon ? 3_600_000 : 30 * 86_400_000);
      return reply({
        ts: Date.now(),
        providers: [{ provider: 'anthropic', status: 'ok', profiles: [{ profileId: 'anthropic:manual', type: 'token', status: 'ok', expiry: { at } }] }],
      });
    }
  });
  gatewayPort = gateway.port;
  const keys = mkdtempSync(join(tmpdir(), 'authwatch-ssh-client-'));
  const client = keyPair(keys, 'client');
  sshd = await startSshd(client.pub);
  clientArgs = sshd.clientArgs(client.key);
  box = sandbox();
  box.env.REMOTE_GATEWAY_TOKEN = TOKEN;
  box.env.OPENCLAW_CONFIG_PATH = join(box.home, 'none.json');
  // authwatch's own temporary directories (the tunnels' sockets) land here, apart from other tests'.
  box.env.TMPDIR = mkdtempSync(join(tmpdir(), 'authwatch-ssh-tmp-'));
}, 60_000);

afterAll(async () => {
  if (!sshdThere) return;
  await gateway.close();
  await sshd.stop();
});

const config = (extra = '') =>
  box.writeConfig(
    [
      extra,
      'sources:',
      '  openclaw:',
      '    via: gateway',
      '    timeout: 20s',
      '    gateway:',
      `      ssh: ${sshd.destination}`,
      `      remotePort: ${gatewayPort}`,
      '      token: env:REMOTE_GATEWAY_TOKEN',
      `      sshArgs: ${JSON.stringify(clientArgs)}`,
      '',
    ].join('\n'),
  );

/** Polls (no fixed wait) until `predicate` holds, or fails after `timeoutMs`. */
async function until(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** This test's ssh forwards: the processes whose argv forwards to the fake gateway's port. */
const tunnels = () => processesWith(`:127.0.0.1:${gatewayPort}`).filter((pid) => pid !== process.pid);
// The tunnels' socket directories (Node 22+ also keeps its compile cache in TMPDIR).
const socketDirs = () => readdirSync(box.env.TMPDIR!).filter((name) => name.startsWith('authwatch-ssh-'));

// Binds whatever local end an `ssh -L` in /proc names, as soon as it appears, and keeps what it
// receives. It stops by itself after 90 s or when the stop file appears.
const SQUATTER = `
const { readdirSync, readFileSync, writeFileSync, existsSync } = require('node:fs');
const net = require('node:net');
const [out, stopFile] = process.argv.slice(2);
const seen = new Set();
const report = { forwards: [], bound: [], refused: [], received: '' };
const save = () => writeFileSync(out, JSON.stringify(report));
const started = Date.now();
function take(spec) {
  const m = /^(?:127\\.0\\.0\\.1:)?(\\d+):/.exec(spec);
  const where = m ? { port: Number(m[1]), host: '127.0.0.1' } : { path: spec.slice(0, spec.lastIndexOf(':127.0.0.1:')) };
  const server = net.createServer((s) => s.on('data', (d) => { report.received += d.toString('latin1'); save(); }));
  server.once('error', (e) => { report.refused.push(spec + ' ' + e.code); save(); });
  server.listen(where, () => { report.bound.push(spec); save(); });
}
(function scan() {
  for (const pid of readdirSync('/proc')) {
    if (!/^\\d+$/.test(pid)) continue;
    let argv;
    try { argv = readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\\0'); } catch { continue; }
    const i = argv.indexOf('-L');
    if (i < 0 || !argv[i + 1] || seen.has(argv[i + 1])) continue;
    seen.add(argv[i + 1]);
    report.forwards.push(argv[i + 1]);
    take(argv[i + 1]);
    save();
  }
  if (existsSync(stopFile) || Date.now() - started > 90000) process.exit(0);
  setImmediate(scan);
})();
`;

describe('the SSH tunnel and the other users of this machine', { timeout: 120_000 }, () => {
  it('doctor scrubs what the remote openclaw --version printed (a wrapper there may print a key)', async () => {
    const key = `sk-ant-oat01-${'Q7x'.repeat(24)}`;
    const config = box.writeConfig(
      [
        'sources:',
        '  openclaw:',
        '    via: cli',
        `    ssh: ${sshd.destination}`,
        `    sshArgs: ${JSON.stringify(clientArgs)}`,
        // The user's own shell text: a wrapper that prints a key before the version (the # ends the line there).
        `    remoteCommand: ${JSON.stringify(`echo "openclaw 2026.9.6 (token ${key})" #`)}`,
        '',
      ].join('\n'),
      'doctor.yaml',
    );
    const doctor = await runCli(['doctor', '--config', config], box.env);
    expect(doctor.stdout).toMatch(/ok +openclaw on .*: openclaw 2026\.9\.6 \(token <secret>\)/);
    expect(`${doctor.stdout}${doctor.stderr}`).not.toContain(key);
  });

  itAsNobody('a squatter watching /proc cannot take the forward: six checks, six tokens to the gateway, none to the squatter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authwatch-squat-'));
    chmodSync(dir, 0o777);
    const script = join(dir, 'squat.cjs');
    writeFileSync(script, SQUATTER, { mode: 0o644 });
    const out = join(dir, 'report.json');
    const stop = join(dir, 'stop');
    const squatter = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, script, out, stop], { stdio: 'ignore' });
    const exited = new Promise((resolve) => squatter.once('exit', resolve));
    try {
      const file = config();
      const before = tokens.length;
      for (let i = 0; i < 6; i++) {
        const result = await runCli(['check', '--json', '--no-notify', '--config', file], box.env);
        expect(result.exitCode, result.stderr).toBe(0);
        expect(parseReport(result).sources[0]).toMatchObject({ via: 'gateway' });
      }
      expect(tokens.slice(before)).toEqual(Array(6).fill(TOKEN));
    } finally {
      writeFileSync(stop, '');
      await exited;
    }
    const report = JSON.parse(readFileSync(out, 'utf8')) as { forwards: string[]; bound: string[]; refused: string[]; received: string };
    // It saw every forward (so it was looking), could take none, and received nothing. Other
    // tests' forwards may run meanwhile: these are the ones to this gateway.
    const ours = (specs: string[]) => specs.filter((spec) => spec.includes(`:127.0.0.1:${gatewayPort}`));
    report.forwards = ours(report.forwards);
    report.refused = ours(report.refused);
    expect(report.forwards).toHaveLength(6);
    for (const forward of report.forwards)
      expect(forward).toMatch(new RegExp(`^${box.env.TMPDIR}/authwatch-ssh-[^/]+/gateway\\.sock:127\\.0\\.0\\.1:${gatewayPort}$`));
    expect(report.bound).toEqual([]);
    expect(report.refused).toHaveLength(6);
    expect(report.received).toBe('');
    expect(tunnels()).toEqual([]);
    expect(socketDirs()).toEqual([]);
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    (signal === 'SIGKILL' ? itWithPdeathsig : it)(`a one-shot check ended by ${signal} mid-read takes its ssh with it`, async () => {
      stall = true;
      try {
        const child = spawn(process.execPath, [CLI, 'check', '--no-notify', '--config', config()], { env: box.env, stdio: 'ignore' });
        const exited = new Promise((resolve) => child.once('exit', (code, sig) => resolve(sig ?? code)));
        const connects = tokens.length;
        await until(() => tokens.length > connects, 'the check to reach the gateway through its tunnel');
        const [ssh] = tunnels();
        expect(ssh).toBeDefined();
        child.kill(signal);
        expect(await exited).toBe(signal);
        await until(() => !existsSync(`/proc/${ssh}`) || readFileSync(`/proc/${ssh}/stat`, 'utf8').split(' ')[2] === 'Z', `ssh ${ssh} to end`);
        // A SIGKILL leaves no time to remove the socket's directory; the next run's tunnels live in their own.
        if (signal === 'SIGTERM') expect(socketDirs()).toEqual([]);
      } finally {
        stall = false;
      }
    });
  }

  it('SIGTERM while the state lock is held (after a read through the tunnel) still ends the check at once', async () => {
    const receiver = await startHostileServer('stall');
    soon = true;
    try {
      const file = config(`notifiers:\n  - type: webhook\n    url: ${receiver.url}/hook\n    timeout: 60s\ndelivery:\n  deadline: 2m`);
      const child = spawn(process.execPath, [CLI, 'check', '--config', file], { env: box.env, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', (code, sig) => resolve(sig ?? code)));
      // The delivery has reached the receiver, which never answers: the lock is held now, the tunnel closed.
      await until(() => receiver.requests.length > 0, 'the alert to reach the stalling receiver');
      child.kill('SIGTERM');
      expect(await exited).toBe('SIGTERM');
    } finally {
      soon = false;
      await receiver.close();
    }
  });

  itWithPdeathsig('watch killed outright (SIGKILL) takes its ssh with it', async () => {
    const w = startWatch(['--config', config('schedule: "0 0 1 1 *"'), '--log-level', 'info'], { ...box.env, XDG_STATE_HOME: join(box.home, 'state-watch') });
    try {
      await w.waitFor(() => w.checks().length >= 1, 30_000, 'the first check');
      const [ssh] = tunnels();
      expect(ssh).toBeDefined();
      w.child.kill('SIGKILL');
      await w.exited;
      await until(() => !existsSync(`/proc/${ssh}`) || readFileSync(`/proc/${ssh}/stat`, 'utf8').split(' ')[2] === 'Z', `ssh ${ssh} to end`);
    } finally {
      await w.stop();
    }
  });
});
