// A real OpenSSH server on 127.0.0.1 for the tests (test/helpers/sshd.ts) and the bench: a free port,
// its own host key, one authorized key, run in the foreground (-D) as our child so stop() ends it
// and its sessions.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { accepts, freePort } from './openclaw-gateway.mjs';

/** sshd on PATH or in /usr/sbin (Debian's place, often not on a user's PATH), or undefined. */
export function findSshd() {
  return (process.env.PATH ?? '')
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
    });
}

/** A key pair made with ssh-keygen (no passphrase). */
export function keyPair(dir, name) {
  const key = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key]);
  return { key, pub: readFileSync(`${key}.pub`, 'utf8').trim() };
}

export async function startSshd(authorizedKey) {
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
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child = spawn(findSshd(), ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
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
    clientArgs: (key, knownHosts = join(dir, 'known_hosts')) => [
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
