import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
// @ts-expect-error: a plain .mjs script shared with the bench, without type declarations
import { keyPair as makeKeyPair, startSshd as start } from '../../scripts/sshd.mjs';

export interface RunningSshd {
  dir: string;
  port: number;
  /** `user@127.0.0.1:port`. */
  destination: string;
  /** ssh options for a client with `key` that trusts this server's host key (or `knownHosts`). */
  clientArgs(key: string, knownHosts?: string): string[];
  stderr(): string;
  stop(): Promise<void>;
}

/** A key pair made with ssh-keygen (no passphrase). */
export const keyPair = makeKeyPair as (dir: string, name: string) => { key: string; pub: string };

/**
 * A real OpenSSH server on 127.0.0.1 (a free port), for the current user, that accepts only
 * `authorizedKey`, with its own host key (see scripts/sshd.mjs). The client side: `clientArgs`
 * make ssh use our key and trust exactly this host key (`-F /dev/null`: none of the machine's own
 * ssh config).
 */
export const startSshd = start as (authorizedKey: string) => Promise<RunningSshd>;

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
