import { execa } from 'execa';
import { inject } from 'vitest';
import { countedEnv } from './openclaw-starts.js';

/**
 * No network here but the package registries, and OpenClaw would wait on what is not there: npm
 * offline with no retries (its plugin installs fail at once instead of after npm's 10-60 s
 * backoffs: `models set openai/gpt-5` took 5.6 s instead of 25-60 s), and every fetch of its own
 * sent to a dead local proxy (refreshes, usage, telemetry fail at once). Loopback stays direct.
 */
export const OFFLINE = {
  npm_config_offline: 'true',
  npm_config_fetch_retries: '0',
  NODE_USE_ENV_PROXY: '1',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  NO_PROXY: '127.0.0.1,localhost',
};

export type Openclaw = ReturnType<typeof openclawAt>;

/**
 * Runs the real OpenClaw CLI (installed by the global setup) in a test HOME. Every scenario is made
 * with OpenClaw's own commands, as a user would, never by writing its private store.
 */
export function realOpenclaw(home: string): Openclaw {
  return openclawAt(inject('openclawBin'), home, countedEnv());
}

/** The same, outside a test file (the global setup that builds the shared states): `counted` names its start log. */
export function openclawAt(bin: string, home: string, counted: Record<string, string>) {
  const env = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', TZ: 'UTC', NO_COLOR: '1', ...OFFLINE, ...counted };
  async function run(args: string[], input?: string, timeoutMs = 60_000) {
    const result = await execa(bin, args, { env, extendEnv: false, input, reject: false, timeout: timeoutMs });
    if (result.exitCode !== 0) {
      throw new Error(`openclaw ${args.join(' ')} exited ${result.exitCode}: ${String(result.stderr).slice(-500)}`);
    }
    return String(result.stdout);
  }
  async function sdk(args: string[]) {
    const result = await execa(`${bin}-sdk`, args, { env, extendEnv: false, reject: false, timeout: 60_000 });
    if (result.exitCode !== 0) throw new Error(`openclaw-sdk ${args.join(' ')} exited ${result.exitCode}: ${String(result.stderr).slice(-500)}`);
    return String(result.stdout).trim();
  }
  return {
    bin,
    run,
    /**
     * `openclaw models status --json --check [--agent ID]`: its exit code, the answer authwatch must
     * match. With `--json`: the plain text form refreshes a lapsed OAuth login, which offline leaves
     * a failed-refresh fence in place of the state under test.
     */
    async check(agent?: string) {
      const result = await execa(bin, ['models', 'status', '--json', '--check', ...(agent ? ['--agent', agent] : [])], {
        env,
        extendEnv: false,
        reject: false,
        timeout: 240_000,
      });
      return result.exitCode ?? -1;
    },
    useModel: (model: string) => run(['models', 'set', model]),
    pasteToken: (provider: string, token: string, expiresIn?: string, agent?: string, profileId?: string) =>
      run(
        [
          'models',
          'auth',
          'paste-token',
          '--provider',
          provider,
          ...(expiresIn ? ['--expires-in', expiresIn] : []),
          ...(agent ? ['--agent', agent] : []),
          ...(profileId ? ['--profile-id', profileId] : []),
        ],
        `${token}\n`,
      ),
    pasteApiKey: (provider: string, key: string) => run(['models', 'auth', 'paste-api-key', '--provider', provider], `${key}\n`),
    /**
     * OpenClaw's own code for what its CLI cannot make offline (helpers/openclaw-sdk.mjs): an OAuth
     * sign-in whose access token expires `expiresInMs` from now (negative: lapsed), a failed refresh.
     */
    oauth: (email: string, expiresInMs: number) => sdk(['oauth', 'anthropic', email, String(expiresInMs)]),
    failedRefresh: (profileId: string) => sdk(['fence', profileId]),
    /** A failure OpenClaw's failover records (`auth_permanent`: disabled ~10 min), or a successful use (a chat turn's bookkeeping). */
    profileFailure: (profileId: string, reason: string) => sdk(['failure', profileId, reason]),
    profileUsed: (profileId: string) => sdk(['success', profileId]),
    addAgent: (id: string, workspace: string, model: string) => run(['agents', 'add', id, '--non-interactive', '--workspace', workspace, '--model', model]),
  };
}
