import { describe, expect, it } from 'vitest';
import { quoteForeign, scrubIdentifier, scrubSecrets } from '../../src/redact.js';
import { printable, printableLines } from '../../src/text.js';

describe('scrubSecrets', () => {
  it.each([
    ['token sk-ant-oat01-abcdefghijklmnop rejected', 'token <secret> rejected'],
    ['label anthropic:manual=token:sk-ant-o...AbCd1234', 'label anthropic:manual=token:<secret>'],
    ['key sk-proj-XYZ123456789', 'key <secret>'],
    ['Authorization: Bearer abcdefghijklmnop', 'Authorization: Bearer <secret>'],
    ['https://user:hunter2@example.com/hook', 'https://<secret>@example.com/hook'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature_x', 'jwt <secret>'],
    ['secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'secret <secret>'],
    ['nothing secret here: expires in 2h', 'nothing secret here: expires in 2h'],
    ['google AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY rejected', 'google <secret> rejected'],
    ['groq gsk_abcdEFGH1234ijklMNOP5678qrst', 'groq <secret>'],
    ['hf hf_AbCdEfGhIjKlMnOpQrStUvWxYz12', 'hf <secret>'],
    ['xai xai-AbCdEfGhIjKlMnOpQrStUvWxYz1234567890', 'xai <secret>'],
    ['aws AKIAIOSFODNN7EXAMPLE.', 'aws <secret>.'],
    ['bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', 'bot <secret>'],
    ['ANTHROPIC_API_KEY=abcdefgh12 then', 'ANTHROPIC_API_KEY=<secret> then'],
    ['{"apiKey": "hunter2hunter2"}', '{"apiKey": "<secret>"}'],
    ['an unknown format Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVc', 'an unknown format <secret>'],
    ['hex 9f86d081884c7d659a2f8ea0d8b0a6e8c1f2d3e4a5b6c7d8e9f0a1b2c3d4e5f6', 'hex <secret>'],
  ])('%s', (input, output) => {
    expect(scrubSecrets(input)).toBe(output);
  });

  it.each([
    'path /home/user/.openclaw/agents/main/agent/auth-profiles.json',
    'model anthropic/claude-sonnet-4-5-20250929 and openai-codex:default',
    'request 123e4567-e89b-12d3-a456-426614174000 failed',
    'reasonCode: missing_credential (refresh_token_reused); token expired',
    'a-very-long-slug-made-of-words-and-nothing-else-at-all',
    'task-something and disk-space',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(scrubSecrets(text)).toBe(text);
  });

  it('identifiers lose keys by their shape only: "name: value" inside them is not read as an assignment', () => {
    expect(scrubIdentifier('github-token:personal')).toBe('github-token:personal');
    expect(scrubIdentifier('openai:sk-proj-abcdefghijklmnop')).toBe('openai:<secret>');
  });

  it('quoteForeign keeps one short line', () => {
    expect(quoteForeign('a\n  b\tc')).toBe('a b c');
    expect(quoteForeign('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('printable', () => {
  it('escapes control and bidi characters so they show instead of acting', () => {
    expect(printable('a\u001b[8mb\u001b]0;t\u0007\r\n\t\u009b\u202e')).toBe('a\\x1b[8mb\\x1b]0;t\\x07\\x0d\\x0a\\x09\\x9b\\u202e');
    expect(printableLines('step 1\nstep\u001b 2')).toBe('step 1\nstep\\x1b 2');
    expect(printable('plain ünïcode ✓')).toBe('plain ünïcode ✓');
  });
});
