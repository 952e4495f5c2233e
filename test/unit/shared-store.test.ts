import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { planAlerts } from '../../src/monitor/notify.js';
import { foldSharedStores } from '../../src/monitor/sources/openclaw/shared-store.js';
import { emptyState, type State } from '../../src/monitor/state.js';
import { credential, observation } from '../helpers/records.js';

const SHARED = '/home/me/.openclaw/state/openclaw.sqlite';
const WORKS_OWN = '/home/me/.openclaw/agents/work/agent/openclaw-agent.sqlite';
const agents = [
  { id: 'main', isDefault: true },
  { id: 'work', isDefault: false },
];
const profile = (agent: string, over = {}) =>
  observation({ id: `openclaw:${agent}:anthropic:manual`, agent, agentIsDefault: agent === 'main', inUse: true, ...over });

describe('one credential, one record (agents that read the same store)', () => {
  it("a token work inherits from the shared store is main's record, naming work; work's configuration records stay its own", () => {
    const missing = observation({ id: 'openclaw:work:provider:google', agent: 'work', provider: 'google', profileId: null, condition: 'missing' });
    const folded = foldSharedStores(
      [profile('main'), profile('work', { inUse: false }), missing],
      agents,
      new Map([
        ['main', SHARED],
        ['work', SHARED],
      ]),
    );
    expect(folded.map((o) => [o.id, o.sharedWith, o.replaces, o.inUse])).toEqual([
      ['openclaw:main:anthropic:manual', ['work'], ['openclaw:work:anthropic:manual'], true],
      ['openclaw:work:provider:google', undefined, undefined, undefined],
    ]);
  });

  it('an agent with its own store keeps its own record, even for a profile id main also has', () => {
    const both = [profile('main'), profile('work')];
    expect(
      foldSharedStores(
        both,
        agents,
        new Map([
          ['main', SHARED],
          ['work', WORKS_OWN],
        ]),
      ),
    ).toEqual(both);
    // Nothing says which store they read (a gateway read without route facts): nothing is folded.
    expect(foldSharedStores(both, agents, new Map())).toEqual(both);
  });

  it("through the gateway: what work reads from the shared store though it has a store of its own is main's record; work's own stays", () => {
    const oauth = (agent: string) =>
      observation({ id: `openclaw:${agent}:anthropic:ana@example.com`, agent, profileId: 'anthropic:ana@example.com', inUse: true });
    const records = [profile('main'), oauth('main'), profile('work'), oauth('work')];
    // As the RPC marks them (gateway-mix in test/openclaw/gateway.test.ts): main's all `inherited`, work's token `saved`.
    const inherited = new Set(['openclaw:main:anthropic:manual', 'openclaw:main:anthropic:ana@example.com', 'openclaw:work:anthropic:ana@example.com']);
    const stores = new Map([
      ['main', SHARED],
      ['work', WORKS_OWN],
    ]);
    expect(foldSharedStores(records, agents, stores, inherited).map((o) => [o.id, o.sharedWith, o.replaces])).toEqual([
      ['openclaw:main:anthropic:manual', undefined, undefined],
      ['openclaw:main:anthropic:ana@example.com', ['work'], ['openclaw:work:anthropic:ana@example.com']],
      ['openclaw:work:anthropic:manual', undefined, undefined],
    ]);
    // Listed by work alone (main not read): nothing to fold into.
    expect(foldSharedStores([oauth('work')], agents, stores, inherited)).toEqual([oauth('work')]);
  });

  it("the default agent's own store: the shared one's readers fold into the first of them", () => {
    const three = [...agents, { id: 'third', isDefault: false }];
    const folded = foldSharedStores(
      [profile('main'), profile('work'), profile('third')],
      three,
      new Map([
        ['main', '/home/me/.openclaw/agents/main/agent/openclaw-agent.sqlite'],
        ['work', SHARED],
        ['third', SHARED],
      ]),
    );
    expect(folded.map((o) => [o.id, o.sharedWith])).toEqual([
      ['openclaw:main:anthropic:manual', undefined],
      ['openclaw:work:anthropic:manual', ['third']],
    ]);
  });
});

describe("upgrading: the absorbed record's alert stream carries on under the new id", () => {
  const config = defaultConfig();
  const log = createLogger('silent', () => {});
  const NOW = Date.UTC(2026, 11, 6, 12);
  const H = 3_600_000;
  const covered = new Set(['openclaw:*', 'openclaw:main', 'openclaw:work']);

  it('two streams firing before (main and work) become one, with no resolved and no new firing', () => {
    // Before: one record per agent, each with its own open alert.
    const before = planAlerts(
      emptyState(),
      {
        credentials: [
          credential({ status: 'critical', remainingMs: H }),
          credential({ id: 'openclaw:work:anthropic:manual', agent: 'work', agentIsDefault: false, status: 'critical', remainingMs: H }),
        ],
        covered,
      },
      { config, now: NOW, log },
    );
    expect(before.alerts.map((a) => [a.event, a.credential.id])).toEqual([
      ['firing', 'openclaw:main:anthropic:manual'],
      ['firing', 'openclaw:work:anthropic:manual'],
    ]);
    const state: State = { ...emptyState(), alerts: before.memory };

    // After: one record standing for both.
    const shared = credential({ status: 'critical', remainingMs: H, sharedWith: ['work'], replaces: ['openclaw:work:anthropic:manual'] });
    const after = planAlerts(state, { credentials: [shared], covered }, { config, now: NOW + 60_000, log });
    expect(after.alerts).toEqual([]);
    expect(Object.keys(after.memory)).toEqual(['openclaw:main:anthropic:manual']);

    // Only work had an open alert: it carries on under main's id, same stream, still no event.
    const onlyWork = { ...state, alerts: { 'openclaw:work:anthropic:manual': before.memory['openclaw:work:anthropic:manual']! } };
    const moved = planAlerts(onlyWork, { credentials: [shared], covered }, { config, now: NOW + 60_000, log });
    expect(moved.alerts).toEqual([]);
    expect(moved.memory['openclaw:main:anthropic:manual']).toMatchObject({
      streamId: before.memory['openclaw:work:anthropic:manual']!.streamId,
      scope: 'openclaw:main',
      credential: { id: 'openclaw:main:anthropic:manual', agent: 'main' },
    });
  });
});
