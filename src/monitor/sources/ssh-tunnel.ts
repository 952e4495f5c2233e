import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { sleep } from '../../abort.js';
import { quoteForeign } from '../../redact.js';
import { shWord } from '../../shell.js';

/**
 * An SSH local forward to a gateway on another host, OpenClaw's "universal fallback" for remote
 * access (`ssh -N -L 18789:127.0.0.1:18789 host`): through it authwatch is a loopback client of
 * that gateway, which needs no device pairing. `BatchMode` (never a password prompt from a timer),
 * `ExitOnForwardFailure` (a forward that cannot bind is a failure, not a silent session),
 * `ConnectTimeout`, and keep-alives so that a dead link ends the process instead of hanging.
 */
export interface TunnelSpec {
  /** `user@host` or `user@host:port`. */
  destination: string;
  /** The gateway's port on that host. */
  remotePort: number;
  /** More ssh options (`-i key`, `-F config`, `-o UserKnownHostsFile=…`), placed before the destination. */
  sshArgs: string[];
  timeoutMs: number;
  env: Record<string, string | undefined>;
}

export type TunnelFailure = { kind: 'hostkey' | 'auth' | 'unreachable' | 'failed'; message: string };

export interface Tunnel {
  localPort: number;
  /** False once ssh has exited (the link died, or the remote end closed it). */
  alive(): boolean;
  close(): Promise<void>;
}

/** `user@host:2222` → the ssh destination and port (`-p`); a bare IPv6 address keeps its colons. */
export function splitDestination(destination: string): { host: string; port?: string } {
  const match = /^([^:]+):(\d+)$/.exec(destination);
  return match ? { host: match[1]!, port: match[2]! } : { host: destination };
}

/** What every ssh run of authwatch's has: never a prompt, a bounded connect, keep-alives. */
function commonOptions(timeoutMs: number): string[] {
  // Half the budget, so that a host that never answers is ssh's own timeout (with its reason), not ours.
  const connectTimeout = Math.max(1, Math.min(30, Math.ceil(timeoutMs / 2000)));
  return ['-o', 'BatchMode=yes', '-o', `ConnectTimeout=${connectTimeout}`, '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=3'];
}

/** `-p port`, the extra options, then `--` and the host: the destination is never read as an option. */
function target(destination: string, sshArgs: string[]): string[] {
  const { host, port } = splitDestination(destination);
  return [...(port ? ['-p', port] : []), ...sshArgs, '--', host];
}

export function sshArgv(spec: TunnelSpec, localPort: number): string[] {
  return [
    '-N',
    ...commonOptions(spec.timeoutMs),
    '-o',
    'ExitOnForwardFailure=yes',
    '-L',
    `127.0.0.1:${localPort}:127.0.0.1:${spec.remotePort}`,
    ...target(spec.destination, spec.sshArgs),
  ];
}

/**
 * The argv that runs `remote` (shell text, already quoted for the remote shell) on the host: no
 * tty, stdin closed by the caller, ssh's exit 255 for its own failures.
 */
export function sshRunArgv(spec: Pick<TunnelSpec, 'destination' | 'sshArgs' | 'timeoutMs'>, remote: string): string[] {
  return ['ssh', '-T', ...commonOptions(spec.timeoutMs), ...target(spec.destination, spec.sshArgs), remote];
}

/** Opens the forward and waits until it accepts connections, or says why ssh gave up. */
export async function openTunnel(spec: TunnelSpec): Promise<{ ok: true; tunnel: Tunnel } | ({ ok: false } & TunnelFailure)> {
  const localPort = await freePort();
  let stderr = '';
  let exited: number | null | undefined;
  let child: ChildProcess;
  try {
    child = spawn('ssh', sshArgv(spec, localPort), { env: spec.env as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    return { ok: false, kind: 'failed', message: `cannot start ssh: ${quoteForeign(String(error))}` };
  }
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
  const deadline = Date.now() + spec.timeoutMs;
  while (exited === undefined && Date.now() < deadline) {
    if (await accepts(localPort)) {
      return {
        ok: true,
        tunnel: {
          localPort,
          alive: () => exited === undefined,
          close: async () => {
            if (exited === undefined) child.kill('SIGTERM');
            // The grace timer ends with ssh: left running, it alone kept a one-shot check alive 2 s longer.
            const grace = new AbortController();
            await Promise.race([gone, sleep(2_000, grace.signal)]);
            grace.abort();
            if (exited === undefined) child.kill('SIGKILL');
          },
        },
      };
    }
    await sleep(50);
  }
  if (exited === undefined) {
    child.kill('SIGKILL');
    return { ok: false, kind: 'unreachable', message: `ssh ${spec.destination}: no forward within ${spec.timeoutMs} ms` };
  }
  return { ok: false, ...classifySsh(spec.destination, stderr, exited) };
}

/** What ssh's complaint means, and the first line of it (scrubbed of anything that is not text). */
export function classifySsh(destination: string, stderr: string, code: number | null): TunnelFailure {
  const said = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('@') && !/^Warning: Permanently added/.test(l));
  const line = said.find((l) => /denied|verification|refused|timed out|resolve|No route|forward|Connection/i.test(l)) ?? said[0] ?? `exited ${code}`;
  const message = `ssh ${destination}: ${quoteForeign(line, 160)}`;
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key .* (changed|not known)/i.test(stderr)) return { kind: 'hostkey', message };
  if (/Permission denied|Too many authentication failures/i.test(stderr)) return { kind: 'auth', message };
  if (/Connection refused|timed out|No route to host|Could not resolve|Network is unreachable|Connection closed/i.test(stderr))
    return { kind: 'unreachable', message };
  return { kind: 'failed', message };
}

/** A port the kernel just handed out on 127.0.0.1 (ExitOnForwardFailure catches the rare race). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` now. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `[-p port] user@host`, as ssh and ssh-copy-id take it on a command line to paste. */
function loginWords(destination: string): string {
  const { host, port } = splitDestination(destination);
  return `${port ? `-p ${port} ` : ''}${shWord(host)}`;
}

/** `ssh [-t] [-p port] user@host`, to paste. */
export function sshTo(destination: string, tty = false): string {
  return `ssh ${tty ? '-t ' : ''}${loginWords(destination)}`;
}

/** What to do when an SSH hop fails, as commands to paste (`-p` for a port); `argsKey` names where extra ssh options go. */
export function sshRemedy(kind: TunnelFailure['kind'], destination: string, argsKey: string): string {
  const { host: login, port } = splitDestination(destination);
  const ssh = sshTo(destination);
  const host = login.replace(/^[^@]*@/, '');
  switch (kind) {
    case 'hostkey':
      return [
        `The host key of ${host} is unknown or has changed. Check it with the host's owner, then record it by logging in once: ${ssh}`,
        `(for a changed key, first: ssh-keygen -R ${shWord(port ? `[${host}]:${port}` : host)})`,
      ].join('\n');
    case 'auth':
      return [
        `ssh was refused a login without a password (authwatch runs it with BatchMode=yes). Copy your public key to the host with ssh-copy-id ${loginWords(destination)}`,
        `Or name one: ${argsKey}: [-i, ~/.ssh/id_ed25519]`,
      ].join('\n');
    case 'unreachable':
      return `Check that ${host} is up and its sshd answers: ${ssh} true`;
    default:
      return `Run ${ssh} true by hand to see what fails.`;
  }
}
