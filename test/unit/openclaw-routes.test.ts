import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENT_PACKAGE, CLIENT_PROTOCOL, classify } from '../../src/openclaw/gateway/failure.js';
import { toModelsStatus } from '../../src/monitor/sources/openclaw/gateway-read.js';
import { loadRoutes, passReason, routeEntry, saveRoutes, withRouteFacts } from '../../src/monitor/sources/openclaw/routes.js';
import { modelsStatusSchema, type ModelsStatus } from '../../src/monitor/sources/openclaw/schema.js';
import { normalizeModelsStatus } from '../../src/monitor/sources/openclaw/normalize.js';
import { FIXTURES } from '../helpers/cli.js';

const main = { id: 'main', isDefault: true };
const NOW = 1_795_000_000_000;

function fixture(name: string): ModelsStatus {
  return modelsStatusSchema.parse(JSON.parse(readFileSync(join(FIXTURES, 'openclaw', name), 'utf8')));
}

/** What models.authStatus says for the same state: the profiles alone, per provider. */
type Profile = { provider: string; profileId: string; type: string; status: string; expiresAt?: number };

function gatewayReply(status: ModelsStatus, extra: Profile[] = []) {
  const profiles: Profile[] = [...status.auth.oauth.profiles, ...extra];
  const providers = [...new Set(profiles.map((p) => p.provider))];
  return toModelsStatus({
    providers: providers.map((provider) => ({
      provider,
      profiles: profiles
        .filter((p) => p.provider === provider)
        .map((p) => ({ profileId: p.profileId, type: p.type, status: p.status, ...(p.expiresAt ? { expiry: { at: p.expiresAt } } : {}) })),
    })),
  });
}

const fields = ['id', 'condition', 'inUse', 'expiresAt', 'detail'] as const;
const pick = (records: ReturnType<typeof normalizeModelsStatus>) => records.map((r) => Object.fromEntries(fields.map((f) => [f, r[f]])));

describe('route facts from a CLI pass, joined to the gateway profiles', () => {
  it('a fallback without credentials: the gateway alone misses it; with the saved facts the records equal the CLI', () => {
    const cli = fixture('status-fallback-no-credential.json');
    const gateway = gatewayReply(cli);
    expect(normalizeModelsStatus(gateway, main).map((r) => r.id)).toEqual(['openclaw:main:anthropic:manual']);
    const entry = routeEntry(cli, 'stamp', NOW);
    expect(pick(normalizeModelsStatus(withRouteFacts(gateway, entry.status, NOW), main))).toEqual(pick(normalizeModelsStatus(cli, main)));
    expect(pick(normalizeModelsStatus(cli, main)).map((r) => r.id)).toContain('openclaw:main:route:google/gemini-2.5-pro');
  });

  it('keeps only route facts, no account labels', () => {
    const entry = routeEntry(fixture('status-fallback-no-credential.json'), 'stamp', NOW);
    expect(JSON.stringify(entry)).not.toContain('"label"');
    expect(entry.profiles).toEqual(['anthropic:manual']);
  });

  it('the gateway wins where it is fresher: a provider that gained a usable profile is no longer missing', () => {
    const cli = fixture('status-fallback-no-credential.json');
    const gateway = gatewayReply(cli, [{ provider: 'google', profileId: 'google:manual', type: 'api_key', status: 'static' }]);
    const ids = normalizeModelsStatus(withRouteFacts(gateway, routeEntry(cli, 'stamp', NOW).status, NOW), main).map((r) => r.id);
    expect(ids).toEqual(['openclaw:main:anthropic:manual', 'openclaw:main:google:manual']);
  });

  it('a cooldown that has ended is dropped; one still running makes the profile unusable', () => {
    const cli = fixture('status-fallback-no-credential.json');
    const cooling = {
      ...cli,
      auth: { ...cli.auth, unusableProfiles: [{ profileId: 'anthropic:manual', provider: 'anthropic', kind: 'cooldown', until: NOW + 60_000 }] },
    };
    const facts = routeEntry(cooling, 'stamp', NOW).status;
    const gateway = gatewayReply(cli);
    const condition = (at: number) =>
      normalizeModelsStatus(withRouteFacts(gateway, facts, at), main).find((r) => r.profileId === 'anthropic:manual')?.condition;
    expect(condition(NOW)).toBe('unusable');
    expect(condition(NOW + 120_000)).toBe('valid');
  });

  it("carries the store an agent reads and OpenClaw's advice for a paused profile, which the gateway's reply lacks", () => {
    const cli = fixture('status-fallback-no-credential.json');
    const withStore = {
      ...cli,
      auth: {
        ...cli.auth,
        storePath: '/home/me/.openclaw/state/openclaw.sqlite',
        unusableProfiles: [
          {
            profileId: 'anthropic:manual',
            provider: 'anthropic',
            kind: 'cooldown',
            until: NOW + 60_000,
            recoveryHint: 'Wait for cooldown or switch provider.',
          },
        ],
      },
    };
    const joined = withRouteFacts(gatewayReply(cli), routeEntry(withStore, 'stamp', NOW).status, NOW);
    expect(joined.auth.storePath).toBe('/home/me/.openclaw/state/openclaw.sqlite');
    const record = normalizeModelsStatus(joined, main).find((r) => r.profileId === 'anthropic:manual');
    expect(record?.unusable).toEqual({ kind: 'cooldown', reason: null, until: NOW + 60_000, hint: 'Wait for cooldown or switch provider.' });
  });

  it('asks for a new pass when the facts are missing, old, announced stale, from another config file, or for other profiles', () => {
    const cli = fixture('status-fallback-no-credential.json');
    const entry = routeEntry(cli, 'stamp-1', NOW);
    const gateway = gatewayReply(cli);
    const at = { stamp: 'stamp-1', now: NOW + 60_000, everyMs: 3_600_000, invalidatedAt: 0 };
    expect(passReason(entry, gateway, at)).toBeNull();
    expect(passReason(undefined, gateway, at)).toBe('no route facts yet');
    expect(passReason(entry, gateway, { ...at, now: NOW + 3_600_000 })).toBe('route facts older than 60 min');
    expect(passReason(entry, gateway, { ...at, invalidatedAt: NOW + 1 })).toBe('the gateway announced config.changed');
    // config.changed alone: at most one pass a minute (a flooding gateway); the next check after it passes.
    expect(passReason(entry, gateway, { ...at, now: NOW + 59_999, invalidatedAt: NOW + 1 })).toBeNull();
    expect(passReason(entry, gateway, { ...at, stamp: 'stamp-2' })).toBe("OpenClaw's config file changed");
    const added = gatewayReply(cli, [{ provider: 'anthropic', profileId: 'anthropic:work', type: 'token', status: 'ok' }]);
    expect(passReason(entry, added, at)).toBe('the gateway lists other profiles');
  });

  it("asks for one when the gateway's auth order or its log of profile failures says so, held 20 s after the last pass", () => {
    const cli = fixture('status-fallback-no-credential.json');
    const orders = JSON.stringify([['anthropic', ['anthropic:manual']]]);
    const entry = routeEntry(cli, 'stamp-1', NOW, orders);
    const gateway = gatewayReply(cli);
    const at = { stamp: 'stamp-1', now: NOW + 60_000, everyMs: 7 * 86_400_000, invalidatedAt: 0, orders };
    expect(passReason(entry, gateway, at)).toBeNull();
    expect(passReason(entry, gateway, { ...at, orders: JSON.stringify([['anthropic', ['anthropic:work', 'anthropic:manual']]]) })).toBe(
      'the gateway reports another auth order',
    );
    // A file from before kept no orders: nothing to compare.
    expect(passReason(routeEntry(cli, 'stamp-1', NOW), gateway, at)).toBeNull();
    expect(passReason(entry, gateway, { ...at, failedAt: NOW + 30_000 })).toBe('the gateway logged a profile failure');
    expect(passReason(entry, gateway, { ...at, now: NOW + 19_999, failedAt: NOW + 1 })).toBeNull();
  });
});

describe('gateway failures', () => {
  it('a protocol mismatch names both versions', () => {
    const failure = classify(Object.assign(new Error('protocol mismatch'), { details: { code: 'PROTOCOL_MISMATCH', expectedProtocol: 5 } }));
    expect(failure).toEqual({
      kind: 'protocol',
      message: `protocol mismatch: the gateway speaks protocol 5, authwatch's client (@openclaw/gateway-client ${CLIENT_PACKAGE}) speaks protocol ${CLIENT_PROTOCOL}`,
    });
  });

  it('the named client version and protocol are those installed', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
    // Bundled: a devDependency, pinned to the version the messages name.
    expect(pkg.devDependencies['@openclaw/gateway-client']).toBe(CLIENT_PACKAGE);
    const { PROTOCOL_VERSION } = await import('@openclaw/gateway-protocol/version');
    expect(PROTOCOL_VERSION).toBe(CLIENT_PROTOCOL);
  });
});

describe('route facts on disk', () => {
  it('an agent named __proto__ keeps its facts like any other (foreign ids are Map keys)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'aw-routes-')), 'openclaw-routes.json');
    const entry = routeEntry(fixture('status-fallback-no-credential.json'), 'stamp-1', NOW);
    await saveRoutes(path, {
      version: 1,
      via: 'gateway',
      logCursor: 4096,
      agents: new Map([
        ['__proto__', entry],
        ['constructor', entry],
        ['main', entry],
      ]),
    });
    const loaded = await loadRoutes(path);
    expect([...loaded.agents.keys()]).toEqual(['__proto__', 'constructor', 'main']);
    expect(loaded.logCursor).toBe(4096);
    expect(loaded.agents.get('__proto__')).toEqual(entry);
    expect(
      passReason(loaded.agents.get('__proto__'), gatewayReply(fixture('status-fallback-no-credential.json')), {
        stamp: 'stamp-1',
        now: NOW + 1,
        everyMs: 3_600_000,
        invalidatedAt: 0,
      }),
    ).toBeNull();
  });
});
