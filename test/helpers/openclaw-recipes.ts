import { cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeToken } from './cli.js';
import type { Openclaw } from './openclaw.js';

/**
 * The OpenClaw states the openclaw project tests against, each made once per run with OpenClaw's
 * own commands (test/setup/openclaw-states.ts), a child from a copy of its parent. A test that only
 * reads a state shares it (helpers/openclaw-states.ts `shared`); one that changes it takes a copy
 * (`copyOf`). States hold no clock-sensitive credential shorter than 1h, except those marked
 * `lapses`, whose seconds-long tokens have expired before the state is handed to a test.
 */
export const MODEL = 'anthropic/claude-sonnet-4-5';
export const FALLBACK = 'google/gemini-2.5-pro';
const HOUR = 3_600_000;

export interface Recipe {
  /** The state this one starts from (a copy of it). */
  from?: string;
  /** `secret(prefix)` makes a token and remembers it, for the tests' leak checks. */
  make(oc: Openclaw, home: string, secret: (prefix?: string) => string): Promise<unknown>;
  /** It holds a token pasted with a second to live, expired before the state is announced. */
  lapses?: boolean;
}

export const RECIPES = {
  /** Nothing at all: `openclaw` has never run here. */
  fresh: { make: async () => {} },
  anthropic: { make: (oc) => oc.useModel(MODEL) },
  // Early in the list: the gateway files copy these, then spend a while starting their gateways.
  'anthropic-3h': { from: 'anthropic', make: (oc, _, secret) => oc.pasteToken('anthropic', secret(), '3h') },
  'anthropic-1h': { from: 'anthropic', make: (oc, _, secret) => oc.pasteToken('anthropic', secret(), '1h') },
  /**
   * Every kind of record at once, for the gateway: 3h, 1h, expired, an API key, a fallback whose
   * provider has no credential (a route record, which only the CLI reports), and a second agent with 30d.
   */
  'gateway-mix': {
    from: 'anthropic-3h',
    lapses: true,
    make: async (oc, home, secret) => {
      await oc.pasteToken('anthropic', secret(), '1h', undefined, 'anthropic:short');
      await oc.pasteToken('anthropic', secret(), '1s', undefined, 'anthropic:old');
      await oc.pasteApiKey('openai', secret('sk-proj-'));
      await oc.run(['models', 'fallbacks', 'add', FALLBACK]);
      // Two OAuth sign-ins: one whose access token the gateway renews on use, one whose refresh failed.
      await oc.oauth('ana@example.com', 3 * HOUR);
      await oc.oauth('bo@example.com', 3 * HOUR);
      await oc.failedRefresh('anthropic:bo@example.com');
      await oc.addAgent('work', join(home, 'w'), MODEL);
      await oc.pasteToken('anthropic', secret(), '30d', 'work');
    },
  },
  /** An OAuth sign-in (OpenClaw's own code: helpers/openclaw-sdk.mjs) whose access token has 3h left. */
  'anthropic-oauth': { from: 'anthropic', make: (oc) => oc.oauth('ana@example.com', 3 * HOUR) },
  /** Its access token lapsed an hour ago: an idle gateway's routine, renewed on the next use. */
  'anthropic-oauth-lapsed': { from: 'anthropic', make: (oc) => oc.oauth('ana@example.com', -HOUR) },
  /** Lapsed 8 days ago: nothing has used or renewed it for longer than `thresholds.lapsed` (7d). */
  'anthropic-oauth-stale': { from: 'anthropic', make: (oc) => oc.oauth('ana@example.com', -8 * 24 * HOUR) },
  /** Its refresh failed: OpenClaw replaced the sign-in with an inert fence. */
  'anthropic-oauth-fence': { from: 'anthropic-oauth', make: (oc) => oc.failedRefresh('anthropic:ana@example.com') },
  'anthropic-30d': { from: 'anthropic', make: (oc, _, secret) => oc.pasteToken('anthropic', secret(), '30d') },
  'anthropic-expired': { from: 'anthropic', lapses: true, make: (oc, _, secret) => oc.pasteToken('anthropic', secret(), '1s') },
  /** The default model on OpenAI with an API key: OpenClaw's Codex runtime for it cannot be installed offline. */
  'openai-key': {
    make: async (oc, _, secret) => {
      await oc.run(['models', 'set', 'openai/gpt-5'], undefined, 240_000);
      await oc.run(['models', 'auth', 'paste-api-key', '--provider', 'openai'], `${secret('sk-proj-')}\n`, 240_000);
    },
  },
  /** 30d, and an OpenAI API key no configured model uses. */
  'anthropic-30d-openai-key': { from: 'anthropic-30d', make: (oc, _, secret) => oc.pasteApiKey('openai', secret('sk-proj-')) },
  'fallback-missing': { from: 'anthropic-30d', make: (oc) => oc.run(['models', 'fallbacks', 'add', FALLBACK]) },
  /** anthropic:manual (30d) first in the auth order; anthropic:old expired and left out of it. */
  'auth-order': {
    from: 'anthropic-30d',
    lapses: true,
    make: async (oc, _, secret) => {
      await oc.pasteToken('anthropic', secret(), '1s', undefined, 'anthropic:old');
      await oc.run(['models', 'auth', 'order', 'set', '--provider', 'anthropic', 'anthropic:manual']);
    },
  },
  'auth-order-fallback': { from: 'auth-order', make: (oc) => oc.run(['models', 'fallbacks', 'add', FALLBACK]) },
  'unused-expired': { from: 'anthropic-30d', lapses: true, make: (oc, _, secret) => oc.pasteToken('openrouter', secret('sk-or-v1-'), '1s') },
  /** main with 30d, and a second agent, work, added after it: work reads main's token from the shared store. */
  'shared-two-agents': { from: 'anthropic-30d', make: (oc, home) => oc.addAgent('work', join(home, 'w'), MODEL) },
  /** main with 30d; work with a token of its own (1h), in its own store. */
  'two-agents': { from: 'shared-two-agents', make: (oc, _, secret) => oc.pasteToken('anthropic', secret(), '1h', 'work') },
} satisfies Record<string, Recipe>;

export type StateName = keyof typeof RECIPES;

export interface BuiltState {
  home: string;
  /** Every token the recipe and its parents pasted. */
  secrets: string[];
}

/**
 * A copy of an OpenClaw HOME at `to`. A home is not relocatable as it is: `openclaw.json` holds
 * absolute paths (each agent's workspace and agentDir), which would still point into the original;
 * those are moved to the copy. The paths in OpenClaw's SQLite store are caches and audit records
 * (checked: a copy reads the same records, and a paste into it leaves the original untouched).
 */
export function copyHome(from: string, to: string): string {
  cpSync(from, to, { recursive: true });
  const config = join(to, '.openclaw', 'openclaw.json');
  let text: string;
  try {
    text = readFileSync(config, 'utf8');
  } catch {
    return to;
  }
  const quoted = (path: string) => JSON.stringify(path).slice(1, -1);
  writeFileSync(
    config,
    text
      .split(`${quoted(from)}/`)
      .join(`${quoted(to)}/`)
      .split(`"${quoted(from)}"`)
      .join(`"${quoted(to)}"`),
  );
  return to;
}

/** Where a built state is announced: `{home, secrets}` or `{error}`, written once it is done. */
export const stateMarker = (root: string, name: string) => join(root, `${name}.json`);
/** Where a test asks for a state (test/setup/openclaw-states.ts builds it first). */
export const stateRequest = (root: string, name: string) => join(root, `${name}.wanted`);

/**
 * Builds recipes `concurrency` at a time, each child from a copy of its parent, and announces each
 * one as it is done (stateMarker), so that a test starts as soon as its own state is there. `want`
 * builds a state (and its parents) ahead of those only built in advance by `all`.
 */
export function stateBuilder(root: string, openclaw: (home: string) => Openclaw, concurrency = 2) {
  const recipes = RECIPES as Record<string, Recipe>;
  const built: Record<string, Promise<BuiltState>> = {};
  const wanted = new Set<string>();
  let running = 0;
  const waiting: Array<{ name: string; start: () => void }> = [];
  const slot = (name: string) =>
    new Promise<void>((start) => {
      if (running < concurrency) {
        running++;
        start();
      } else waiting.push({ name, start });
    });
  const release = () => {
    const next = waiting.findIndex((w) => wanted.has(w.name));
    const [task] = waiting.splice(next === -1 ? 0 : next, 1);
    if (task) task.start();
    else running--;
  };
  const announce = (name: string, value: BuiltState | { error: string }) => {
    writeFileSync(`${stateMarker(root, name)}.tmp`, JSON.stringify(value));
    renameSync(`${stateMarker(root, name)}.tmp`, stateMarker(root, name));
  };
  const build = (name: string): Promise<BuiltState> => {
    built[name] ??= (async () => {
      const recipe = recipes[name];
      if (!recipe) throw new Error(`no OpenClaw state recipe named ${name}`);
      const parent = recipe.from ? await build(recipe.from) : undefined;
      await slot(name);
      let state: BuiltState;
      try {
        const home = join(root, name);
        if (parent) copyHome(parent.home, home);
        else mkdirSync(home);
        const secrets = [...(parent?.secrets ?? [])];
        const secret = (prefix?: string) => {
          const token = fakeToken(prefix);
          secrets.push(token);
          return token;
        };
        await recipe.make(openclaw(home), home, secret);
        state = { home, secrets };
      } finally {
        release();
      }
      // A token pasted with a second to live is expired once that second has passed.
      if (recipe.lapses) await new Promise((resolve) => setTimeout(resolve, 1_000));
      announce(name, state);
      return state;
    })().catch((error: unknown) => {
      announce(name, { error: `building the OpenClaw state ${name}: ${error instanceof Error ? error.message : String(error)}` });
      throw error;
    });
    return built[name];
  };
  return {
    want(name: string): Promise<BuiltState> {
      if (!recipes[name]) {
        announce(name, { error: `no OpenClaw state recipe named ${name}` });
        return Promise.reject(new Error(`no OpenClaw state recipe named ${name}`));
      }
      for (let n: string | undefined = name; n; n = recipes[n]?.from) wanted.add(n);
      return build(name);
    },
    async all(): Promise<void> {
      await Promise.allSettled(Object.keys(recipes).map(build));
    },
    /** Resolves once every build begun so far has ended. */
    async settled(): Promise<void> {
      await Promise.allSettled(Object.values(built));
    },
  };
}
