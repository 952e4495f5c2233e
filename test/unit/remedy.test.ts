import { describe, expect, it } from 'vitest';
import { remedyFor, remedyStepsFor } from '../../src/monitor/remedy.js';
import { emailBody } from '../../src/notifiers/email.js';
import { prose } from '../../src/monitor/remedy-lines.js';
import type { Credential } from '../../src/monitor/types.js';
import { credential as record } from '../helpers/records.js';

type Judged = Omit<Credential, 'remedyText'>;
const env = { HOME: '/home/ana' };

function credential(over: Partial<Judged>): Judged {
  return { ...record({ expiresAt: 1, status: 'critical', remainingMs: 1 }), ...over };
}

describe('remedyFor', () => {
  it('nothing to do when ok or static', () => {
    expect(remedyFor(credential({ status: 'ok' }), env)).toBeNull();
    expect(remedyFor(credential({ status: 'static', type: 'api_key' }), env)).toBeNull();
  });

  it('an Anthropic token: claude setup-token, then setup-token or paste-token, then verify', () => {
    expect(remedyFor(credential({}), env)).toBe(
      [
        'On the gateway host run: claude setup-token',
        'Then: openclaw models auth setup-token --provider anthropic --agent main',
        'Token made on another machine: openclaw models auth paste-token --provider anthropic --agent main --expires-in 365d',
        'Verify: openclaw models status --agent main',
      ].join('\n'),
    );
  });

  it('as steps, each command apart (e-mail sets each on a line of its own, over ssh too)', () => {
    const steps = remedyStepsFor(credential({ gateway: { name: 'lab', ssh: 'ana@lab' } }), env)!;
    expect(steps[1]).toEqual({ say: 'Then:', run: ["ssh -t -- ana@lab 'openclaw models auth setup-token --provider anthropic --agent main'"] });
    const body = emailBody({
      id: 'evt_1',
      streamId: 's',
      event: 'firing',
      status: 'critical',
      severity: 'critical',
      credential: { id: 'x', source: 'openclaw', agent: 'main', provider: 'anthropic', profileId: 'anthropic:manual', type: 'token' },
      expiresAt: null,
      remainingMs: null,
      detail: null,
      remedy: null,
      remedySteps: steps,
      host: 'vm',
      checkedAt: 0,
    });
    expect(body).toBe(
      [
        'To fix it:',
        'On the gateway host run:',
        "    ssh -t -- ana@lab 'claude setup-token'",
        'Then:',
        "    ssh -t -- ana@lab 'openclaw models auth setup-token --provider anthropic --agent main'",
        'Token made on another machine:',
        "    ssh -t -- ana@lab 'openclaw models auth paste-token --provider anthropic --agent main --expires-in 365d'",
        'Verify:',
        "    ssh -t -- ana@lab 'openclaw models status --agent main'",
        '',
        'Host: vm',
      ].join('\n'),
    );
  });

  it('a profile OpenClaw does not use: remove it (or put it in the auth order), then verify', () => {
    expect(remedyFor(credential({ status: 'expired', inUse: false, profileId: 'anthropic:old', agent: 'work', agentIsDefault: false }), env)).toBe(
      [
        'OpenClaw does not use this profile (no configured model uses anthropic, or the auth order leaves it out).',
        'Remove it: openclaw models auth logout --yes --agent work anthropic:old',
        'Or, if it should be used: openclaw models auth order set --provider anthropic --agent work anthropic:old',
        'Verify: openclaw models status --agent work',
      ].join('\n'),
    );
  });

  it('a fallback model without a credential: add one, or drop the fallback', () => {
    const route = { kind: 'indeterminate' as const, model: 'google/gemini-2.5-pro', role: 'fallback' as const };
    expect(remedyFor(credential({ status: 'missing', provider: 'google', profileId: null, type: null, route }), env)).toBe(
      [
        'Add a credential for google: openclaw models auth login --provider google --agent main',
        'Or put its API key in ~/.openclaw/.env (GEMINI_API_KEY=...) and restart the gateway: openclaw gateway restart',
        'Or drop the fallback: openclaw models fallbacks remove google/gemini-2.5-pro',
        'Verify: openclaw models status --agent main',
      ].join('\n'),
    );
  });

  it("an unavailable Codex runtime: the plugin commands from OpenClaw's docs", () => {
    const route = { kind: 'runtime' as const, model: null, role: null, runtime: 'codex', plugins: [] };
    expect(remedyFor(credential({ status: 'unusable', provider: 'openai', profileId: null, type: null, route }), env)).toBe(
      [
        'Install the Codex plugin on the gateway host: openclaw plugins install @openclaw/codex',
        'Enable it: openclaw plugins enable codex, then restart the gateway: openclaw gateway restart',
        'Or use a model that needs no codex runtime: openclaw models set <provider/model>',
        'Verify: openclaw models status --agent main',
      ].join('\n'),
    );
  });

  it('an incompatible default model: choose another', () => {
    const route = { kind: 'incompatible' as const, model: 'anthropic/claude-x', role: 'default' as const };
    expect(remedyFor(credential({ status: 'unusable', route }), env)).toBe(
      [
        'OpenClaw cannot serve anthropic/claude-x on its configured route: pick another model.',
        'Or choose another model: openclaw models set <provider/model>',
        'Verify: openclaw models status --agent main',
      ].join('\n'),
    );
  });

  it('adds --agent for a non-default agent, on every command', () => {
    const text = remedyFor(credential({ agent: 'work', agentIsDefault: false, status: 'expired' }), env)!;
    const commands = text.split('\n').filter((l) => l.includes('openclaw '));
    expect(commands).toHaveLength(3);
    for (const line of commands) expect(line).toMatch(/ --agent work(?: --expires-in 365d)?$/);
  });

  it('quotes an agent id that the shell would split', () => {
    expect(remedyFor(credential({ agent: "ana's bot", agentIsDefault: false }), env)).toContain(`--agent 'ana'\\''s bot'`);
    expect(remedyFor(credential({ agent: '-x', agentIsDefault: false }), env)).toContain('--agent=-x');
  });

  it('OAuth: log in again', () => {
    expect(remedyFor(credential({ provider: 'openai', type: 'oauth', status: 'expired' }), env)).toBe(
      'Sign in again: openclaw models auth login --provider openai --agent main\nVerify: openclaw models status --agent main',
    );
  });

  it('a profile of the retired openai-codex provider: doctor --fix moves it under openai, and no command names openai-codex', () => {
    const text = remedyFor(credential({ provider: 'openai-codex', profileId: 'openai-codex:me', type: 'oauth', status: 'expired' }), env)!;
    expect(text).toBe(
      [
        'OpenClaw now keeps openai-codex sign-ins under openai; move this profile there first: openclaw doctor --fix',
        'Sign in again: openclaw models auth login --provider openai --agent main',
        'Verify: openclaw models status --agent main',
      ].join('\n'),
    );
  });

  it('a saved sign-in that is not active (setup_inactive): activate it', () => {
    const inactive = credential({ status: 'unusable', unusable: { kind: 'setup_inactive', reason: null, until: null }, profileId: 'anthropic:work' });
    expect(remedyFor(inactive, env)).toBe(
      'Activate the saved sign-in: openclaw models auth activate --agent main anthropic:work\nVerify: openclaw models status --agent main',
    );
  });

  it("a cooldown with OpenClaw's recoveryHint: its advice, then another profile meanwhile", () => {
    const paused = credential({
      status: 'unusable',
      unusable: { kind: 'cooldown', reason: 'rate_limit', until: null, hint: 'Wait for cooldown or switch provider.' },
    });
    expect(remedyFor(paused, env)!.split('\n').slice(0, 2)).toEqual([
      'OpenClaw paused this profile after failures (rate_limit); it retries by itself.',
      "OpenClaw's advice: Wait for cooldown or switch provider.",
    ]);
  });

  it('a token of another provider: paste-token with the lifetime to fill in, so the new one is timed', () => {
    expect(remedyFor(credential({ provider: 'openrouter', profileId: 'openrouter:manual', type: 'token', status: 'expired' }), env)).toContain(
      'Paste a new token: openclaw models auth paste-token --provider openrouter --agent main --expires-in <lifetime, e.g. 90d>',
    );
  });

  it('a missing provider: log in, or an API key in the state dir .env and a gateway restart', () => {
    const text = remedyFor(credential({ provider: 'openai', profileId: null, type: null, status: 'missing' }), env)!;
    expect(text).toContain('openclaw models auth login --provider openai');
    expect(text).toContain('Or put its API key in ~/.openclaw/.env (OPENAI_API_KEY=...) and restart the gateway: openclaw gateway restart');
  });

  it('honours OPENCLAW_STATE_DIR for the .env path', () => {
    const text = remedyFor(credential({ provider: 'openai', type: 'api_key', status: 'unusable' }), { HOME: '/home/ana', OPENCLAW_STATE_DIR: '/srv/oc' })!;
    expect(text).toContain('/srv/oc/.env');
  });

  it('a missing Anthropic credential also offers the API key route', () => {
    const text = remedyFor(credential({ profileId: null, type: null, status: 'missing' }), env)!;
    expect(text).toContain('claude setup-token');
    expect(text).toContain('ANTHROPIC_API_KEY=... in ~/.openclaw/.env');
  });

  it('a cooldown says it clears by itself and how to switch profile', () => {
    const text = remedyFor(credential({ status: 'unusable', unusable: { kind: 'cooldown', reason: 'rate_limit', until: Date.UTC(2026, 10, 25, 13) } }), env)!;
    expect(text).toContain('until 2026-11-25T13:00:00.000Z');
    expect(text).toContain('openclaw models auth order set --provider anthropic');
  });

  it("an OAuth sign-in the provider refused (cooldown for auth): sign in again, with OpenClaw's advice, not wait", () => {
    const refused = credential({
      profileId: 'anthropic:ana@example.com',
      type: 'oauth',
      status: 'unusable',
      unusable: { kind: 'cooldown', reason: 'auth', until: null, hint: 'Re-authenticate with `openclaw models auth login --provider anthropic`.' },
    });
    expect(remedyFor(refused, env)!.split('\n')).toEqual([
      "OpenClaw's advice: Re-authenticate with `openclaw models auth login --provider anthropic`.",
      'Sign in again: openclaw models auth login --provider anthropic --agent main',
      'Verify: openclaw models status --agent main',
    ]);
  });

  it('an Anthropic OAuth sign-in is signed in again, not replaced by a setup-token', () => {
    const text = remedyFor(credential({ profileId: 'anthropic:ana@example.com', type: 'oauth', status: 'expired' }), env)!;
    expect(text).toBe('Sign in again: openclaw models auth login --provider anthropic --agent main\nVerify: openclaw models status --agent main');
  });

  it('OpenClaw not installed: how to install it or point authwatch at it', () => {
    const text = remedyFor(credential({ status: 'error', failure: 'not-found', provider: null, profileId: null }), env)!;
    expect(text).toContain('npm install -g openclaw');
    expect(text).toContain('OPENCLAW_BIN');
  });

  it('a command source brings its own remedy', () => {
    expect(remedyFor(credential({ source: 'command:vault', remedy: prose('vault token renew\nthen check'), status: 'warn' }), env)).toBe(
      'vault token renew\nthen check',
    );
  });
});
