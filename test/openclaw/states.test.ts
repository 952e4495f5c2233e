import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { realOpenclaw } from '../helpers/openclaw.js';
import { RECIPES, type StateName, stateMarker } from '../helpers/openclaw-recipes.js';
import { OPENCLAW_START_BUDGETS, STATES_LOG, startsIn } from '../helpers/openclaw-starts.js';
import { copyOf, shared } from '../helpers/openclaw-states.js';

// The shared OpenClaw states themselves (helpers/openclaw-recipes.ts): a copy is a state of its own,
// and building them all stays within its OpenClaw start budget.

describe('the shared OpenClaw states', { timeout: 300_000 }, () => {
  it.concurrent('a copy reads alike, its agents live in the copy, and a paste into it leaves the original as it was', async () => {
    const original = await shared('two-agents');
    const copy = await copyOf('two-agents');
    const status = (home: string) => realOpenclaw(home).run(['models', 'status', '--json', '--agent', 'work']);
    const profiles = (text: string) =>
      (JSON.parse(text) as { auth: { oauth: { profiles: Array<{ profileId: string; status: string; expiresAt?: number }> } } }).auth.oauth.profiles.map((p) => [
        p.profileId,
        p.status,
        p.expiresAt,
      ]);
    const [before, copied, agents] = await Promise.all([
      status(original.box.home),
      status(copy.box.home),
      realOpenclaw(copy.box.home).run(['agents', 'list', '--json']),
    ]);
    expect(profiles(copied)).toEqual(profiles(before));
    expect(profiles(copied).length).toBeGreaterThan(0);
    // openclaw.json's absolute paths (workspace, agentDir) were moved to the copy.
    const dirs = (JSON.parse(agents) as Array<{ id: string; workspace: string; agentDir: string }>).flatMap((a) => [a.workspace, a.agentDir]);
    expect(dirs).toHaveLength(4);
    for (const dir of dirs) expect(dir.startsWith(`${copy.box.home}/`), dir).toBe(true);

    await realOpenclaw(copy.box.home).run(['models', 'auth', 'logout', '--yes', '--agent', 'work', 'anthropic:manual']);
    expect(profiles(await status(original.box.home))).toEqual(profiles(before));
  });

  it.concurrent('building them all takes at most their budget of OpenClaw starts', async () => {
    const root = inject('openclawStatesDir');
    // Every state announced (each shared() waits for its own; this one for all).
    await Promise.all((Object.keys(RECIPES) as StateName[]).map((name) => shared(name)));
    for (const name of Object.keys(RECIPES)) expect(existsSync(stateMarker(root, name))).toBe(true);
    const starts = startsIn(join(inject('openclawLogDir'), STATES_LOG));
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.length).toBeLessThanOrEqual(OPENCLAW_START_BUDGETS[STATES_LOG.slice(0, -'.log'.length)]!);
  });
});
