import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelsStatusSchema } from '../../src/monitor/sources/openclaw-schema.js';
import { normalizeModelsStatus } from '../../src/monitor/sources/openclaw.js';
import { FIXTURES } from '../helpers/cli.js';

// The fixtures are real `openclaw models status --json` output (openclaw@2026.9.6), made with the
// scenarios in shared/openclaw.md. Their masked labels must never reach any observation.
function fixture(name: string) {
  return modelsStatusSchema.parse(JSON.parse(readFileSync(join(FIXTURES, 'openclaw', name), 'utf8')));
}

const main = { id: 'main', isDefault: true };

function pick<T extends object>(items: T[], keys: Array<keyof T>) {
  return items.map((item) => Object.fromEntries(keys.map((k) => [k, item[k]])));
}

describe('normalizeModelsStatus (real OpenClaw output)', () => {
  it("a fresh install: the default model's provider has no credential → one missing record (runtime route folded in)", () => {
    const out = normalizeModelsStatus(fixture('status-missing-default.json'), main);
    expect(pick(out, ['id', 'provider', 'profileId', 'type', 'condition'])).toEqual([
      { id: 'openclaw:main:provider:openai', provider: 'openai', profileId: null, type: null, condition: 'missing' },
    ]);
  });

  it('a pasted token expiring in 3h → a valid token with its expiry', () => {
    const out = normalizeModelsStatus(fixture('status-token-expiring.json'), main);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      id: 'openclaw:main:anthropic:manual',
      source: 'openclaw',
      agent: 'main',
      agentIsDefault: true,
      provider: 'anthropic',
      profileId: 'anthropic:manual',
      type: 'token',
      condition: 'valid',
      expiresAt: 1795620565979,
    });
  });

  it('an expired token (no expiresAt) and an API key; the expired provider is not reported twice', () => {
    const out = normalizeModelsStatus(fixture('status-expired-and-api-key.json'), main);
    expect(pick(out, ['id', 'type', 'condition', 'expiresAt'])).toEqual([
      { id: 'openclaw:main:anthropic:manual', type: 'token', condition: 'expired', expiresAt: null },
      { id: 'openclaw:main:openai:manual', type: 'api_key', condition: 'valid', expiresAt: null },
    ]);
  });

  it('a second agent keeps its own ids and is marked non-default', () => {
    const out = normalizeModelsStatus(fixture('status-agent-work.json'), { id: 'work', isDefault: false });
    expect(out[0]).toMatchObject({ id: 'openclaw:work:anthropic:manual', agent: 'work', agentIsDefault: false, condition: 'valid' });
  });

  it("never carries OpenClaw's masked labels", () => {
    for (const name of ['status-token-expiring.json', 'status-expired-and-api-key.json', 'status-agent-work.json']) {
      const text = JSON.stringify(normalizeModelsStatus(fixture(name), main));
      expect(text).not.toMatch(/sk-(ant|proj)/);
    }
  });
});

describe("normalizeModelsStatus (shapes from OpenClaw's source and newer releases)", () => {
  const status = (auth: Record<string, unknown>) => modelsStatusSchema.parse({ auth: { oauth: { profiles: [] }, ...auth } });
  const profile = (over: Record<string, unknown>) => ({ profileId: 'anthropic:default', provider: 'anthropic', type: 'oauth', status: 'ok', ...over });

  it('a profile in cooldown is unusable, with the reason and until', () => {
    const out = normalizeModelsStatus(
      status({
        oauth: { profiles: [profile({ expiresAt: 1_800_000_000_000 })] },
        unusableProfiles: [
          { profileId: 'anthropic:default', provider: 'anthropic', kind: 'cooldown', reason: 'rate_limit', until: 1_795_000_000_000, remainingMs: 5 },
        ],
      }),
      main,
    );
    expect(out).toEqual([
      expect.objectContaining({
        id: 'openclaw:main:anthropic:default',
        condition: 'unusable',
        detail: 'cooldown: rate_limit',
        unusable: { kind: 'cooldown', reason: 'rate_limit', until: 1_795_000_000_000 },
        expiresAt: 1_800_000_000_000,
      }),
    ]);
  });

  it('a disabled profile missing from the profile list still gets a record', () => {
    const out = normalizeModelsStatus(status({ unusableProfiles: [{ profileId: 'openai:work', kind: 'disabled', reason: 'billing', until: 1 }] }), main);
    expect(out).toEqual([expect.objectContaining({ id: 'openclaw:main:openai:work', provider: 'openai', condition: 'unusable', detail: 'disabled: billing' })]);
  });

  it.each([
    ['missing_credential', 'missing'],
    ['malformed_api_key', 'unusable'],
    ['unresolved_ref', 'unusable'],
    ['invalid_expires', 'unusable'],
    ['setup_inactive', 'unusable'],
    [undefined, 'missing'],
  ])('status "missing" with reasonCode %s → %s', (reasonCode, condition) => {
    const out = normalizeModelsStatus(status({ oauth: { profiles: [profile({ status: 'missing', reasonCode })] } }), main);
    expect(out[0]!.condition).toBe(condition);
  });

  it('a runtime route whose auth is missing is a missing provider, once', () => {
    const out = normalizeModelsStatus(
      status({
        missingProvidersInUse: ['google'],
        runtimeAuthRoutes: [
          { provider: 'google', runtime: 'x', status: 'missing', authStatus: 'missing' },
          { provider: 'mistral', runtime: 'y', status: 'missing', authStatus: 'missing' },
          { provider: 'openai', runtime: 'z', status: 'usable', authStatus: 'ok' },
        ],
      }),
      main,
    );
    expect(out.map((o) => o.id)).toEqual(['openclaw:main:provider:google', 'openclaw:main:provider:mistral']);
  });

  it('a provider listed as missing although its only profile looks fine is still reported', () => {
    // E.g. the auth order excludes the stored profile: the gateway has nothing to use.
    const out = normalizeModelsStatus(status({ oauth: { profiles: [profile({})] }, missingProvidersInUse: ['anthropic'] }), main);
    expect(out.map((o) => [o.id, o.condition])).toEqual([
      ['openclaw:main:anthropic:default', 'valid'],
      ['openclaw:main:provider:anthropic', 'missing'],
    ]);
  });

  it('an unknown status from a future release is an error, not a silent ok', () => {
    const out = normalizeModelsStatus(status({ oauth: { profiles: [profile({ status: 'quarantined' })] } }), main);
    expect(out[0]).toMatchObject({ condition: 'error', detail: 'openclaw reported an unknown status "quarantined"' });
  });

  it('tolerates unknown fields everywhere, and older output without the newer arrays', () => {
    const parsed = modelsStatusSchema.safeParse({
      newTopLevel: { a: 1 },
      auth: { futureThing: [1], oauth: { warnAfterMs: 1, profiles: [{ ...profile({}), newField: true }] } },
    });
    expect(parsed.success).toBe(true);
  });

  it('is strict about the fields it uses', () => {
    expect(modelsStatusSchema.safeParse({ auth: { oauth: { profiles: [profile({ type: 'password' })] } } }).success).toBe(false);
    expect(modelsStatusSchema.safeParse({ auth: { oauth: { profiles: [profile({ expiresAt: 'soon' })] } } }).success).toBe(false);
    expect(modelsStatusSchema.safeParse({ auth: {} }).success).toBe(false);
  });
});
