/**
 * Masks anything in free text that looks like a credential before it is shown, logged, saved or
 * sent. Applied to every string that comes from outside (OpenClaw's output, a command source's
 * records, a program's stderr), which authwatch does not control. Our own messages never contain
 * secrets in the first place.
 *
 * Three layers: the key formats of the providers OpenClaw talks to (and of the services people
 * paste into configs), a few structural shapes (JWTs, URL credentials, `API_KEY=…`), and a
 * generic rule for long random-looking tokens that no format above knows.
 */

/** Literal prefixes of known key formats; a token is the prefix and at least 8 token characters. */
const KEY_PREFIXES = [
  // Model providers.
  'sk-', // Anthropic (sk-ant-), OpenAI (sk-proj-), OpenRouter (sk-or-), DeepSeek, Moonshot, …
  'gsk_', // Groq
  'AIza', // Google API keys
  'ya29.', // Google OAuth access tokens
  '1//0', // Google OAuth refresh tokens
  'hf_', // Hugging Face
  'api_org_', // Hugging Face org tokens
  'xai-', // xAI
  'pplx-', // Perplexity
  'csk-', // Cerebras
  'nvapi-', // NVIDIA
  'r8_', // Replicate
  'fw_', // Fireworks
  'tgp_v1_', // Together
  'jina_', // Jina
  'tvly-', // Tavily
  // Code hosts, chat and package registries that show up next to them.
  'ghp_',
  'gho_',
  'ghu_',
  'ghs_',
  'ghr_',
  'github_pat_',
  'glpat-',
  'xoxa-',
  'xoxb-',
  'xoxp-',
  'xoxr-',
  'xoxs-',
  'xapp-',
  'npm_',
  'pypi-',
  'sk_live_',
  'sk_test_',
  'rk_live_',
  'whsec_', // Standard Webhooks signing secrets
];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const PATTERNS: RegExp[] = [
  // A known prefix not glued to a word before it ("task-…" is no key). `sk-ant-o...1234abcd` is
  // OpenClaw's masked label: the dots and the tail go too.
  new RegExp(`(?<![A-Za-z0-9])(?:${KEY_PREFIXES.map(escapeRegExp).join('|')})(?:[A-Za-z0-9_+/=-]{8,}|[A-Za-z0-9_+/=-]{2,}\\.{3}[A-Za-z0-9_-]*)`, 'g'),
  /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, // AWS access key ids
  /(?<![A-Za-z0-9])\d{6,}:[A-Za-z0-9_-]{30,}/g, // Telegram bot tokens
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, // JWTs
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

/** `Bearer x`, `Basic x`: the scheme stays readable. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
/** `https://user:pass@host`: the host stays readable. */
const URL_CREDENTIALS = /(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g;
/** `ANTHROPIC_API_KEY=…`, `"apiKey": "…"`, `password: …`: the name stays readable. */
const ASSIGNMENT = /\b([A-Za-z0-9_]*(?:key|token|secret|password|passwd)["']?\s*[=:]\s*["']?)([^\s"',;&]{8,})/gi;
/** Long runs of token characters, judged by `looksRandom`. No `/` or `.`: paths and hosts split there. */
const LONG_RUN = /[A-Za-z0-9_+=-]{32,}/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A long run of letters and digits that is not made of words: at least one digit and one letter,
 * not a UUID (request ids are useful and no secret), and at least 3.5 bits of entropy per character
 * (hex keys have ~3.9, base62 keys ~5; slugs and words stay lower).
 */
function looksRandom(run: string): boolean {
  if (!/\d/.test(run) || !/[A-Za-z]/.test(run) || UUID.test(run)) return false;
  const counts = new Map<string, number>();
  for (const ch of run) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / run.length) * Math.log2(n / run.length);
  return bits >= 3.5;
}

/** The secrets this process itself holds and uses (gateway tokens and passwords, channel secrets). */
const held = new Set<string>();

/**
 * Remembers a secret authwatch uses, so that it is masked wherever it shows up, whatever its shape:
 * a gateway that echoes the token it was sent, in an error, must not get it printed.
 */
export function holdSecret(value: string): void {
  // Shorter than 4 characters, masking would mangle ordinary words more than it protects.
  if (value.length >= 4) held.add(value);
}

function maskHeld(text: string): string {
  let out = text;
  for (const secret of held) if (out.includes(secret)) out = out.split(secret).join('<secret>');
  return out;
}

/**
 * For identifiers from outside (agent ids, providers, profile ids): masks values that are keys by
 * their shape, but reads no meaning into `name: value`, so `github-token:personal` stays itself.
 */
export function scrubIdentifier(text: string): string {
  let out = maskHeld(text);
  for (const pattern of PATTERNS) out = out.replace(pattern, '<secret>');
  return out.replace(LONG_RUN, (run) => (looksRandom(run) ? '<secret>' : run));
}

/** For prose from outside (error text, reasons, remedies): everything scrubIdentifier does, and more. */
export function scrubSecrets(text: string): string {
  let out = scrubIdentifier(text);
  out = out.replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} <secret>`);
  out = out.replace(URL_CREDENTIALS, (_m, scheme: string) => `${scheme}<secret>@`);
  return out.replace(ASSIGNMENT, (match, name: string, value: string) => (value.startsWith('<secret>') ? match : `${name}<secret>`));
}

/** One line, scrubbed and cut to a readable length: for quoting other programs' output. */
export function quoteForeign(text: string, max = 200): string {
  const line = scrubSecrets(text).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
