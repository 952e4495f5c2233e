import { homedir } from 'node:os';
import { join } from 'node:path';
import { openclawStateDir } from '../../../config/paths.js';
import { blank, type Line, onGateway, type Remedy } from '../../remedy-lines.js';
import type { Credential, ModelRoute } from '../../types.js';
import type { Env } from '../../../env.js';
import { currentProvider, isRetiredProvider } from '../../../openclaw/providers.js';

const BLANK_MODEL = blank('provider/model');
const BLANK_PROFILE = blank('other-profile-id');
const BLANK_DURATION = blank('lifetime, e.g. 90d');

/**
 * How long a Claude setup-token lasts (one year), passed as `--expires-in` so that the token a
 * remedy pastes is timed, and warned about, like the one it replaces: pasted without it, OpenClaw
 * stores no expiry and the credential is never warned about again.
 */
const SETUP_TOKEN_LIFETIME = '365d';

/** API key variables OpenClaw reads from the environment or `<state>/.env`, where well known. */
const API_KEY_VARS: Record<string, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  google: 'GEMINI_API_KEY',
  openrouter: 'OPENROUTER_API_KEY',
  mistral: 'MISTRAL_API_KEY',
  groq: 'GROQ_API_KEY',
  xai: 'XAI_API_KEY',
};

/**
 * `--agent ID` for every agent, the default one included: OpenClaw 2026.9.6 refuses an auth change
 * without it once a second agent exists ("Multiple agents are configured, but the model command has
 * no explicit owner"), and a command printed before `agents add` must still work after it. For the
 * default agent it writes where the command without it would (the shared store, when that is the
 * default agent's). `--agent=ID` keeps an id that begins with "-" a value.
 */
function agentArgs(credential: Omit<Credential, 'remedyText'>): string[] {
  if (!credential.agent) return [];
  return credential.agent.startsWith('-') ? [`--agent=${credential.agent}`] : ['--agent', credential.agent];
}

/** A positional id after the options: `--` first when it begins with "-", so it is never read as one. */
function positional(id: string): string[] {
  return id.startsWith('-') ? ['--', id] : [id];
}

/**
 * The steps that fix an OpenClaw credential, one per line, with the exact commands from OpenClaw's
 * authentication docs. Commands are argv: `renderRemedy` quotes them once, for the host named by
 * the credential's gateway (over `ssh -t` when it is another host).
 */
export function openclawRemedy(credential: Omit<Credential, 'remedyText'>, env: Env): Remedy | null {
  const agent = agentArgs(credential);
  const current = credential.provider ? currentProvider(credential.provider) : null;
  const provider = current ?? '<provider>';
  const providerArg = current ?? blank('provider');
  const verify: Line = ['Verify: ', onGateway('openclaw', 'models', 'status', ...agent)];
  const envFile = credential.gateway?.ssh ? `~/.openclaw/.env on ${credential.gateway.ssh}` : displayPath(join(openclawStateDir(env), '.env'), env);
  const restart: Line = ['restart the gateway: ', onGateway('openclaw', 'gateway', 'restart')];

  if (credential.status === 'error') return errorRemedy(credential, agent);
  if (credential.inUse === false && credential.profileId) {
    // OpenClaw would not use it: fixing it is pointless, removing it ends the notices. `--yes`: OpenClaw
    // refuses to remove a profile without it when it has no terminal to ask on (a paste into a script, a widget).
    const id = positional(credential.profileId);
    return [
      [`OpenClaw does not use this profile (no configured model uses ${provider}, or the auth order leaves it out).`],
      ['Remove it: ', onGateway('openclaw', 'models', 'auth', 'logout', '--yes', ...agent, ...id)],
      ['Or, if it should be used: ', onGateway('openclaw', 'models', 'auth', 'order', 'set', '--provider', providerArg, ...agent, ...id)],
      verify,
    ];
  }
  if (credential.usage) return usageRemedy(credential, credential.usage, { agent, providerArg, verify });
  if (credential.route) return routeRemedy(credential, credential.route, { agent, provider, providerArg, verify, envFile, restart });

  const steps: Line[] = [];
  if (credential.provider && isRetiredProvider(credential.provider)) {
    steps.push([
      `OpenClaw now keeps ${credential.provider} sign-ins under ${provider}; move this profile there first: `,
      onGateway('openclaw', 'doctor', '--fix'),
    ]);
  }
  const hint = credential.unusable?.hint;
  if (credential.status === 'unusable' && credential.unusable?.kind === 'cooldown' && !signInRefused(credential)) {
    const until = credential.unusable.until ? ` until ${new Date(credential.unusable.until).toISOString()}` : '';
    steps.push([`OpenClaw paused this profile${until} after failures (${credential.unusable.reason ?? 'no reason given'}); it retries by itself.`]);
    if (hint) steps.push([`OpenClaw's advice: ${hint}`]);
    if (credential.profileId)
      steps.push([
        'To use another profile meanwhile: ',
        onGateway('openclaw', 'models', 'auth', 'order', 'set', '--provider', providerArg, ...agent, BLANK_PROFILE),
      ]);
    steps.push(verify);
    return steps;
  }
  if (credential.status === 'unusable' && credential.unusable?.kind === 'setup_inactive' && credential.profileId) {
    // OpenClaw tests the saved sign-in against the provider, then uses it for this agent.
    steps.push(['Activate the saved sign-in: ', onGateway('openclaw', 'models', 'auth', 'activate', ...agent, ...positional(credential.profileId))], verify);
    return steps;
  }
  if (hint) steps.push([`OpenClaw's advice: ${hint}`]);
  if (credential.status === 'unusable' && credential.unusable?.reason === 'billing') {
    steps.push([`OpenClaw disabled this profile for billing: check the ${provider} account's billing or credits first.`]);
  }

  if (credential.type === 'api_key') {
    steps.push(
      [`Create a new API key with ${provider}, then: `, onGateway('openclaw', 'models', 'auth', 'paste-api-key', '--provider', providerArg, ...agent)],
      [`Or put it in ${envFile} (${apiKeyVar(credential.provider)}=...) and `, ...restart],
    );
  } else if (credential.type === 'oauth') {
    // OpenClaw's own advice after a failed refresh, for Anthropic's subscription sign-in too.
    steps.push(['Sign in again: ', onGateway('openclaw', 'models', 'auth', 'login', '--provider', providerArg, ...agent)]);
  } else if (credential.provider === 'anthropic') {
    steps.push(
      ['On the gateway host run: ', onGateway('claude', 'setup-token')],
      ['Then: ', onGateway('openclaw', 'models', 'auth', 'setup-token', '--provider', 'anthropic', ...agent)],
      [
        'Token made on another machine: ',
        onGateway('openclaw', 'models', 'auth', 'paste-token', '--provider', 'anthropic', ...agent, '--expires-in', SETUP_TOKEN_LIFETIME),
      ],
    );
    if (credential.type === null) steps.push([`Or use an API key: put ANTHROPIC_API_KEY=... in ${envFile} and `, ...restart]);
  } else if (credential.type === 'token') {
    steps.push([
      'Paste a new token: ',
      onGateway('openclaw', 'models', 'auth', 'paste-token', '--provider', providerArg, ...agent, '--expires-in', BLANK_DURATION),
    ]);
  } else {
    steps.push(
      ['Sign in: ', onGateway('openclaw', 'models', 'auth', 'login', '--provider', providerArg, ...agent)],
      [`Or put its API key in ${envFile} (${apiKeyVar(credential.provider)}=...) and `, ...restart],
    );
  }
  steps.push(verify);
  return steps;
}

/**
 * A pause OpenClaw put on a profile because the provider refused its sign-in (reason `auth`,
 * `auth_permanent`, `session_expired`): waiting will not help, signing in again will.
 */
function signInRefused(credential: Omit<Credential, 'remedyText'>): boolean {
  const reason = credential.unusable?.reason;
  return reason === 'auth' || reason === 'auth_permanent' || reason === 'session_expired';
}

interface Common {
  agent: string[];
  /** The provider in prose, and as a command's word (a blank when unknown). */
  provider: string;
  providerArg: string | ReturnType<typeof blank>;
  verify: Line;
  envFile: string;
  restart: Line;
}

/** A configured model OpenClaw cannot serve: give it what it lacks, or stop configuring it. */
function routeRemedy(credential: Omit<Credential, 'remedyText'>, route: ModelRoute, common: Common): Remedy {
  const { agent, provider, providerArg, verify, envFile, restart } = common;
  const steps: Line[] = [];
  if (route.kind === 'runtime') {
    // OpenClaw's Codex harness docs: install the official plugin, then enable it.
    const plugin = route.plugins?.[0] ?? route.runtime;
    if (route.runtime === 'codex' && !route.plugins?.length)
      steps.push(['Install the Codex plugin on the gateway host: ', onGateway('openclaw', 'plugins', 'install', '@openclaw/codex')]);
    steps.push(['Enable it: ', onGateway('openclaw', 'plugins', 'enable', ...(plugin ? positional(plugin) : [blank('plugin')])), ', then ', ...restart]);
    steps.push([`Or use a model that needs no ${route.runtime ?? 'such'} runtime: `, onGateway('openclaw', 'models', 'set', BLANK_MODEL)]);
  } else if (credential.status === 'missing') {
    steps.push(
      [`Add a credential for ${provider}: `, onGateway('openclaw', 'models', 'auth', 'login', '--provider', providerArg, ...agent)],
      [`Or put its API key in ${envFile} (${apiKeyVar(credential.provider)}=...) and `, ...restart],
    );
  } else if (route.kind === 'incompatible') {
    steps.push([`OpenClaw cannot serve ${route.model ?? 'the model'} on its configured route: pick another model.`]);
  } else {
    steps.push([`Check the ${provider} credential OpenClaw would use: `, onGateway('openclaw', 'models', 'auth', 'list', '--provider', providerArg, ...agent)]);
  }
  if (route.kind !== 'runtime') steps.push(dropModel(route));
  steps.push(verify);
  return steps;
}

/** How to stop configuring a model, by what it is configured as. */
function dropModel(route: ModelRoute): Line {
  const model = route.model ? positional(route.model) : [BLANK_MODEL];
  switch (route.role) {
    case 'fallback':
      return ['Or drop the fallback: ', onGateway('openclaw', 'models', 'fallbacks', 'remove', ...model)];
    case 'image-fallback':
      return ['Or drop the image fallback: ', onGateway('openclaw', 'models', 'image-fallbacks', 'remove', ...model)];
    case 'image':
      return ['Or choose another image model: ', onGateway('openclaw', 'models', 'set-image', BLANK_MODEL)];
    case 'utility':
      return ['Or choose another utility model: ', onGateway('openclaw', 'config', 'set', 'agents.defaults.utilityModel', BLANK_MODEL)];
    default:
      return ['Or choose another model: ', onGateway('openclaw', 'models', 'set', BLANK_MODEL)];
  }
}

function errorRemedy(credential: Omit<Credential, 'remedyText'>, agent: string[]): Remedy {
  switch (credential.failure) {
    case 'not-found':
      return [
        ['Install OpenClaw (', onGateway('npm', 'install', '-g', 'openclaw'), '), or tell authwatch where it is:'],
        ['set sources.openclaw.command in the config, or the OPENCLAW_BIN environment variable.'],
      ];
    case 'timeout':
      return [['Check that `', onGateway('openclaw', 'models', 'status', ...agent), '` finishes; if it is just slow, raise sources.openclaw.timeout.']];
    default:
      return [['Run `', onGateway('openclaw', 'models', 'status', ...agent), '` and `', onGateway('openclaw', 'doctor'), '` to see what fails.']];
  }
}

function apiKeyVar(provider: string | null): string {
  return (provider && API_KEY_VARS[provider]) ?? 'PROVIDER_API_KEY';
}

function displayPath(path: string, env: Env): string {
  const home = env.HOME || homedir();
  return path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path;
}

/**
 * A subscription window running out: nothing to renew. It resets by itself; meanwhile another
 * profile (another account) or another provider's model can take the traffic.
 */
function usageRemedy(
  credential: Omit<Credential, 'remedyText'>,
  usage: NonNullable<Credential['usage']>,
  { agent, providerArg, verify }: Pick<Common, 'agent' | 'providerArg' | 'verify'>,
): Remedy {
  const when = usage.resetAt === null ? '' : ` at ${new Date(usage.resetAt).toISOString()}`;
  const full = credential.status === 'unusable';
  return [
    [
      `${full ? 'The' : 'Wait, or plan for it: the'} ${usage.window} window resets${when}${full ? '; until then this provider refuses requests on this subscription' : ''}.`,
    ],
    [
      'Meanwhile another account can take the traffic: ',
      onGateway('openclaw', 'models', 'auth', 'order', 'set', '--provider', providerArg, ...agent, BLANK_PROFILE),
    ],
    ["Or another provider's model, as a fallback: ", onGateway('openclaw', 'models', 'fallbacks', 'add', BLANK_MODEL)],
    verify,
  ];
}
