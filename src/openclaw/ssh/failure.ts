import { onThisHost, type Remedy } from '../../monitor/remedy-lines.js';
import { quoteForeign } from '../../redact.js';
import { splitDestination, sshLogin } from './destination.js';

/** How an ssh run failed: the host key, the login, the network, or otherwise. */
export type TunnelFailure = { kind: 'hostkey' | 'auth' | 'unreachable' | 'failed'; message: string };

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

/** What to do when an SSH hop fails, as commands to paste here (`-p` for a port); `argsKey` names where extra ssh options go. */
export function sshRemedy(kind: TunnelFailure['kind'], destination: string, argsKey: string): Remedy {
  const { host: login, port } = splitDestination(destination);
  const ssh = sshLogin(destination);
  const host = login.replace(/^[^@]*@/, '');
  switch (kind) {
    case 'hostkey':
      return [
        [`The host key of ${host} is unknown or has changed. Check it with the host's owner, then record it by logging in once: `, onThisHost(...ssh)],
        ['(for a changed key, first: ', onThisHost('ssh-keygen', '-R', port ? `[${host}]:${port}` : host), ')'],
      ];
    case 'auth':
      return [
        [
          'ssh was refused a login without a password (authwatch runs it with BatchMode=yes). Copy your public key to the host with ',
          onThisHost('ssh-copy-id', ...(port ? ['-p', port] : []), '--', login),
        ],
        [`Or name one: ${argsKey}: [-i, ~/.ssh/id_ed25519]`],
      ];
    case 'unreachable':
      return [[`Check that ${host} is up and its sshd answers: `, onThisHost(...ssh, 'true')]];
    default:
      return [['Run ', onThisHost(...ssh, 'true'), ' by hand to see what fails.']];
  }
}
