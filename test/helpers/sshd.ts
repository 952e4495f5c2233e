import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { accepts, freePort } from '../../src/monitor/sources/ssh-tunnel.js';

/** A key pair made with ssh-keygen (no passphrase). */
export function keyPair(dir: string, name: string): { key: string; pub: string } {
  const key = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key]);
  return { key, pub: readFileSync(`${key}.pub`, 'utf8').trim() };
}

/**
 * A real OpenSSH server on 127.0.0.1 (a free port), for the current user, that accepts only
 * `authorizedKey`, with its own host key. Runs in the foreground (-D) as our child, so `stop()`
 * ends it and its sessions. The client side: `clientArgs` make ssh use our key and trust exactly
 * this host key (`-F /dev/null`: none of the machine's own ssh config).
 */
export async function startSshd(authorizedKey: string) {
  const dir = mkdtempSync(join(tmpdir(), 'authwatch-sshd-'));
  const host = keyPair(dir, 'host');
  const port = await freePort();
  writeFileSync(join(dir, 'authorized_keys'), `${authorizedKey}\n`);
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${host.key}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'UsePAM no',
    'AllowTcpForwarding yes',
    'LogLevel ERROR',
  ];
  writeFileSync(join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  // Privilege separation wants this directory when sshd runs as root.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sshd = (process.env.PATH ?? '')
    .split(delimiter)
    .concat('/usr/sbin')
    .map((d) => join(d, 'sshd'))
    .find((p) => {
      try {
        execFileSync('test', ['-x', p]);
        return true;
      } catch {
        return false;
      }
    })!;
  const child = spawn(sshd, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  for (let waited = 0; !(await accepts(port)); waited += 50) {
    if (child.exitCode !== null || waited > 10_000) {
      child.kill('SIGKILL');
      throw new Error(`sshd did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${host.pub}\n`);
  return {
    dir,
    port,
    destination: `${userInfo().username}@127.0.0.1:${port}`,
    /** ssh options for a client with `key` that trusts this server's host key (or `knownHosts`). */
    clientArgs: (key: string, knownHosts = join(dir, 'known_hosts')) => [
      '-F',
      '/dev/null',
      '-i',
      key,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'StrictHostKeyChecking=yes',
    ],
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}

/** Processes whose command line contains `text` (an ssh left behind, say). */
export function processesWith(text: string): number[] {
  const out: number[] = [];
  for (const pid of execFileSync('ls', ['/proc'], { encoding: 'utf8' }).split('\n')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(text)) out.push(Number(pid));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}
