import { describe, expect, it } from 'vitest';
import { quoteForeign, scrubSecrets } from '../../src/redact.js';

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
  ])('%s', (input, output) => {
    expect(scrubSecrets(input)).toBe(output);
  });

  it('quoteForeign keeps one short line', () => {
    expect(quoteForeign('a\n  b\tc')).toBe('a b c');
    expect(quoteForeign('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
