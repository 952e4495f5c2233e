import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { sleep } from '../../abort.js';
import { quoteForeign } from '../../redact.js';
import { failed, ok, type Result } from '../../result.js';
import type { Env } from '../../env.js';
import { type SshSpec, sshArgv } from './argv.js';
import { classifySsh, type TunnelFailure } from './failure.js';

/**
 * An SSH local forward to a gateway on another host, OpenClaw's "universal fallback" for remote
 * access (`ssh -N -L 18789:127.0.0.1:18789 host`): through it authwatch is a loopback client of
 * that gateway, which needs no device pairing. `BatchMode` (never a password prompt from a timer),
 * `ExitOnForwardFailure` (a forward that cannot bind is a failure, not a silent session),
 * `ConnectTimeout`, and keep-alives so that a dead link ends the process instead of hanging.
 */
export interface TunnelSpec extends SshSpec {
  /** The gateway's port on that host. */
  remotePort: number;
  env: Env;
}

export interface Tunnel {
  localPort: number;
  /** False once ssh has exited (the link died, or the remote end closed it). */
  alive(): boolean;
  close(): Promise<void>;
}

/**
 * Opens the forward and waits until it accepts connections, or says why ssh gave up. The gateway
 * client speaks WebSocket to a TCP address, so this process bridges a loopback port it holds from
 * the start (no window for anyone to take it) to ssh's socket. ssh ends with authwatch: on exit
 * and on a signal (`endTunnelsWith`), and where util-linux's setpriv exists, by the kernel when
 * authwatch is killed outright (the parent-death signal).
 */
export async function openTunnel(spec: TunnelSpec): Promise<Result<Tunnel, TunnelFailure>> {
  const dir = mkdtempSync(join(tmpdir(), 'authwatch-ssh-'));
  const socketPath = join(dir, 'gateway.sock');
  let stderr = '';
  let exited: number | null | undefined;
  let child: ChildProcess;
  try {
    const argv = sshArgv(spec, socketPath);
    const [program, args] = setprivPath(spec.env) ? ['setpriv', ['--pdeathsig', 'TERM', '--', 'ssh', ...argv]] : ['ssh', argv];
    child = spawn(program as string, args as string[], { env: spec.env as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return failed({ kind: 'failed', message: `cannot start ssh: ${quoteForeign(String(error))}` });
  }
  const live = { child, dir };
  endTunnelsWith(live);
  const gone = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exited = code;
      resolve();
    });
    child.once('error', (error) => {
      stderr += String(error);
      exited = -1;
      resolve();
    });
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 8192) stderr += chunk;
  });
  const end = async () => {
    if (exited === undefined) child.kill('SIGTERM');
    // The grace timer ends with ssh: left running, it alone kept a one-shot check alive 2 s longer.
    const grace = new AbortController();
    await Promise.race([gone, sleep(2_000, grace.signal)]);
    grace.abort();
    if (exited === undefined) child.kill('SIGKILL');
    forget(live);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + spec.timeoutMs;
  while (exited === undefined && Date.now() < deadline) {
    if (await accepts({ path: socketPath })) {
      const bridge = await bridgeTo(socketPath);
      return ok({
        localPort: bridge.port,
        alive: () => exited === undefined,
        close: async () => {
          bridge.close();
          await end();
        },
      });
    }
    await sleep(50);
  }
  if (exited === undefined) {
    await end();
    return failed({ kind: 'unreachable', message: `ssh ${spec.destination}: no forward within ${spec.timeoutMs} ms` });
  }
  await end();
  return failed(classifySsh(spec.destination, stderr, exited));
}

/**
 * A loopback port of this process's that pipes each connection to ssh's socket. Someone else who
 * connects to it reaches the remote gateway as through any `ssh -L`, and still needs its token,
 * which only travels inside this process's own connection.
 */
async function bridgeTo(socketPath: string): Promise<{ port: number; close(): void }> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ path: socketPath });
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.once('close', () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => {
      server.close();
      for (const socket of open) socket.destroy();
    },
  };
}

/** The ssh processes and socket directories of the tunnels open now, ended with this process. */
const liveTunnels = new Set<{ child: ChildProcess; dir: string }>();
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
/** The signal listeners installed while tunnels are open (see endTunnelsWith). */
const installed = new Map<(typeof SIGNALS)[number], () => void>();

function endAll(): void {
  for (const { child, dir } of liveTunnels) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  liveTunnels.clear();
}

function uninstall(): void {
  for (const [signal, listener] of installed) process.off(signal, listener);
  installed.clear();
}

/**
 * Ends every tunnel's ssh when this process ends: at exit (synchronously: nothing async runs
 * then), and on SIGTERM, SIGINT or SIGHUP while a tunnel is open. A signal someone else already
 * handles is left to them (`watch` closes its tunnels itself); otherwise the listener ends the
 * tunnels, steps aside, and raises the signal again when no listener is left, so that the exit
 * status still says which signal ended the process. A listener added later (proper-lockfile's
 * signal-exit, for the state lock) runs after this one and, with this one gone, ends the process.
 */
function endTunnelsWith(live: { child: ChildProcess; dir: string }): void {
  if (liveTunnels.size === 0) process.once('exit', endAll);
  liveTunnels.add(live);
  for (const signal of SIGNALS) {
    if (installed.has(signal) || process.listenerCount(signal) > 0) continue;
    const listener = () => {
      endAll();
      uninstall();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    installed.set(signal, listener);
    process.on(signal, listener);
  }
}

/** A tunnel closed: the last one takes the signal listeners with it. */
function forget(live: { child: ChildProcess; dir: string }): void {
  liveTunnels.delete(live);
  if (liveTunnels.size === 0) {
    uninstall();
    process.off('exit', endAll);
  }
}

let setpriv: boolean | undefined;
/** Whether util-linux's setpriv is on PATH (Linux), to give ssh a parent-death signal. */
function setprivPath(env: Record<string, string | undefined>): boolean {
  if (setpriv === undefined) {
    setpriv = (env.PATH ?? '').split(delimiter).some((d) => {
      try {
        accessSync(join(d, 'setpriv'), constants.X_OK);
        return d !== '';
      } catch {
        return false;
      }
    });
  }
  return setpriv;
}

/** Whether something accepts connections at `where` now (a TCP port on 127.0.0.1, or a unix socket). */
export function accepts(where: { port: number } | { path: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect('path' in where ? { path: where.path } : { host: '127.0.0.1', port: where.port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
