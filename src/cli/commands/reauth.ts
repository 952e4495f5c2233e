import { spawn } from 'node:child_process';
import { loadConfig } from '../../config/load.js';
import { UserError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { defaultOfSeveral } from '../../openclaw/agents.js';
import { localCli, sshCli } from '../../openclaw/cli.js';
import { currentProvider } from '../../openclaw/providers.js';
import { urlHost } from '../../openclaw/gateway/url.js';
import { splitDestination, sshLogin } from '../../openclaw/ssh/destination.js';
import { selfCommand } from '../../self.js';
import { shCommand, shWord } from '../../shell.js';
import type { Io } from '../io.js';
import { pickGateway } from '../pick-gateway.js';

export interface ReauthOptions {
  config?: string;
  gateway?: string;
  provider: string;
  agent?: string;
  /** `paste-token` (a token made on another machine) instead of `setup-token`. */
  paste?: boolean;
  dryRun?: boolean;
  /** Print the gateways' names, one per line, and nothing else. */
  list?: boolean;
}

/** One step of the walk-through: what it is for, and the command (an argv here, shell text for a remote host). */
interface Step {
  title: string;
  argv: string[];
}

/**
 * The walk-through that renews a credential, as OpenClaw's docs give it: for Anthropic,
 * `claude setup-token` then `openclaw models auth setup-token` (or `paste-token`); for others
 * `openclaw models auth login`; then `openclaw models status` and `openclaw gateway restart`.
 */
export function reauthSteps(options: Pick<ReauthOptions, 'provider' | 'agent' | 'paste'>): Step[] {
  // `--agent=ID`: an id that begins with "-" (OpenClaw's list is foreign input) stays a value.
  const agent = options.agent ? (options.agent.startsWith('-') ? [`--agent=${options.agent}`] : ['--agent', options.agent]) : [];
  const provider = ['--provider', currentProvider(options.provider)];
  const steps: Step[] =
    options.provider === 'anthropic'
      ? [
          ...(options.paste ? [] : [{ title: 'create a token (needs a Claude Pro/Max login)', argv: ['claude', 'setup-token'] }]),
          {
            title: options.paste ? 'paste the token made on another machine' : 'give it to OpenClaw',
            // A pasted setup-token is timed for its year, so that it is warned about again (without --expires-in OpenClaw stores no expiry).
            argv: [
              'openclaw',
              'models',
              'auth',
              ...(options.paste ? ['paste-token', ...provider, ...agent, '--expires-in', '365d'] : ['setup-token', ...provider, ...agent]),
            ],
          },
        ]
      : [{ title: `sign in to ${options.provider} again`, argv: ['openclaw', 'models', 'auth', 'login', ...provider, ...agent] }];
  return [
    ...steps,
    { title: 'check what OpenClaw sees now', argv: ['openclaw', 'models', 'status', ...agent] },
    { title: 'restart the gateway so that it uses the new credential', argv: ['openclaw', 'gateway', 'restart'] },
  ];
}

/**
 * For a remote gateway, the whole walk-through as one `ssh -t` session (one login, one terminal):
 * each step announced, and the first failure stops it with its exit status.
 */
export function remoteScript(steps: Step[], command: string): string {
  const lines = steps.map((step, i) => {
    const [program, ...args] = step.argv;
    const run = program === 'openclaw' ? `${command} ${shCommand(args)}` : shCommand(step.argv);
    return `echo ${shWord(`Step ${i + 1} of ${steps.length}: ${step.title}.`)} && ${run}`;
  });
  return lines.join(' && ');
}

/** `authwatch reauth`: renews a credential on its gateway's host, step by step, then checks. */
export async function reauthCommand(options: ReauthOptions, io: Io): Promise<number> {
  const { config } = await loadConfig(options.config, io.env);
  if (options.list) {
    // For the widget shortcut, which asks which gateway when there are several.
    for (const g of config.sources.openclaw) if (g.enabled && g.name) io.stdout.write(`${g.name}\n`);
    return ExitCode.Ok;
  }
  const gateway = pickGateway(config.sources.openclaw, options.gateway);
  let steps = reauthSteps(options);
  const ssh = gateway.ssh ?? gateway.gateway.ssh;
  const sshArgs = gateway.ssh ? gateway.sshArgs : (gateway.gateway.sshArgs ?? []);
  const { node, entry } = selfCommand();
  const self = [node, entry, 'check', ...(options.config ? ['--config', options.config] : [])];
  const where = ssh ? ` on ${ssh}` : '';
  // A gateway read by URL alone (a paired device) is on another host this one has no shell on:
  // running the steps here would renew this host's OpenClaw, not that one.
  const byUrl = urlHost(gateway.gateway.url);
  if (!ssh && byUrl) {
    const there = steps.map((s) => shCommand(s.argv)).join(', then ');
    throw new UserError(
      `reauth: gateway ${gateway.name ?? byUrl} is read by URL only, and renewing runs on its host: run there ${there}; or set sources.openclaw.ssh: user@${byUrl} so that reauth (and the Re-auth button) runs it over SSH`,
      ExitCode.Usage,
    );
  }

  // OpenClaw 2026.9 refuses an auth change without --agent once a second agent exists: name the
  // default one, as OpenClaw would have picked it (a dry run asks nothing and names none).
  if (!options.agent && !options.dryRun) {
    const cli = ssh ? sshCli(ssh, sshArgs, gateway.remoteCommand, gateway.timeout) : localCli(gateway.command, io.env);
    const agent = await defaultOfSeveral(cli, { timeoutMs: gateway.timeout, env: io.env });
    if (agent) {
      io.stdout.write(`Agent ${agent.id}: OpenClaw's default of the ${agent.of} configured (name another with --agent).\n`);
      steps = reauthSteps({ ...options, agent: agent.id });
    }
  }

  if (ssh) {
    const { host, port } = splitDestination(ssh);
    const argv = ['ssh', '-t', ...(port ? ['-p', port] : []), ...sshArgs, '--', host, remoteScript(steps, gateway.remoteCommand)];
    if (options.dryRun) {
      io.stdout.write(`${shCommand(argv)}\n${shCommand(self)}\n`);
      return ExitCode.Ok;
    }
    io.stdout.write(`Renewing ${options.provider} for gateway ${gateway.name ?? ssh}${where}, over ${shCommand(sshLogin(ssh, true))}.\n`);
    const code = await run(argv, io.env);
    if (code !== 0) return failed(io, code);
  } else {
    const openclaw = localCli(gateway.command, io.env);
    const local = steps.map((s) => ({ ...s, argv: s.argv[0] === 'openclaw' ? openclaw.argv(s.argv.slice(1)) : s.argv }));
    if (options.dryRun) {
      io.stdout.write(`${[...local.map((s) => shCommand(s.argv)), shCommand(self)].join('\n')}\n`);
      return ExitCode.Ok;
    }
    for (const [i, step] of local.entries()) {
      io.stdout.write(`Step ${i + 1} of ${local.length}: ${step.title}.\n`);
      const code = await run(step.argv, io.env);
      if (code !== 0) return failed(io, code);
    }
  }
  io.stdout.write('Checking again, so that the alert resolves now:\n');
  return run(self, io.env);
}

function failed(io: Io, code: number): number {
  io.stderr.write(`authwatch: reauth: that step failed (exit ${code}); nothing after it ran.\n`);
  return ExitCode.Problem;
}

/** Runs a step on this terminal (it may ask questions: a login, a pasted token). */
function run(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env: env as NodeJS.ProcessEnv });
    child.once('error', () => resolve(127));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
