import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { evaluate } from '../../src/monitor/evaluate.js';
import { globMatches, matchesCredential } from '../../src/monitor/match.js';
import { thresholdsResolver } from '../../src/monitor/thresholds.js';
import { nextWakeup } from '../../src/scheduler/wakeups.js';
import { errorLines } from '../helpers/config-errors.js';
import { credential } from '../helpers/records.js';

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.UTC(2026, 11, 6, 12);

const RULES = `thresholds:
  warn: 24h
  critical: 2h
  rules:
    - match: { provider: anthropic, type: token }
      warn: 3d
      critical: 12h
    - match: { id: "openclaw:lab:*" }
      warn: 48h
    - match: { gateway: phone, agent: work }
      lapsed: 1d
`;

describe('credential matchers', () => {
  it('globs the whole id with * and ? only, across ":" and "/"', () => {
    expect(globMatches('openclaw:lab:*', 'openclaw:lab:anthropic:manual')).toBe(true);
    expect(globMatches('openclaw:lab:*', 'openclaw:main:anthropic:manual')).toBe(false);
    expect(globMatches('*route:anthropic/claude-*', 'openclaw:main:route:anthropic/claude-opus-4-6')).toBe(true);
    expect(globMatches('openclaw:ma?n:x', 'openclaw:main:x')).toBe(true);
    // Regex characters in a glob are literal.
    expect(globMatches('a.b+(c)', 'a.b+(c)')).toBe(true);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });

  it('needs every key given to match; the gateway is compared by name', () => {
    const c = credential({ provider: 'anthropic', type: 'token', agent: 'work', gateway: { name: 'phone', ssh: null } });
    expect(matchesCredential({}, c)).toBe(true);
    expect(matchesCredential({ provider: 'anthropic', type: 'token' }, c)).toBe(true);
    expect(matchesCredential({ provider: 'anthropic', type: 'oauth' }, c)).toBe(false);
    expect(matchesCredential({ gateway: 'phone', agent: 'work' }, c)).toBe(true);
    expect(matchesCredential({ gateway: 'phone' }, credential({}))).toBe(false);
    // An alert's description carries the gateway as a plain name.
    expect(matchesCredential({ gateway: 'phone' }, { id: 'x', source: 'openclaw', agent: null, provider: null, type: null, gateway: 'phone' })).toBe(true);
  });
});

describe('threshold rules', () => {
  it('the first matching rule wins, and a key it leaves out is the top-level value', async () => {
    const config = await parseConfig(RULES, '/aw.yaml');
    const resolve = thresholdsResolver(config);
    const setupToken = credential({ id: 'openclaw:lab:anthropic:manual', provider: 'anthropic', type: 'token' });
    expect(resolve(setupToken)).toMatchObject({ rule: 0, thresholds: { warn: 3 * D, critical: 12 * H, lapsed: 7 * D } });
    const lab = credential({ id: 'openclaw:lab:openai:key', provider: 'openai', type: 'api_key' });
    expect(resolve(lab)).toMatchObject({ rule: 1, thresholds: { warn: 48 * H, critical: 2 * H } });
    const phone = credential({ id: 'openclaw:phone:work:google:me', provider: 'google', type: 'oauth', agent: 'work', gateway: { name: 'phone', ssh: 'u@h' } });
    expect(resolve(phone)).toMatchObject({ rule: 2, thresholds: { warn: D, critical: 2 * H, lapsed: D } });
    expect(resolve(credential({ provider: 'openai', type: 'api_key' }))).toMatchObject({ rule: null, thresholds: { warn: D, critical: 2 * H } });
  });

  it('judges a 3-day setup-token and a 90-day key each by its own rule', async () => {
    const resolve = thresholdsResolver(await parseConfig(RULES, '/aw.yaml'));
    const token = credential({ provider: 'anthropic', type: 'token', expiresAt: NOW + 2 * D });
    const key = credential({ provider: 'openai', type: 'api_key', expiresAt: NOW + 2 * D });
    expect(evaluate(token, resolve(token).thresholds, NOW).status).toBe('warn');
    expect(evaluate(key, resolve(key).thresholds, NOW).status).toBe('ok');
    const tokenSoon = credential({ provider: 'anthropic', type: 'token', expiresAt: NOW + 11 * H });
    expect(evaluate(tokenSoon, resolve(tokenSoon).thresholds, NOW).status).toBe('critical');
  });

  it("watch wakes at each credential's own crossings", async () => {
    const resolve = thresholdsResolver(await parseConfig(RULES, '/aw.yaml'));
    const token = credential({ id: 'a', provider: 'anthropic', type: 'token', expiresAt: NOW + 4 * D });
    const remind = { warn: 12 * H, critical: 2 * H, expired: H };
    const wake = (now: number) => nextWakeup({ credentials: [token], thresholdsFor: (c) => resolve(c).thresholds, alerts: {}, remind }, now);
    expect(wake(NOW)).toBe(NOW + D); // warn at 3d before
    expect(wake(NOW + D)).toBe(NOW + 4 * D - 12 * H); // critical at 12h before
  });

  it('a rule whose critical would not be shorter than its warn is an error naming the rule and key', async () => {
    const lines = (text: string) => errorLines(text, '/aw.yaml');
    expect(await lines('thresholds:\n  rules:\n    - match: { provider: x }\n      warn: 1h\n')).toEqual([
      '/aw.yaml:4: thresholds.rules[0].warn: must be longer than thresholds.critical (or give this rule its own critical)',
    ]);
    expect(await lines('thresholds:\n  rules:\n    - match: { provider: x }\n      warn: 3d\n      critical: 3d\n')).toEqual([
      "/aw.yaml:5: thresholds.rules[0].critical: must be shorter than this rule's warn",
    ]);
    expect(await lines('thresholds:\n  rules:\n    - match: { provider: x, colour: red }\n')).toEqual([
      '/aw.yaml:3: thresholds.rules[0].match.colour: unknown key',
    ]);
  });
});
