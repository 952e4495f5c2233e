import { expect } from 'vitest';

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
