import { describe, expect, it } from 'vitest';
import { exitCodeFor, toJson, worstStatus } from '../../src/monitor/report.js';
import type { Credential, Status } from '../../src/monitor/types.js';
import { credential } from '../helpers/records.js';

function cred(status: Status, over: Partial<Credential> = {}): Credential {
  return credential({ id: `id-${status}`, profileId: 'p', status, ...over });
}

describe('exit codes', () => {
  it.each<[Status[], number]>([
    [[], 0],
    [['ok', 'static'], 0],
    [['ok', 'warn'], 2],
    [['critical'], 2],
    [['warn', 'expired'], 1],
    [['missing'], 1],
    [['unusable', 'ok'], 1],
    [['error'], 3],
    [['error', 'critical'], 3],
    [['error', 'expired'], 1],
  ])('%j → %d', (statuses, code) => {
    expect(exitCodeFor(statuses.map((s) => cred(s)))).toBe(code);
  });

  it('worst status orders known failures above a failed source above warnings', () => {
    expect(worstStatus([cred('ok'), cred('critical'), cred('error')])).toBe('error');
    expect(worstStatus([cred('error'), cred('expired'), cred('missing')])).toBe('expired');
    expect(worstStatus([])).toBe('ok');
  });
});

describe('toJson', () => {
  it('is the documented version 1 document', () => {
    const doc = toJson({
      checkedAt: Date.UTC(2026, 10, 25, 12),
      credentials: [cred('warn', { expiresAt: Date.UTC(2026, 10, 26), remainingMs: 43_200_000, remedyText: 'do x' })],
      errors: [],
      notifications: [],
      notificationTotals: {},
      durationMs: 1,
      alerts: {},
      warnings: ['state not saved'],
      sources: [
        { source: 'openclaw', via: 'gateway', url: 'ws://127.0.0.1:18789', agents: 2, durationMs: 140.4, fallbackReason: null, routesAgeMs: 720_000.2 },
        { source: 'codex', via: 'file', durationMs: 0.6 },
      ],
    });
    expect(doc).toEqual({
      version: 1,
      checkedAt: '2026-11-25T12:00:00.000Z',
      status: 'warn',
      exitCode: 2,
      credentials: [
        {
          id: 'id-warn',
          source: 'openclaw',
          agent: 'main',
          provider: 'anthropic',
          profileId: 'p',
          type: 'token',
          status: 'warn',
          inUse: true,
          expiresAt: '2026-11-26T00:00:00.000Z',
          remainingMs: 43_200_000,
          detail: null,
          remedy: 'do x',
        },
      ],
      errors: [],
      notifications: [],
      warnings: ['state not saved'],
      sources: [
        { source: 'openclaw', via: 'gateway', url: 'ws://127.0.0.1:18789', agents: 2, durationMs: 140, fallbackReason: null, routesAgeMs: 720_000 },
        { source: 'codex', via: 'file', agents: null, durationMs: 1, fallbackReason: null },
      ],
    });
  });
});
