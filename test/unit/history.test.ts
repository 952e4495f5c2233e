import { appendFileSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendHistory, HISTORY_KEEP_MS, type HistoryEvent, MAX_HISTORY_BYTES, readHistory } from '../../src/monitor/history.js';
import { changesOfCheck, renewalCadence } from '../../src/monitor/history-events.js';
import { emptyState } from '../../src/monitor/state.js';
import { credential } from '../helpers/records.js';

const H = 3_600_000;
const NOW = Date.UTC(2026, 11, 6, 12);

describe('history', () => {
  it('stays bounded: 100,000 events leave a file under its cap, holding the newest ones in order', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'aw-history-')), 'history.jsonl');
    const total = 100_000;
    const batch = 200;
    let largest = 0;
    for (let i = 0; i < total; i += batch) {
      const events: HistoryEvent[] = Array.from({ length: batch }, (_, k) => ({
        at: NOW + (i + k) * 1000,
        kind: 'renewed',
        id: `openclaw:main:anthropic:profile-${(i + k) % 50}`,
        from: NOW,
        to: NOW + H,
      }));
      expect(await appendHistory(path, events, NOW + (i + batch) * 1000)).toBeUndefined();
      largest = Math.max(largest, statSync(path).size);
    }
    expect(largest).toBeLessThanOrEqual(MAX_HISTORY_BYTES);
    const { events, skipped } = await readHistory(path, { since: 0 });
    expect(skipped).toBe(0);
    // The newest event is there, and the events are in order without gaps from the oldest kept on.
    expect(events.at(-1)!.at).toBe(NOW + (total - 1) * 1000);
    expect(events.every((e, i) => i === 0 || e.at === events[i - 1]!.at + 1000)).toBe(true);
    expect(events.length).toBeGreaterThan(10_000);
  });

  it('compaction drops what is older than 90 days; a line that is not an event is skipped and counted', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'aw-history-')), 'history.jsonl');
    await appendHistory(path, [{ at: NOW - HISTORY_KEEP_MS - H, kind: 'fired', id: 'old', status: 'warn' }], NOW);
    appendFileSync(path, 'not json\n{"at":"yesterday","kind":"fired","id":"x"}\n');
    await appendHistory(path, [{ at: NOW, kind: 'fired', id: 'new', status: 'critical' }], NOW);
    expect(await readHistory(path, { since: 0 })).toMatchObject({ skipped: 2, events: [{ id: 'old' }, { id: 'new' }] });
    // Filling it past the cap compacts it: the 91-day-old event goes, the bad lines too, the rest stays.
    for (let batch = 0; batch < 8; batch++) {
      const filler: HistoryEvent[] = Array.from({ length: 10_000 }, (_, i) => ({
        at: NOW + 1 + batch * 10_000 + i,
        kind: 'reminded',
        id: 'c',
        status: 'warn',
      }));
      await appendHistory(path, filler, NOW + 80_000);
    }
    const after = await readHistory(path, { since: 0 });
    expect(after.skipped).toBe(0);
    expect(after.events.some((e) => e.id === 'old')).toBe(false);
    expect(after.events.at(-1)!.at).toBe(NOW + 80_000);
  });

  it('a history too large to read is moved aside once, and a new one begun', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-history-'));
    const path = join(dir, 'history.jsonl');
    writeFileSync(path, 'x'.repeat(MAX_HISTORY_BYTES * 4 + 1));
    const warning = await appendHistory(path, [{ at: NOW, kind: 'fired', id: 'a', status: 'warn' }], NOW);
    expect(warning).toMatch(/^history .* could not be read \(.*\); moved it to .*history\.jsonl\.corrupt-2026-12-06T12-00-00-000Z and started a new one$/);
    expect(readdirSync(dir).sort()).toEqual(['history.jsonl', 'history.jsonl.corrupt-2026-12-06T12-00-00-000Z']);
    expect(await readHistory(path, { since: 0 })).toEqual({ skipped: 0, events: [{ at: NOW, kind: 'fired', id: 'a', status: 'warn' }] });
  });

  it('a check records renewals, a source failing and recovering, and a transport switch', () => {
    const before = emptyState();
    before.credentials = {
      renewed: { status: 'ok', lastSeenAt: NOW - H, expiresAt: NOW + H },
      same: { status: 'ok', lastSeenAt: NOW - H, expiresAt: NOW + H },
      broken: { status: 'ok', lastSeenAt: NOW - H },
      fixed: { status: 'error', lastSeenAt: NOW - H },
    };
    before.transports = { openclaw: 'gateway' };
    const { events, transports } = changesOfCheck(before, {
      credentials: [
        credential({ id: 'renewed', expiresAt: NOW + 9 * H }),
        credential({ id: 'same', expiresAt: NOW + H + 30_000 }),
        credential({ id: 'broken', status: 'error', expiresAt: null }),
        credential({ id: 'fixed', expiresAt: null }),
        credential({ id: 'first-seen', expiresAt: NOW + 9 * H }),
      ],
      sources: [
        { source: 'openclaw', via: 'cli', durationMs: 1 },
        { source: 'openclaw', gateway: 'lab', via: 'gateway', durationMs: 1 },
      ],
      now: NOW,
    });
    expect(events).toEqual([
      { at: NOW, kind: 'renewed', id: 'renewed', from: NOW + H, to: NOW + 9 * H },
      { at: NOW, kind: 'source failing', id: 'broken', status: 'error' },
      { at: NOW, kind: 'source recovered', id: 'fixed', status: 'ok' },
      { at: NOW, kind: 'transport switched', id: 'openclaw', via: 'cli', was: 'gateway' },
    ]);
    // A gateway seen for the first time is remembered, not reported.
    expect(transports).toEqual({ openclaw: 'cli', 'openclaw@lab': 'gateway' });
  });

  it('the renewal cadence is the median gap between renewals', () => {
    const at = [0, 8, 16, 24.5, 32, 60].map((h) => NOW + h * H);
    const cadence = renewalCadence(at.map((t) => ({ at: t, kind: 'renewed', id: 'a' })));
    expect(cadence.get('a')).toEqual({ renewals: 6, typicalMs: 8 * H });
    expect(renewalCadence([{ at: NOW, kind: 'renewed', id: 'b' }]).get('b')).toEqual({ renewals: 1, typicalMs: null });
  });
});
