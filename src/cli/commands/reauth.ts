import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { findProgram } from '../../deploy/facts.js';
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
export function remoteScript(steps: Step[], command: string, host: string, paste: string): string {
  const lines = steps.map((step, i) => {
    const [program, ...args] = step.argv;
    const run = program === 'openclaw' ? `${command} ${shCommand(args)}` : shCommand(step.argv);
    return `echo ${shWord(`Step ${i + 1} of ${steps.length}: ${step.title}.`)} && ${run}`;
  });
  // Every program, asked of that host before the first step runs. The check runs in sh, whatever
  // the login shell (fish has no `{ …; }`); OpenClaw as remoteCommand names it (a ~ path expands there).
  const checks = [...new Set(steps.map((s) => s.argv[0]!))].map((program) => {
    // remoteCommand's program: its first word after any NAME=value assignments.
    const word =
      program === 'openclaw'
        ? (command
            .trim()
            .split(/\s+/)
            .find((w) => !/^[A-Za-z_]\w*=/.test(w)) ?? 'openclaw')
        : shWord(program);
    const missing = `reauth: ${missingProgram(program, `on ${host}`, paste)}; no step ran`;
    return `sh -c ${shWord(`command -v ${word} >/dev/null 2>&1 || { echo ${shWord(missing)} >&2; exit 127; }`)}`;
  });
  return [...checks, ...lines].join(' && ');
}

/** What to do about a program a step needs that is not there: what to install, or the way around it. */
function missingProgram(program: string, where: string, paste: string): string {
  if (program === 'claude')
    return `claude (Claude Code) is not installed ${where}: install it (npm install -g @anthropic-ai/claude-code), or make the token where it is (claude setup-token) and paste it: ${paste}`;
  if (program === 'openclaw')
    return `openclaw is not installed ${where}: install OpenClaw (npm install -g openclaw), or set sources.openclaw.command (remoteCommand for SSH) to its full path`;
  return `${program} is not installed ${where}`;
}

/** The first program of the local steps not found on PATH (or not executable), said with its fix; undefined when all are there. */
function localProgramMissing(steps: Step[], env: Record<string, string | undefined>, paste: string): string | undefined {
  for (const program of new Set(steps.map((s) => s.argv[0]!))) {
    if (findProgram(program, env) === undefined)
      return `reauth: ${missingProgram(basename(program) === 'openclaw' ? 'openclaw' : program, 'on this host', paste)}; no step ran`;
  }
  return undefined;
}

/** `authwatch reauth`: renews a credential on its gateway's host, step by step, then checks. */
export async function reauthCommand(options: ReauthOptions, io: Io): Promise<number> {
  const { config } = await loadConfig(options.config, io.env);
  if (options.list) {
    // For the widget shortcut, which asks which gateway when there are several: names on stdout only.
    const enabled = config.sources.openclaw.filter((g) => g.enabled);
    for (const g of enabled) if (g.name) io.stdout.write(`${g.name}\n`);
    const unnamed = enabled.find((g) => !g.name);
    if (unnamed) {
      const where = unnamed.ssh ?? unnamed.gateway.ssh ?? urlHost(unnamed.gateway.url);
      io.stderr.write(
        `authwatch: reauth: one gateway, unnamed (${where ? `on ${where}` : 'on this host'}): \`authwatch reauth\` renews it without --gateway\n`,
      );
    }
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

  // Every program a step needs, before any runs (a dry run reports the same, after its commands).
  const openclaw = localCli(gateway.command, io.env);
  const paste = pasteInstead(options, node, entry);
  const missing = ssh ? undefined : localProgramMissing(localSteps(steps, openclaw), io.env, paste);
  if (missing && !options.dryRun) {
    io.stderr.write(`authwatch: ${missing}\n`);
    return ExitCode.Problem;
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
    const argv = ['ssh', '-t', ...(port ? ['-p', port] : []), ...sshArgs, '--', host, remoteScript(steps, gateway.remoteCommand, ssh, paste)];
    if (options.dryRun) {
      io.stdout.write(`${shCommand(argv)}\n${shCommand(self)}\n`);
      return ExitCode.Ok;
    }
    io.stdout.write(`Renewing ${options.provider} for gateway ${gateway.name ?? ssh}${where}, over ${shCommand(sshLogin(ssh, true))}.\n`);
    const code = await run(argv, io.env);
    if (code !== 0) return failed(io, code);
  } else {
    const local = localSteps(steps, openclaw);
    if (options.dryRun) {
      io.stdout.write(`${[...local.map((s) => shCommand(s.argv)), shCommand(self)].join('\n')}\n`);
      if (missing) io.stderr.write(`authwatch: ${missing}\n`);
      return missing ? ExitCode.Problem : ExitCode.Ok;
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

/** The steps as run here: `openclaw` as the config names it (a path, OPENCLAW_BIN, a wrapper). */
function localSteps(steps: Step[], openclaw: ReturnType<typeof localCli>): Step[] {
  return steps.map((s) => ({ ...s, argv: s.argv[0] === 'openclaw' ? openclaw.argv(s.argv.slice(1)) : s.argv }));
}

/** The same walk-through with a token made elsewhere, as a command to paste. */
function pasteInstead(options: ReauthOptions, node: string, entry: string): string {
  return shCommand([
    node,
    entry,
    'reauth',
    '--paste',
    ...(options.gateway ? ['--gateway', options.gateway] : []),
    ...(options.agent ? [`--agent=${options.agent}`] : []),
    ...(options.config ? ['--config', options.config] : []),
  ]);
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
