import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyState, loadState, recallExpiry, remember, saveState, type State } from '../../src/monitor/state.js';
import type { Credential, Observation } from '../../src/monitor/types.js';
import { credential, observation } from '../helpers/records.js';

const NOW = Date.UTC(2026, 10, 25, 12);

const obs = (over: Partial<Observation>) => observation({ id: 'a', ...over });
const cred = (over: Partial<Credential>) => credential({ id: 'a', ...over });

describe('state file', () => {
  it('missing file: empty state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-state-'));
    expect(await loadState(join(dir, 'state.json'), NOW)).toEqual({ state: emptyState(), warnings: [], fromDisk: false });
  });

  it('saves atomically with mode 0600 and reads back what it wrote, leaving no temp files', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'aw-state-')), 'nested');
    const path = join(dir, 'state.json');
    const state: State = { ...emptyState(), credentials: { a: { status: 'warn', lastSeenAt: NOW, expiresAt: NOW + 1 } } };
    expect(await saveState(path, state)).toBeUndefined();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(await loadState(path, NOW)).toEqual({ state, warnings: [], fromDisk: true });
  });

  it.each([
    ['truncated JSON', '{"version":1,"credentials":{"a":{"sta'],
    ['not JSON', '\u0000\u0000garbage'],
    ['a different shape', '{"version":7}'],
  ])('%s is moved aside with a warning, and the run continues', async (_name, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-state-'));
    const path = join(dir, 'state.json');
    writeFileSync(path, text);
    const loaded = await loadState(path, NOW);
    expect(loaded.state).toEqual(emptyState());
    const files = readdirSync(dir);
    expect(files).toEqual(['state.json.corrupt-2026-11-25T12-00-00-000Z']);
    expect(readFileSync(join(dir, files[0]!), 'utf8')).toBe(text);
    expect(loaded.warnings).toEqual([
      `state file ${path} is corrupt (${text.startsWith('{"version":7') ? 'not the expected shape' : 'not JSON'}); moved it to ${join(dir, files[0]!)} and started with empty state`,
    ]);
  });
});

describe('remembered expiry', () => {
  it('fills in the expiry OpenClaw dropped from an expired profile', () => {
    const state: State = { ...emptyState(), credentials: { a: { status: 'critical', lastSeenAt: NOW - 1, expiresAt: NOW - 1000 } } };
    expect(recallExpiry([obs({ condition: 'expired' })], state, NOW)[0]!.expiresAt).toBe(NOW - 1000);
  });

  it('does not use a remembered expiry that lies in the future (the token was replaced since)', () => {
    const state: State = { ...emptyState(), credentials: { a: { status: 'ok', lastSeenAt: NOW - 1, expiresAt: NOW + 3_600_000 } } };
    expect(recallExpiry([obs({ condition: 'expired' })], state, NOW)[0]!.expiresAt).toBeNull();
  });

  it('leaves valid observations and unknown ids alone', () => {
    const state: State = { ...emptyState(), credentials: { a: { status: 'ok', lastSeenAt: NOW, expiresAt: 5 } } };
    expect(recallExpiry([obs({ expiresAt: 9 }), obs({ id: 'b', condition: 'expired' })], state, NOW).map((o) => o.expiresAt)).toEqual([9, null]);
  });

  it('remember keeps the expiry while expired, drops it once the credential has none, forgets after 30 days', () => {
    let state: State = { ...emptyState(), credentials: { old: { status: 'ok', lastSeenAt: NOW - 31 * 86_400_000 } } };
    state = remember(state, [cred({ expiresAt: NOW + 10, status: 'critical' })], NOW);
    expect(state.credentials).toEqual({ a: { status: 'critical', lastSeenAt: NOW, expiresAt: NOW + 10 } });
    state = remember(state, [cred({ expiresAt: null, status: 'expired' })], NOW + 20);
    expect(state.credentials.a).toEqual({ status: 'expired', lastSeenAt: NOW, expiresAt: NOW + 10 });
    state = remember(state, [cred({ expiresAt: null, status: 'static' })], NOW + 30);
    expect(state.credentials.a).toEqual({ status: 'static', lastSeenAt: NOW });
  });

  it('lastSeenAt moves in steps of a day, so an unchanged check leaves the state exactly as it was', () => {
    const seen = remember(emptyState(), [cred({ status: 'ok' })], NOW);
    expect(remember(seen, [cred({ status: 'ok' })], NOW + 86_400_000 - 1)).toEqual(seen);
    expect(remember(seen, [cred({ status: 'ok' })], NOW + 86_400_000).credentials.a!.lastSeenAt).toBe(NOW + 86_400_000);
    // A clock set back is not "seen in the future": the new time is taken.
    expect(remember(seen, [cred({ status: 'ok' })], NOW - 1).credentials.a!.lastSeenAt).toBe(NOW - 1);
  });
});
