import { existsSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { inject } from 'vitest';
import { type Sandbox, sandbox } from './cli.js';
import { type BuiltState, copyHome, type StateName, stateMarker, stateRequest } from './openclaw-recipes.js';

export interface StateBox {
  box: Sandbox;
  /** Every token pasted into the state, for leak checks. */
  secrets: string[];
}

/** A built state: asked for, and once the global set-up announces it (test/setup/openclaw-states.ts). */
async function built(name: StateName): Promise<BuiltState> {
  const root = inject('openclawStatesDir');
  const marker = stateMarker(root, name);
  if (!existsSync(marker)) {
    writeFileSync(stateRequest(root, name), '');
    await new Promise<void>((resolve) => {
      const announced = () => {
        if (!existsSync(marker)) return;
        watcher.close();
        resolve();
      };
      const watcher = watch(root, announced);
      // It may have appeared before the watch began.
      announced();
    });
  }
  const state = JSON.parse(readFileSync(marker, 'utf8')) as BuiltState | { error: string };
  if ('error' in state) throw new Error(state.error);
  return state;
}

/**
 * A state built by the global set-up (helpers/openclaw-recipes.ts), shared with other tests: read
 * it, never change it (OpenClaw's commands that write, a gateway). authwatch's own config and state
 * are the test's. `extraPath` as for sandbox().
 */
export async function shared(name: StateName, extraPath: string[] = []): Promise<StateBox> {
  const state = await built(name);
  return { box: sandbox(extraPath, { home: state.home }), secrets: [...state.secrets] };
}

/** A copy of a built state in a HOME of the test's own, to change as it likes. */
export async function copyOf(name: StateName, extraPath: string[] = []): Promise<StateBox> {
  const state = await built(name);
  const box = sandbox(extraPath);
  copyHome(state.home, box.home);
  return { box, secrets: [...state.secrets] };
}
