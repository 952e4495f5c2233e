import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { stateDir } from '../../config/paths.js';
import type { Config } from '../../config/schema.js';
import { type DeployFacts, detectFacts, executable, findProgram } from '../../deploy/facts.js';
import type { OpenclawGateway } from '../../monitor/sources/openclaw/config.js';
import { openclawArgv } from '../../openclaw/cli.js';
import { deadline } from '../../abort.js';
import { formatDuration } from '../../config/duration.js';
import type { Notifier } from '../../notifiers/types.js';
import { ConfigError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { describeStderr, runProgram } from '../../process/run.js';
import { printable } from '../../text.js';
import { scrubSecrets } from '../../redact.js';
import type { DeviceAuth } from '../../openclaw/gateway/link.js';
import type { Io } from '../io.js';
import { scheduleInstalled } from './doctor-schedule.js';

type Verdict = 'ok' | 'warn' | 'FAIL';

/**
 * Which way a check would read one OpenClaw gateway, and why: the CLI by choice or for want of a
 * gateway token, else the gateway, asked once here (connect and hello, no RPC).
 */
async function openclawTransport(gateway: OpenclawGateway, env: Record<string, string | undefined>): Promise<[Verdict, string]> {
  const cliHere = gateway.ssh ? `the CLI on ${gateway.ssh} over SSH` : 'the CLI';
  if (gateway.via === 'cli') return ['ok', `${cliHere} (via: cli)`];
  const [{ describeTarget, gatewayTargetFor }, { openGatewayLink }] = await Promise.all([
    import('../../openclaw/target.js'),
    import('../../openclaw/gateway/link.js'),
  ]);
  const { target: found } = gatewayTargetFor(gateway, env);
  const mustGateway = gateway.via === 'gateway';
  if (!found.ok) {
    return mustGateway
      ? ['FAIL', `the gateway, but ${found.failure}`]
      : [
          'warn',
          `${cliHere}: ${found.failure}; name the gateway's token (gateway.auth.token in OpenClaw's config, OPENCLAW_GATEWAY_TOKEN or sources.openclaw.gateway.token) to read it in a tenth of the time`,
        ];
  }
  const target = found.value;
  // A token from this shell's environment is not necessarily in the timer's.
  const from = target.from.startsWith('OPENCLAW_GATEWAY_') ? `${target.from}, from this shell: the job needs it too` : target.from;
  const where = describeTarget(target);
  // A gateway on another host by URL admits this host's paired device only: say so before connecting.
  let device: DeviceAuth | undefined;
  if (target.paired) {
    const { loadDevice, pairingProblem } = await import('../../openclaw/gateway/device.js');
    const { device: file } = await loadDevice(env);
    const problem = pairingProblem(file, target.url, gateway.name);
    if (problem || !file) {
      const { renderRemedy } = await import('../../monitor/remedy-lines.js');
      return [
        'FAIL',
        `${problem?.message ?? 'not paired'}; ${renderRemedy(problem?.remedy ?? [], { ssh: null })
          .split('\n')
          .join('; ')}`,
      ];
    }
    device = { file, offerSharedAuth: false };
  }
  // The SSH hop gets 10 s; the gateway's hello 5 s (below).
  const opened = await openGatewayLink({ target, timeoutMs: 10_000, env, ...(device ? { device } : {}) });
  if (!opened.ok) return ['FAIL', `the gateway ${target.url} via ssh, which fails: ${opened.failure.message}`];
  const link = opened.value;
  const limit = deadline(5_000);
  try {
    const ready = await link.ready(limit.signal);
    const routes =
      target.ssh && !gateway.ssh
        ? 'no route facts (they need the CLI on that host: sources.openclaw.ssh)'
        : gateway.routesEvery === 'off'
          ? 'no route pass (routesEvery: off)'
          : `route facts from a CLI pass${gateway.ssh ? ` on ${gateway.ssh}` : ''} on each change seen, at least every ${formatDuration(gateway.routesEvery)}`;
    if (ready.ok) return ['ok', `the gateway ${where} (credential from ${from}; it answered), ${routes}`];
    const { kind, message } = ready.failure;
    if (kind === 'auth') return ['FAIL', `the gateway ${where} refuses the credential from ${from}: ${message}`];
    return mustGateway || (target.ssh && !gateway.ssh)
      ? ['FAIL', `the gateway ${where}, which does not answer: ${message}`]
      : ['warn', `${cliHere} for now: the gateway ${where} does not answer (${message}); checks use it once it runs`];
  } finally {
    limit.clear();
    await link.close();
  }
}

/** Whether OpenClaw's CLI starts on a gateway's host over SSH (`<remoteCommand> --version`, 20 s at most). */
async function remoteOpenclaw(gateway: OpenclawGateway & { ssh: string }, env: Record<string, string | undefined>): Promise<[Verdict, string]> {
  const { sshCli } = await import('../../openclaw/cli.js');
  const run = await runProgram(sshCli(gateway.ssh, gateway.sshArgs, gateway.remoteCommand, 20_000).argv(['--version']), { timeoutMs: 20_000, env });
  // Scrubbed like any output from another host: a wrapper there may print a key.
  if (run.ok && run.exitCode === 0) return ['ok', `openclaw on ${gateway.ssh}: ${printable(scrubSecrets(run.stdout.trim().split('\n')[0] ?? ''))}`];
  const why = !run.ok
    ? run.message
    : run.exitCode === 255
      ? `ssh failed: ${describeStderr(run.stderr)}`
      : run.exitCode === 127
        ? 'the remote shell did not find the program of sources.openclaw.remoteCommand: set it to the full path'
        : `exit ${run.exitCode}: ${describeStderr(run.stderr)}`;
  return ['FAIL', `openclaw on ${gateway.ssh}: ${why}`];
}

/**
 * The Termux notification's Re-auth button opens a terminal through Termux's RUN_COMMAND intent,
 * which Termux refuses unless `allow-external-apps = true` is in its properties (either place).
 */
function termuxExternalApps(home: string): [Verdict, string] {
  const files = [join(home, '.termux', 'termux.properties'), join(home, '.config', 'termux', 'termux.properties')];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (/^\s*allow-external-apps\s*[=:]\s*true\s*$/m.test(text))
      return ['ok', `termux: allow-external-apps = true in ${file} (the Re-auth button can open a terminal)`];
  }
  return [
    'warn',
    "termux: the notification's Re-auth button needs allow-external-apps = true in ~/.termux/termux.properties; add it, then run termux-reload-settings",
  ];
}

/** What every check sees: the job's facts and PATH, and the config and notifiers once loaded. */
export interface DoctorContext {
  io: Pick<Io, 'env'>;
  facts: DeployFacts;
  jobEnv: { PATH: string };
  config?: Config;
  notifiers: Notifier[];
}

export type DoctorLine = [Verdict, string];

/** One thing doctor checks: its lines, in the order they print. */
export type DoctorCheck = (ctx: DoctorContext) => Promise<DoctorLine[]> | DoctorLine[];

const jobPath: DoctorCheck = ({ jobEnv }) => [['ok', `the scheduled job's PATH: ${jobEnv.PATH}`]];

const nodeBinary: DoctorCheck = ({ facts }) => [
  [
    executable(facts.node) ? 'ok' : 'FAIL',
    `node: ${facts.node} (${process.version}${process.versions.node.startsWith('20.') ? ', end of life since 2026-04-30: plan a move to 22 or 24' : ''})`,
  ],
];

/** The config, and every notifier built from it (which resolves every env:/file: secret: a missing one is a FAIL here). Fills in `ctx`. */
async function loadInto(ctx: DoctorContext, configPath: string | undefined): Promise<DoctorLine[]> {
  const lines: DoctorLine[] = [];
  try {
    const loaded = await loadConfig(configPath, ctx.io.env, { schedule: true });
    ctx.config = loaded.config;
    lines.push(['ok', `config: ${loaded.path ?? `none at ${loaded.searchedPath}, defaults apply`}`]);
    ctx.notifiers = loaded.config.notifiers.length
      ? (await import('../../notifiers/registry.js')).buildNotifiers(loaded.config.notifiers, ctx.io.env, loaded.path ?? loaded.searchedPath)
      : [];
    const { heartbeatWarnings } = await import('../../monitor/heartbeat.js');
    for (const warning of [...ctx.notifiers.flatMap((n) => n.warnings ?? []), ...heartbeatWarnings(loaded.config.heartbeat, ctx.io.env)]) {
      lines.push(['warn', warning]);
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const line of error.lines) lines.push(['FAIL', `config: ${line}`]);
  }
  return lines;
}

/** This host's CLI, needed by a local gateway only (a remote one never falls back to it); without a config, the default: one local gateway. */
const localOpenclaw: DoctorCheck = ({ config, io, jobEnv }) => {
  const gateways = config ? config.sources.openclaw.filter((g) => g.enabled) : [{ command: 'openclaw', ssh: undefined, gateway: { ssh: undefined } }];
  const local = gateways.find((g) => !g.ssh && !g.gateway.ssh);
  if (!local) return [];
  // The same resolution the check uses (an empty OPENCLAW_BIN counts as unset there too).
  const command = openclawArgv(local.command, io.env)[0]!;
  const found = findProgram(command, jobEnv);
  return [
    found
      ? ['ok', `openclaw: ${found}`]
      : ['FAIL', `openclaw: "${command}" is not on the job's PATH; install OpenClaw there, or set sources.openclaw.command (or OPENCLAW_BIN) to its full path`],
  ];
};

/** Each configured gateway: its CLI over SSH when it has one, and which way a check would read it. */
const gatewayTransports: DoctorCheck = async ({ config, io }) => {
  const lines: DoctorLine[] = [];
  for (const gateway of config ? config.sources.openclaw.filter((g) => g.enabled) : []) {
    const label = gateway.name ? ` (gateway ${gateway.name})` : '';
    if (gateway.ssh) {
      const [verdict, text] = await remoteOpenclaw({ ...gateway, ssh: gateway.ssh }, io.env);
      lines.push([verdict, `${text}${label}`]);
    }
    const [verdict, text] = await openclawTransport(gateway, io.env);
    lines.push([verdict, `openclaw transport${label}: ${text}`]);
  }
  return lines;
};

/**
 * Each channel's program on the job's PATH (the desktop one as its backend is configured), then
 * what it needs around it, tried without sending: its servers resolved and connected to, the
 * session bus and a notification server, the Termux:API app.
 */
const notifierPrograms: DoctorCheck = async ({ notifiers, jobEnv, io }) => {
  const { preflight } = await import('../../notifiers/preflight.js');
  const lines = await Promise.all(
    notifiers.map(async (notifier): Promise<DoctorLine[]> => {
      const name = `notifier ${notifier.type} "${notifier.name}"`;
      const program = notifier.program;
      if (!program) return notifier.needs ? preflight(notifier, io.env) : [['ok', `${name}: configured (\`authwatch notify test\` sends a test alert)`]];
      const found = findProgram(program, jobEnv) !== undefined;
      const line: DoctorLine = [found ? 'ok' : 'FAIL', `${name}: ${program} ${found ? 'found' : "is not on the job's PATH"}`];
      // Its surroundings are asked as the job would ask them: with the job's PATH.
      return found ? [line, ...(await preflight(notifier, { ...io.env, PATH: jobEnv.PATH }))] : [line];
    }),
  );
  return lines.flat();
};

/** The heartbeat's server (the dead-man's switch that notices when checks stop), tried as a channel's: resolved and connected to, nothing sent. */
const heartbeatServer: DoctorCheck = async ({ config, io }) => {
  if (!config?.heartbeat) return [];
  const [{ reach }, { resolveSecretAt }, { endpointOf }] = await Promise.all([
    import('../../notifiers/preflight.js'),
    import('../../config/secret.js'),
    import('../../net/http.js'),
  ]);
  let server: { host: string; port: number };
  try {
    server = endpointOf(resolveSecretAt('heartbeat.url', config.heartbeat.url, io.env).reveal());
  } catch (error) {
    return [['FAIL', `heartbeat: ${error instanceof Error ? error.message : String(error)}`]];
  }
  const [verdict, text] = await reach(server.host, server.port);
  return [[verdict, `heartbeat: ${text}`]];
};

/** What a channel needs beyond its program: Termux's external apps; a second channel beside the gateway's own. */
const channelAdvice: DoctorCheck = ({ notifiers, facts }) => {
  const lines: DoctorLine[] = [];
  if (notifiers.some((n) => n.type === 'termux')) lines.push(termuxExternalApps(facts.home));
  if (notifiers.some((n) => n.type === 'openclaw')) {
    const alone = notifiers.every((n) => n.type === 'openclaw');
    lines.push(
      alone
        ? [
            'warn',
            'notifier openclaw: it delivers through the gateway, so when the gateway is down, so is your only channel; add one that does not depend on it (ntfy, webhook, termux, desktop)',
          ]
        : ['ok', 'notifier openclaw: delivers through the gateway (down with it); the other channels do not depend on it'],
    );
  }
  return lines;
};

const stateDirectory: DoctorCheck = ({ io }) => {
  const dir = stateDir(io.env);
  return [[!existsSync(dir) || executable(dir) ? 'ok' : 'FAIL', `state: ${dir}`]];
};

/** What doctor checks, in order; the config is loaded between the first two and the rest. */
export const CHECKS_BEFORE_CONFIG: DoctorCheck[] = [jobPath, nodeBinary];
export const CHECKS: DoctorCheck[] = [localOpenclaw, gatewayTransports, notifierPrograms, channelAdvice, heartbeatServer, scheduleInstalled, stateDirectory];

/** Every check's lines, in process (tests call it with their own env). */
export async function runChecks(env: Io['env'], configPath?: string): Promise<DoctorLine[]> {
  const facts = detectFacts(env);
  const ctx: DoctorContext = { io: { env }, facts, jobEnv: { PATH: facts.path.join(':') }, notifiers: [] };
  const lines: DoctorLine[] = [];
  for (const check of CHECKS_BEFORE_CONFIG) lines.push(...(await check(ctx)));
  lines.push(...(await loadInto(ctx, configPath)));
  for (const check of CHECKS) lines.push(...(await check(ctx)));
  return lines;
}

/**
 * `authwatch doctor`: can the scheduled job work? node and openclaw on the PATH the job gets, the
 * config valid, each notifier's program or URL usable, the job installed, and when it runs next.
 * Exit 0 when nothing failed, 1 otherwise.
 */
export async function doctorCommand(options: { config?: string }, io: Io): Promise<number> {
  const lines = await runChecks(io.env, options.config);
  for (const [verdict, text] of lines) io.stdout.write(`${verdict.padEnd(5)} ${text}\n`);
  const failed = lines.filter(([v]) => v === 'FAIL').length;
  io.stdout.write(failed ? `\n${failed} problem${failed === 1 ? '' : 's'} found.\n` : '\nAll good.\n');
  return failed ? ExitCode.Problem : ExitCode.Ok;
}
