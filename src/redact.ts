/**
 * Masks anything in free text that looks like a credential before it is shown or logged.
 * Used on text that comes from other programs (OpenClaw's error messages, a command's stderr),
 * which authwatch does not control. Our own messages never contain secrets in the first place.
 */
const TOKEN_LIKE = [
  /\bsk-[A-Za-z0-9_-]{2,}(?:\.{3}[A-Za-z0-9_-]*)?/g, // Anthropic / OpenAI keys, also OpenClaw's masked "sk-ant-o...1234abcd"
  /\b(?:gh[pousr]|xox[abpr]|glpat)[-_][A-Za-z0-9_-]{8,}/g, // GitHub, Slack, GitLab tokens
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, // JWTs
  /\bwhsec_[A-Za-z0-9+/=]+/g, // webhook secrets
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, // credentials inside URLs
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const pattern of TOKEN_LIKE) {
    out = out.replace(pattern, (match, prefix?: string) => {
      if (typeof prefix === 'string' && prefix.endsWith('://')) return `${prefix}<secret>@`;
      if (typeof prefix === 'string' && /^(Bearer|Basic)$/i.test(prefix)) return `${prefix} <secret>`;
      return '<secret>';
    });
  }
  return out;
}

/** One line, scrubbed and cut to a readable length: for quoting other programs' output. */
export function quoteForeign(text: string, max = 200): string {
  const line = scrubSecrets(text).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
