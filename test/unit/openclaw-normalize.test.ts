import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelsStatusSchema } from '../../src/monitor/sources/openclaw/schema.js';
import { normalizeModelsStatus } from '../../src/monitor/sources/openclaw/normalize.js';
import { toModelsStatus } from '../../src/monitor/sources/openclaw/gateway-read.js';
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
  it("a fresh install: the default model's provider has no credential, and its Codex runtime cannot start → two records", () => {
    const out = normalizeModelsStatus(fixture('status-missing-default.json'), main);
    expect(pick(out, ['id', 'provider', 'profileId', 'type', 'condition'])).toEqual([
      { id: 'openclaw:main:provider:openai', provider: 'openai', profileId: null, type: null, condition: 'missing' },
      { id: 'openclaw:main:runtime:openai:codex', provider: 'openai', profileId: null, type: null, condition: 'unusable' },
    ]);
    expect(out[1]).toMatchObject({
      detail: 'the codex runtime for openai models is unavailable: No enabled plugin owns agent harness "codex".',
      route: { kind: 'runtime', runtime: 'codex', plugins: [] },
    });
  });

  it('an API key, but the Codex runtime for its models cannot start → one runtime record (the indeterminate route folded in)', () => {
    const out = normalizeModelsStatus(fixture('status-runtime-unavailable.json'), main);
    expect(pick(out, ['id', 'condition', 'inUse'])).toEqual([
      { id: 'openclaw:main:openai:manual', condition: 'valid', inUse: true },
      { id: 'openclaw:main:runtime:openai:codex', condition: 'unusable', inUse: undefined },
    ]);
  });

  it('a fallback model whose provider has no credential → a missing route record naming the fallback', () => {
    const out = normalizeModelsStatus(fixture('status-fallback-no-credential.json'), main);
    expect(pick(out, ['id', 'provider', 'condition', 'route'])).toEqual([
      { id: 'openclaw:main:anthropic:manual', provider: 'anthropic', condition: 'valid', route: undefined },
      {
        id: 'openclaw:main:route:google/gemini-2.5-pro',
        provider: 'google',
        condition: 'missing',
        route: { kind: 'indeterminate', model: 'google/gemini-2.5-pro', role: 'fallback' },
      },
    ]);
    expect(out[1]!.detail).toBe(
      'fallback model google/gemini-2.5-pro: no credential for google (OpenClaw: Auth readiness could not be confirmed for google/gemini-2.5-pro.)',
    );
  });

  it('an expired profile the auth order leaves out is not in use; the effective one is', () => {
    const out = normalizeModelsStatus(fixture('status-stale-profile.json'), main);
    expect(pick(out, ['id', 'condition', 'inUse'])).toEqual([
      { id: 'openclaw:main:anthropic:manual', condition: 'valid', inUse: true },
      { id: 'openclaw:main:anthropic:old', condition: 'expired', inUse: false },
    ]);
  });

  it('a profile of a provider no configured model uses is not in use', () => {
    const out = normalizeModelsStatus(fixture('status-expired-and-api-key.json'), main);
    expect(pick(out, ['id', 'inUse'])).toEqual([
      { id: 'openclaw:main:anthropic:manual', inUse: true },
      { id: 'openclaw:main:openai:manual', inUse: false },
    ]);
  });

  it('without the models OpenClaw uses (older releases), or with one it cannot place, every profile counts as in use', () => {
    const status = fixture('status-stale-profile.json');
    const older = { ...status, defaultModel: undefined, resolvedDefault: undefined };
    expect(normalizeModelsStatus(older, main).map((o) => o.inUse)).toEqual([true, true]);
    const unplaced = { ...status, fallbacks: ['some-alias-we-do-not-know'] };
    expect(normalizeModelsStatus(unplaced, main).map((o) => o.inUse)).toEqual([true, true]);
    const aliased = { ...status, fallbacks: ['gem'], aliases: { gem: 'google/gemini-2.5-pro' } };
    expect(normalizeModelsStatus(aliased, main).map((o) => o.inUse)).toEqual([true, false]);
  });

  it('an incompatible model is unusable; route ids are stable and one per model', () => {
    const status = fixture('status-stale-profile.json');
    const issue = {
      kind: 'incompatible',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      message: 'The Codex runtime does not support provider anthropic.',
    };
    const withIssue = { ...status, auth: { ...status.auth, modelRouteIssues: [issue, issue, { kind: 'missing-auth', provider: 'anthropic', model: 'x' }] } };
    const routes = normalizeModelsStatus(withIssue, main).filter((o) => o.route);
    expect(pick(routes, ['id', 'condition', 'route'])).toEqual([
      {
        id: 'openclaw:main:route:anthropic/claude-sonnet-4-5',
        condition: 'unusable',
        route: { kind: 'incompatible', model: 'anthropic/claude-sonnet-4-5', role: 'default' },
      },
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

  // Made with OpenClaw's own code (writeOAuthCredentials, then its failed-refresh fence), as in test/helpers/openclaw-sdk.ts.
  it('OAuth, 3h left ("expiring" to OpenClaw, --check 2): valid and renewed on use', () => {
    const out = normalizeModelsStatus(fixture('status-oauth-3h.json'), main);
    expect(pick(out, ['id', 'type', 'condition', 'refreshable', 'openclawStatus'])).toEqual([
      { id: 'openclaw:main:anthropic:ana@example.com', type: 'oauth', condition: 'valid', refreshable: true, openclawStatus: 'expiring' },
    ]);
  });

  it('OAuth whose access token lapsed an hour ago ("expired", --check 1): valid, renewed on use; the unconfirmed routes fold into it', () => {
    const out = normalizeModelsStatus(fixture('status-oauth-lapsed.json'), main);
    expect(pick(out, ['id', 'condition', 'refreshable', 'openclawStatus', 'expiresAt'])).toEqual([
      { id: 'openclaw:main:anthropic:ana@example.com', condition: 'valid', refreshable: true, openclawStatus: 'expired', expiresAt: 1796563150691 },
    ]);
  });

  it('OAuth after a failed refresh (the fence: "expired", reason expired, no expiry): expired, the one record for its provider', () => {
    const out = normalizeModelsStatus(fixture('status-oauth-fence.json'), main);
    expect(pick(out, ['id', 'condition', 'refreshable', 'expiresAt', 'detail'])).toEqual([
      {
        id: 'openclaw:main:anthropic:ana@example.com',
        condition: 'expired',
        refreshable: false,
        expiresAt: null,
        detail: 'its last refresh failed (OpenClaw fenced the login): sign in again',
      },
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

describe('the gateway RPC and the CLI normalize to the same records', () => {
  it('models.authStatus and models status --json, recorded on the same state (a token expiring in 3h)', () => {
    const rpc = JSON.parse(readFileSync(join(FIXTURES, 'openclaw', 'rpc-auth-status-token-expiring.json'), 'utf8'));
    const viaGateway = normalizeModelsStatus(toModelsStatus(rpc), main);
    const viaCli = normalizeModelsStatus(fixture('status-token-expiring-gateway.json'), main);
    const fields: Array<keyof (typeof viaCli)[number]> = [
      'id',
      'source',
      'agent',
      'provider',
      'profileId',
      'type',
      'condition',
      'expiresAt',
      'detail',
      'refreshable',
    ];
    expect(pick(viaGateway, fields)).toEqual(pick(viaCli, fields));
    expect(viaGateway).toHaveLength(1);
  });

  it('judges each profile, not the provider roll-up, and keeps expired profiles without an expiry', () => {
    const reply = {
      providers: [
        {
          provider: 'anthropic',
          status: 'ok',
          profiles: [
            { profileId: 'anthropic:manual', type: 'token', status: 'ok', expiry: { at: 2_000_000_000_000 } },
            { profileId: 'anthropic:old', type: 'token', status: 'expired', reasonCode: 'expired' },
          ],
        },
      ],
    };
    expect(pick(normalizeModelsStatus(toModelsStatus(reply), main), ['id', 'condition', 'expiresAt'])).toEqual([
      { id: 'openclaw:main:anthropic:manual', condition: 'valid', expiresAt: 2_000_000_000_000 },
      { id: 'openclaw:main:anthropic:old', condition: 'expired', expiresAt: null },
    ]);
  });
});
