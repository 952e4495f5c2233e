// Starts and stops a real `openclaw gateway run` for the tests (test/helpers/gateway.ts) and the bench.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port nobody listens on right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const accepts = (port, host = '127.0.0.1') =>
  new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * The pids listening on a TCP port, from /proc (no ss or lsof needed): the gateway re-parents
 * itself, so the process we started is not the one to stop.
 */
function listeners(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A') inodes.add(cols[9]);
    }
  }
  const pids = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) {
          pids.push(Number(pid));
          break;
        }
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

/**
 * Starts a real `openclaw gateway run` in `home`, bound to loopback on a free port with a token:
 * the minimal config is `gateway: {mode: local, bind: loopback, port, auth: {mode: token, token}}`
 * in `~/.openclaw/openclaw.json`, merged into what the scenario's own openclaw commands wrote.
 * Listens within 10-30 s here; `stop()` ends whoever listens on the port (it re-parents itself).
 *
 * `remote`: run it inside the network namespace `netns` instead, bound to `host` there (and its
 * own loopback) with TLS on (`tls`: the certificate and key to serve; by default a self-signed one
 * it makes itself): a gateway on "another host" for pairing tests. `stop()` then ends every
 * process in the namespace.
 * `extraEnv`: more environment for the gateway (a proxy for its provider calls, a CA to trust).
 * @param {{netns: string, host: string, tls?: {certPath: string, keyPath: string}} | undefined} remote
 * @param {Record<string, string>} [extraEnv]
 * @returns {Promise<{port: number, token: string, url: string, stop(): Promise<void>}>}
 */
export async function startGateway(bin, home, token, port, remote, extraEnv = {}) {
  port ??= await freePort();
  const configPath = join(home, '.openclaw', 'openclaw.json');
  mkdirSync(join(home, '.openclaw'), { recursive: true });
  let config = {};
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch {
    // A fresh HOME.
  }
  config.gateway = { mode: 'local', bind: 'loopback', port, auth: { mode: 'token', token } };
  if (remote) {
    const tls = remote.tls ? { enabled: true, autoGenerate: false, ...remote.tls } : { enabled: true, autoGenerate: true };
    Object.assign(config.gateway, { bind: 'custom', customBindHost: remote.host, tls });
  }
  // Written only when it changes: a rewrite moves the file's mtime, which marks the route facts stale
  // and costs the next check a CLI pass (a gateway restarted on the same port changes nothing).
  const text = JSON.stringify(config, null, 2);
  let before;
  try {
    before = readFileSync(configPath, 'utf8');
  } catch {
    before = undefined;
  }
  if (text !== before) writeFileSync(configPath, text);
  // npm offline with no retries, as for the CLI in tests (test/helpers/openclaw.ts): a plugin install
  // fails at once instead of after npm's backoffs.
  const env = {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: 'UTC',
    NO_COLOR: '1',
    npm_config_offline: 'true',
    npm_config_fetch_retries: '0',
    ...extraEnv,
  };
  // The tests count every OpenClaw start (test/helpers/openclaw-starts.ts).
  if (process.env.AUTHWATCH_OPENCLAW_LOG) env.AUTHWATCH_OPENCLAW_LOG = process.env.AUTHWATCH_OPENCLAW_LOG;
  const argv = remote ? ['ip', 'netns', 'exec', remote.netns, bin, 'gateway', 'run'] : [bin, 'gateway', 'run'];
  const child = spawn(argv[0], argv.slice(1), { env, stdio: 'ignore', detached: true });
  const signal = (pid, sig) => {
    // The process and its group (the wrapper's children, the gateway's own).
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, sig);
      } catch {
        // Already gone, or not a group leader.
      }
    }
  };
  const inNamespace = () => {
    try {
      return execFileSync('ip', ['netns', 'pids', remote.netns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const stop = async () => {
    if (remote) {
      for (const pid of [...inNamespace(), child.pid ?? 0]) if (pid) signal(pid, 'SIGTERM');
      for (let i = 0; i < 50 && inNamespace().length > 0; i++) await sleep(100);
      for (const pid of inNamespace()) signal(pid, 'SIGKILL');
      return;
    }
    for (const pid of [...listeners(port), child.pid ?? 0]) if (pid) signal(pid, 'SIGTERM');
    for (let i = 0; i < 50 && listeners(port).length > 0; i++) await sleep(100);
    for (const pid of listeners(port)) signal(pid, 'SIGKILL');
  };
  // It listens within ~10-30 s here.
  for (let waited = 0; !(await accepts(port, remote?.host)); waited += 250) {
    if (waited > 120_000) {
      await stop();
      throw new Error(`openclaw gateway did not listen on ${port} within 120 s`);
    }
    await sleep(250);
  }
  return { port, token, url: remote ? `wss://${remote.host}:${port}` : `ws://127.0.0.1:${port}`, stop };
}
