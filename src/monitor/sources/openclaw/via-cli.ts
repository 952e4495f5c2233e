import type { Logger } from '../../../log.js';
import { firstIssue } from '../../../schema-errors.js';
import { describeStderr, runProgram, type FailureKind } from '../../../process/run.js';
import { quoteForeign, scrubIdentifier } from '../../../redact.js';
import type { Observation, SourceResult } from '../../types.js';
import { type Agent, normalizeModelsStatus } from './normalize.js';
import { cliErrorSchema, modelsStatusSchema, type ModelsStatus } from './schema.js';
import { agentsListSchema } from '../../../openclaw/agents.js';
import { parseJsonOutput } from '../parse-json.js';
import { foldSharedStores } from './shared-store.js';
import { failedRead } from '../source.js';
import { onGateway, onThisHost, type Remedy } from '../../remedy-lines.js';
import { sshLogin } from '../../../openclaw/ssh/destination.js';
import { classifySsh, sshRemedy } from '../../../openclaw/ssh/failure.js';
import type { OpenclawCli } from '../../../openclaw/cli.js';
import type { Env } from '../../../env.js';
import { failed, ok, type Result } from '../../../result.js';

export interface OpenclawOptions {
  cli: OpenclawCli;
  /** Agents to check; empty means every agent OpenClaw lists. */
  agents: string[];
  /** Each run's limit; with `until`, whatever is left of the whole read's. */
  timeoutMs: number;
  /** When the whole read must be over (epoch ms): a run that would start later does not start. */
  until?: number;
  env: Env;
  log: Logger;
}

/**
 * Reads credential health from the OpenClaw CLI: `agents list --json`, then
 * `models status --json --agent ID` per agent, one after the other (each run costs ~285 MB,
 * which a phone may not have twice). Failures become `error` observations, never exceptions.
 */
export async function readOpenclaw(options: OpenclawOptions): Promise<SourceResult & { agents: number }> {
  // Scopes read in full: the alert lifecycle resolves a vanished credential only inside these.
  const covered: string[] = [];
  let agents: Agent[];
  if (options.agents.length > 0) {
    // Named agents: skip the extra run. Not knowing the default, remedies always carry --agent.
    agents = options.agents.map((id) => ({ id, isDefault: false }));
  } else {
    const listed = await listAgents(options.cli, options);
    if (!listed.ok) return { observations: [listed.failure], covered: [], agents: 0 };
    agents = listed.value;
    covered.push('openclaw:*');
  }

  const observations: Observation[] = [];
  const stores = new Map<string, string | undefined>();
  for (const agent of agents) {
    const read = await modelsStatus(options.cli, agent, options);
    if (!read.ok) {
      observations.push(read.failure);
      continue;
    }
    for (const o of normalizeModelsStatus(read.value, agent)) observations.push(o);
    stores.set(agent.id, read.value.auth.storePath);
    covered.push(`openclaw:${agent.id}`);
  }
  return { observations: foldSharedStores(observations, agents, stores), covered, agents: agents.length };
}

/** One agent's `openclaw models status --json`, parsed, or the `error` record saying why not. */
export async function modelsStatus(
  cli: OpenclawCli,
  agent: Agent,
  options: Pick<OpenclawOptions, 'timeoutMs' | 'until' | 'env' | 'log'>,
): Promise<Result<ModelsStatus, Observation>> {
  const started = Date.now();
  // `--agent=ID` in one argv item: an id that begins with "-" (`--help`) stays a value, not an option.
  const out = await runJson(cli, ['models', 'status', '--json', `--agent=${agent.id}`], options);
  // Logged before collectObservations scrubs the records: the id is scrubbed here.
  options.log.debug({ agent: scrubIdentifier(agent.id), ms: Date.now() - started, ok: out.ok, ...(cli.ssh ? { ssh: cli.ssh } : {}) }, 'openclaw models status');
  const id = `openclaw:${agent.id}:source`;
  if (!out.ok) return failed(sourceError(id, agent, `openclaw models status (agent ${agent.id}): ${out.failure.message}`, out.failure));
  const parsed = modelsStatusSchema.safeParse(out.value);
  if (parsed.success) return ok(parsed.data);
  return failed(
    sourceError(id, agent, `openclaw models status (agent ${agent.id}) printed JSON that is not in the expected shape (${firstIssue(parsed.error)})`),
  );
}

type CliFailure = { kind: FailureKind; message: string; remedy?: Remedy };

/** `openclaw agents list --json`: the agents and which is the default, or the `error` record that says why not. */
async function listAgents(cli: OpenclawCli, options: Pick<OpenclawOptions, 'timeoutMs' | 'until' | 'env'>): Promise<Result<Agent[], Observation>> {
  const listed = await runJson(cli, ['agents', 'list', '--json'], options);
  if (!listed.ok) return failed(sourceError('openclaw:agents', null, `openclaw agents list: ${listed.failure.message}`, listed.failure));
  const parsed = agentsListSchema.safeParse(listed.value);
  if (!parsed.success) {
    return failed(sourceError('openclaw:agents', null, `openclaw agents list --json is not in the expected shape (${firstIssue(parsed.error)})`));
  }
  return ok(parsed.data.map((a) => ({ id: a.id, isDefault: a.isDefault === true })));
}

async function runJson(cli: OpenclawCli, args: string[], options: Pick<OpenclawOptions, 'timeoutMs' | 'until' | 'env'>): Promise<Result<unknown, CliFailure>> {
  const left = options.until === undefined ? options.timeoutMs : Math.min(options.timeoutMs, options.until - Date.now());
  if (left <= 0) {
    return failed({ kind: 'timeout', message: `not run: the read's ${options.timeoutMs / 1000}s (sources.openclaw.timeout) were spent` });
  }
  const run = await runProgram(cli.argv(args), { timeoutMs: left, env: options.env });
  // Cut short by the whole read's deadline rather than its own: say so, not "after 0s".
  if (!run.ok && run.kind === 'timeout' && left < options.timeoutMs - 1000) {
    run.message = `openclaw was still running when the read's ${options.timeoutMs / 1000}s (sources.openclaw.timeout) ran out, and was killed`;
  }
  if (!run.ok) {
    const { kind, message } = run;
    return failed(cli.ssh && kind === 'timeout' ? { kind, message: `ssh ${cli.ssh}: ${message}`, remedy: remoteTimeoutRemedy(cli) } : { kind, message });
  }
  const json = parseJsonOutput(run.stdout);
  if (!json.ok) {
    if (cli.ssh) {
      const remote = remoteFailure(cli, run.exitCode, run.stderr);
      if (remote) return failed(remote);
    }
    const why = describeStderr(run.stderr);
    return failed({ kind: 'failed', message: `printed output that is not JSON (exit ${run.exitCode})${why ? `: ${why}` : ''}` });
  }
  // With --json, OpenClaw reports its own failures (unknown agent, bad config) as {ok:false,error}.
  const cliError = cliErrorSchema.safeParse(json.value);
  if (cliError.success) {
    const said = cliError.data.error.message;
    return failed({
      kind: 'failed',
      message: `failed (exit ${run.exitCode}): ${quoteForeign(said)}`,
      ...(MIGRATION_REQUIRED.test(said) ? { remedy: migrationRemedy(args) } : {}),
    });
  }
  return ok(json.value);
}

/**
 * OpenClaw 2026.9 refuses to read an auth store that still has credential files from before its
 * SQLite store (AUTH_PROFILE_MIGRATION_REQUIRED; the JSON carries only the message) until
 * `openclaw doctor --fix` has moved them in.
 */
const MIGRATION_REQUIRED = /requires legacy credential migration/;

function migrationRemedy(args: string[]): Remedy {
  const agent = args.filter((a) => a.startsWith('--agent='));
  return [
    ['OpenClaw must move the credentials it kept before its SQLite store first: ', onGateway('openclaw', 'doctor', '--fix')],
    ['Verify: ', onGateway('openclaw', 'models', 'status', ...agent)],
  ];
}

/**
 * Over SSH: exit 255 is ssh's own failure (host key, login, network), 127 the remote shell not
 * finding the command (a non-login shell's PATH). Each gets a remedy that names the fix.
 */
function remoteFailure(cli: OpenclawCli, exitCode: number, stderr: string): CliFailure | undefined {
  const destination = cli.ssh!;
  if (exitCode === 255) {
    const failure = classifySsh(destination, stderr, exitCode);
    return { kind: 'failed', message: failure.message, remedy: sshRemedy(failure.kind, destination, 'sources.openclaw.sshArgs') };
  }
  if (exitCode === 127) {
    // The command itself is not quoted: it is the user's shell text and may carry an environment.
    return {
      kind: 'not-found',
      message: `ssh ${destination}: the remote shell did not find the program of sources.openclaw.remoteCommand (exit 127)`,
      remedy: [
        [`ssh runs a non-login shell on ${destination}, whose PATH often lacks npm's global bin.`],
        ['Find OpenClaw there with ', onThisHost(...sshLogin(destination), 'bash -lc "command -v openclaw"')],
        ['then set sources.openclaw.remoteCommand to that full path (or install OpenClaw on that host: npm install -g openclaw).'],
      ],
    };
  }
  return undefined;
}

function remoteTimeoutRemedy(cli: OpenclawCli): Remedy {
  return [
    [
      'Check that ',
      onThisHost(...sshLogin(cli.ssh!), `${cli.remoteCommand ?? 'openclaw'} models status`),
      ' finishes; if it is just slow, raise sources.openclaw.timeout.',
    ],
  ];
}

export function sourceError(
  id: string,
  agent: Agent | null,
  message: string,
  failure: { kind: FailureKind; remedy?: Remedy | undefined } = { kind: 'failed' },
): Observation {
  return failedRead({
    id,
    source: 'openclaw',
    agent: agent?.id ?? null,
    agentIsDefault: agent?.isDefault ?? false,
    detail: message,
    failure: failure.kind,
    remedy: failure.remedy,
  });
}
