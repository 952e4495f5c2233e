import { splitDestination } from './destination.js';

// The ssh command lines authwatch runs: BatchMode, a bounded connect, keep-alives, and the destination never read as an option.

/** Where ssh goes and how long it may take to connect. */
export interface SshSpec {
  /** `user@host` or `user@host:port`. */
  destination: string;
  /** More ssh options (`-i key`, `-F config`, `-o UserKnownHostsFile=…`), placed before the destination. */
  sshArgs: string[];
  timeoutMs: number;
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

/**
 * `ssh -N -L <socket>:127.0.0.1:<remotePort> host`: the forward's local end is a unix socket in a
 * directory only this user can enter, never a TCP port. A TCP port would be known (from /proc)
 * before ssh binds it, after login, and another local user who bound it first would receive the
 * client's `connect` frame with the gateway token.
 */
export function sshArgv(spec: SshSpec & { remotePort: number }, socketPath: string): string[] {
  return [
    '-N',
    ...commonOptions(spec.timeoutMs),
    '-o',
    'ExitOnForwardFailure=yes',
    '-L',
    `${socketPath}:127.0.0.1:${spec.remotePort}`,
    ...target(spec.destination, spec.sshArgs),
  ];
}

/**
 * The argv that runs `remote` (shell text, already quoted for the remote shell) on the host: no
 * tty, stdin closed by the caller, ssh's exit 255 for its own failures.
 */
export function sshRunArgv(spec: SshSpec, remote: string): string[] {
  return ['ssh', '-T', ...commonOptions(spec.timeoutMs), ...target(spec.destination, spec.sshArgs), remote];
}
