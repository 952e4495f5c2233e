/** `user@host` or `user@host:port`: one word that ssh (and ssh-copy-id, in a remedy) can never read as an option. */
export const SSH_DESTINATION = /^[^\s-][^\s]*$/;

/** `user@host:2222` → the ssh destination and port (`-p`); a bare IPv6 address keeps its colons. */
export function splitDestination(destination: string): { host: string; port?: string } {
  const match = /^([^:]+):(\d+)$/.exec(destination);
  return match ? { host: match[1]!, port: match[2]! } : { host: destination };
}

/** `ssh [-t] [-p port] -- user@host`: the destination is never read as an option. */
export function sshLogin(destination: string, tty = false): string[] {
  const { host, port } = splitDestination(destination);
  return ['ssh', ...(tty ? ['-t'] : []), ...(port ? ['-p', port] : []), '--', host];
}
