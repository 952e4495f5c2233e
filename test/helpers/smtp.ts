import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throwawayCertificate } from './certificates.js';

const SCRIPT = join(import.meta.dirname, 'smtp-server.py');

/**
 * A Python that has aiosmtpd (Debian python3-aiosmtpd installs it for /usr/bin/python3; a
 * python3 earlier on PATH, such as pyenv's, may lack it), or undefined.
 */
export const aiosmtpdPython = (() => {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import aiosmtpd.smtp'], { stdio: 'ignore' });
      return python;
    } catch {}
  }
  return undefined;
})();

export interface SmtpServer {
  port: number;
  /** The test CA that signed the server's certificate, for NODE_EXTRA_CA_CERTS. */
  caPath: string;
  /** Accepted messages, raw, in order. */
  messages(): string[];
  /** Every DATA attempt: its Message-ID and the reply given. */
  attempts(): Array<{ messageId: string; reply: string; rcpt: string[]; from: string }>;
  /** Replies for the next DATA commands (after them: 250). */
  respond(...replies: string[]): void;
  close(): Promise<void>;
}

/** A real SMTP server (aiosmtpd) on 127.0.0.1 with TLS (STARTTLS required, or implicit) and AUTH as `user`/`password`. */
export async function startSmtp(tls: 'starttls' | 'implicit', user: string, password: string): Promise<SmtpServer> {
  if (!aiosmtpdPython) throw new Error('aiosmtpd not found (Debian package: python3-aiosmtpd)');
  const dir = mkdtempSync(join(tmpdir(), 'aw-smtp-'));
  const { caPath, certPath, keyPath } = throwawayCertificate(dir, 'IP:127.0.0.1');
  const child: ChildProcess = spawn(
    aiosmtpdPython,
    [SCRIPT, '--dir', dir, '--tls', tls, '--cert', certPath, '--key', keyPath, '--user', user, '--password', password],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /READY (\d+)/.exec(out);
      if (ready) resolve(Number(ready[1]));
    });
    child.once('exit', (code) => reject(new Error(`the SMTP server exited (${code}): ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    caPath,
    messages: () =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map((f) => readFileSync(join(dir, f), 'utf8')),
    attempts: () => {
      try {
        return readFileSync(join(dir, 'attempts.jsonl'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l));
      } catch {
        return [];
      }
    },
    respond: (...replies) => writeFileSync(join(dir, 'replies.json'), JSON.stringify(replies)),
    close: async () => {
      child.stdin!.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** One header of a raw message (unfolded), or undefined. */
export function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1]?.trim();
}
