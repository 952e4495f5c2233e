import { expect } from 'vitest';
import { runCli } from './cli.js';

/**
 * Fails if any secret, or a recognisable piece of one, appears in any of the texts. The pieces
 * cover masked forms such as OpenClaw's `sk-ant-o...1234abcd` labels (first 8 / last 8 chars).
 */
export function expectNoSecrets(texts: Record<string, string>, secrets: string[]): void {
  for (const secret of secrets) {
    const pieces = [secret, secret.slice(-8), secret.slice(-16, -8)];
    for (const [where, text] of Object.entries(texts)) {
      for (const piece of pieces) {
        expect(text.includes(piece), `${where} contains part of a secret (${piece.length} chars)`).toBe(false);
      }
    }
  }
  for (const [where, text] of Object.entries(texts)) {
    // OpenClaw's masked labels look like "sk-ant-o...AbCd1234": never forwarded.
    expect(/sk-[a-z]+-?[a-z]*\.\.\./i.test(text), `${where} contains a masked OpenClaw label`).toBe(false);
  }
}

/**
 * Runs `check --json`, `status` and `check` at trace level (so every log line is written) and
 * returns each one's stdout and stderr by name, for a canary to search.
 */
export async function everyViewsOutput(config: string, env: Record<string, string>, exitCode: number): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  for (const args of [['check', '--json'], ['status'], ['check']]) {
    const result = await runCli([...args, '--config', config, '--log-level', 'trace'], env);
    expect(result.exitCode, result.stderr).toBe(exitCode);
    texts[`${args.join(' ')} stdout`] = result.stdout;
    texts[`${args.join(' ')} stderr`] = result.stderr;
  }
  return texts;
}
