import { homedir } from 'node:os';
import { join } from 'node:path';
import { openclawStateDir } from '../../config/paths.js';
import { shWord } from '../../shell.js';
import { sshTo } from './ssh-tunnel.js';
import type { Credential, ModelRoute } from '../types.js';

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
  const ssh = credential.gateway?.ssh;
  const steps = localRemedy(credential, env);
  return steps && ssh ? onHost(steps, ssh, credential.gateway?.command ?? 'openclaw') : steps;
}

/**
 * The steps for a gateway on another host: each command (`openclaw …`, `claude setup-token`)
 * becomes `ssh -t host '…'`, quoted once more for the local shell, so it pastes as is. A command
 * starts a line or follows ": " or a backtick, and ends at the line's end, a backtick, ")" or
 * ", then" outside quotes.
 */
export function onHost(steps: string, destination: string, command: string): string {
  const start = /(^|: |`)(openclaw |claude setup-token)/g;
  return steps
    .split('\n')
    .map((line) => {
      let out = '';
      let from = 0;
      for (const match of line.matchAll(start)) {
        const begin = match.index + match[1]!.length;
        if (begin < from) continue;
        let end = begin;
        let quoted = false;
        for (; end < line.length; end++) {
          const c = line[end]!;
          if (c === "'") quoted = !quoted;
          else if (!quoted && (c === '`' || c === ')' || line.startsWith(', then', end))) break;
        }
        const text = line.slice(begin, end);
        const remote = text.startsWith('openclaw ') ? `${command} ${text.slice('openclaw '.length)}` : text;
        out += `${line.slice(from, begin)}${sshTo(destination, true)} ${shWord(remote)}`;
        from = end;
      }
      return out + line.slice(from);
    })
    .join('\n');
}

function localRemedy(credential: Omit<Credential, 'remedyText'>, env: Env): string | null {
  const agent = credential.agent && !credential.agentIsDefault ? ` --agent ${shWord(credential.agent)}` : '';
  const provider = credential.provider ? shWord(credential.provider) : '<provider>';
  const verify = `Verify: openclaw models status${agent}`;
  const envFile = credential.gateway?.ssh ? `~/.openclaw/.env on ${credential.gateway.ssh}` : displayPath(join(openclawStateDir(env), '.env'), env);

  if (credential.status === 'error') return errorRemedy(credential, agent);
  if (credential.inUse === false && credential.profileId) {
    // OpenClaw would not use it: fixing it is pointless, removing it ends the notices.
    return [
      `OpenClaw does not use this profile (no configured model uses ${provider}, or the auth order leaves it out).`,
      `Remove it: openclaw models auth logout ${shWord(credential.profileId)}${agent}`,
      `Or, if it should be used: openclaw models auth order set --provider ${provider}${agent} ${shWord(credential.profileId)}`,
      verify,
    ].join('\n');
  }
  if (credential.route) return routeRemedy(credential, credential.route, agent, provider, verify, envFile);

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

/** A configured model OpenClaw cannot serve: give it what it lacks, or stop configuring it. */
function routeRemedy(credential: Omit<Credential, 'remedyText'>, route: ModelRoute, agent: string, provider: string, verify: string, envFile: string): string {
  const steps: string[] = [];
  const model = route.model ? shWord(route.model) : '<model>';
  if (route.kind === 'runtime') {
    // OpenClaw's Codex harness docs: install the official plugin, then enable it.
    const plugin = route.plugins?.[0] ?? route.runtime ?? '<plugin>';
    if (route.runtime === 'codex' && !route.plugins?.length)
      steps.push('Install the Codex plugin on the gateway host: openclaw plugins install @openclaw/codex');
    steps.push(`Enable it: openclaw plugins enable ${shWord(plugin)}, then restart the gateway: openclaw gateway restart`);
    steps.push(`Or use a model that needs no ${route.runtime ?? 'such'} runtime: openclaw models set <provider/model>`);
  } else if (credential.status === 'missing') {
    steps.push(
      `Add a credential for ${provider}: openclaw models auth login --provider ${provider}${agent}`,
      `Or put its API key in ${envFile} (${apiKeyVar(credential.provider)}=...) and restart the gateway: openclaw gateway restart`,
    );
  } else if (route.kind === 'incompatible') {
    steps.push(`OpenClaw cannot serve ${model} on its configured route: pick another model.`);
  } else {
    steps.push(`Check the ${provider} credential OpenClaw would use: openclaw models auth list --provider ${provider}${agent}`);
  }
  if (route.kind !== 'runtime') steps.push(dropModel(route, model));
  steps.push(verify);
  return steps.join('\n');
}

/** How to stop configuring a model, by what it is configured as. */
function dropModel(route: ModelRoute, model: string): string {
  switch (route.role) {
    case 'fallback':
      return `Or drop the fallback: openclaw models fallbacks remove ${model}`;
    case 'image-fallback':
      return `Or drop the image fallback: openclaw models image-fallbacks remove ${model}`;
    case 'image':
      return 'Or choose another image model: openclaw models set-image <provider/model>';
    case 'utility':
      return 'Or choose another utility model: openclaw config set agents.defaults.utilityModel <provider/model>';
    default:
      return 'Or choose another model: openclaw models set <provider/model>';
  }
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
