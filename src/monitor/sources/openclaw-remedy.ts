import { homedir } from 'node:os';
import { join } from 'node:path';
import { openclawStateDir } from '../../config/paths.js';
import { shWord } from '../../shell.js';
import type { Credential } from '../types.js';

type Env = Record<string, string | undefined>;

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
 * The steps that fix an OpenClaw credential, one per line, with the exact commands from OpenClaw's
 * authentication docs.
 */
export function openclawRemedy(credential: Omit<Credential, 'remedyText'>, env: Env): string | null {
  const agent = credential.agent && !credential.agentIsDefault ? ` --agent ${shWord(credential.agent)}` : '';
  const provider = credential.provider ? shWord(credential.provider) : '<provider>';
  const verify = `Verify: openclaw models status${agent}`;
  const envFile = displayPath(join(openclawStateDir(env), '.env'), env);

  if (credential.status === 'error') return errorRemedy(credential, agent);

  const steps: string[] = [];
  if (credential.status === 'unusable' && credential.unusable?.kind === 'cooldown') {
    const until = credential.unusable.until ? ` until ${new Date(credential.unusable.until).toISOString()}` : '';
    steps.push(`OpenClaw paused this profile${until} after failures (${credential.unusable.reason ?? 'no reason given'}); it retries by itself.`);
    if (credential.profileId) steps.push(`To use another profile meanwhile: openclaw models auth order set --provider ${provider}${agent} <other-profile-id>`);
    steps.push(verify);
    return steps.join('\n');
  }
  if (credential.status === 'unusable' && credential.unusable?.reason === 'billing') {
    steps.push(`OpenClaw disabled this profile for billing: check the ${provider} account's billing or credits first.`);
  }

  if (credential.type === 'api_key') {
    steps.push(
      `Create a new API key with ${provider}, then: openclaw models auth paste-api-key --provider ${provider}${agent}`,
      `Or put it in ${envFile} (${apiKeyVar(credential.provider)}=...) and restart the gateway: openclaw gateway restart`,
    );
  } else if (credential.provider === 'anthropic') {
    steps.push(
      'On the gateway host run: claude setup-token',
      `Then: openclaw models auth setup-token --provider anthropic${agent}`,
      `Token made on another machine: openclaw models auth paste-token --provider anthropic${agent}`,
    );
    if (credential.type === null) {
      steps.push(`Or use an API key: put ANTHROPIC_API_KEY=... in ${envFile} and restart the gateway: openclaw gateway restart`);
    }
  } else if (credential.type === 'token') {
    steps.push(`Paste a new token: openclaw models auth paste-token --provider ${provider}${agent}`);
  } else if (credential.type === 'oauth') {
    steps.push(`Sign in again: openclaw models auth login --provider ${provider}${agent}`);
  } else {
    steps.push(
      `Sign in: openclaw models auth login --provider ${provider}${agent}`,
      `Or put its API key in ${envFile} (${apiKeyVar(credential.provider)}=...) and restart the gateway: openclaw gateway restart`,
    );
  }
  steps.push(verify);
  return steps.join('\n');
}

function errorRemedy(credential: Omit<Credential, 'remedyText'>, agent: string): string {
  switch (credential.failure) {
    case 'not-found':
      return [
        'Install OpenClaw (npm install -g openclaw), or tell authwatch where it is:',
        'set sources.openclaw.command in the config, or the OPENCLAW_BIN environment variable.',
      ].join('\n');
    case 'timeout':
      return `Check that \`openclaw models status${agent}\` finishes on this host; if it is just slow, raise sources.openclaw.timeout.`;
    default:
      return `Run \`openclaw models status${agent}\` and \`openclaw doctor\` to see what fails.`;
  }
}

function apiKeyVar(provider: string | null): string {
  return (provider && API_KEY_VARS[provider]) ?? 'PROVIDER_API_KEY';
}

function displayPath(path: string, env: Env): string {
  const home = env.HOME || homedir();
  return path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path;
}
