import { shCommand } from '../shell.js';
import type { DeployFacts } from './facts.js';
import { type InstallIo as Io, runStep as run } from './install.js';

/** The name authwatch's automation has in OpenClaw's scheduler: install replaces it, uninstall removes it. */
export const AUTOMATION_NAME = 'authwatch';

/** Where the automation announces what `check --format openclaw` prints. */
export interface ChatRoute {
  channel: string;
  to: string;
  account?: string;
}

/**
 * `openclaw automations create` for a command job that runs `authwatch check --format openclaw`
 * on the schedule inside the gateway, announcing its output to `route` (a run that prints only
 * NO_REPLY posts nothing). Exact argv (`--command-argv`), no shell.
 */
export function automationArgv(
  openclaw: string[],
  facts: DeployFacts,
  { schedule, timezone, route }: { schedule: string; timezone: string | undefined; route: ChatRoute },
): string[] {
  const check = [facts.node, facts.entry, 'check', '--format', 'openclaw', ...(facts.config ? ['--config', facts.config] : [])];
  return [
    ...openclaw,
    'automations',
    'create',
    schedule,
    '--name',
    AUTOMATION_NAME,
    ...(timezone ? ['--tz', timezone] : []),
    '--command-argv',
    JSON.stringify(check),
    '--announce',
    '--channel',
    route.channel,
    '--to',
    route.to,
    ...(route.account ? ['--account', route.account] : []),
  ];
}

/** The ids of the automations named `authwatch`, or undefined (said why) when the list cannot be read. */
export async function authwatchJobs(openclaw: string[], io: Io): Promise<string[] | undefined> {
  const listed = await run([...openclaw, 'automations', 'list', '--json'], io, true);
  if (!listed.ok) return undefined;
  try {
    const parsed = JSON.parse(listed.stdout) as { jobs?: Array<{ id?: unknown; name?: unknown }> } | Array<{ id?: unknown; name?: unknown }>;
    const jobs = Array.isArray(parsed) ? parsed : (parsed.jobs ?? []);
    return jobs.flatMap((j) => (j.name === AUTOMATION_NAME && typeof j.id === 'string' ? [j.id] : []));
  } catch {
    io.say('  failed: openclaw automations list --json did not print JSON');
    return undefined;
  }
}

/** Removes every automation named `authwatch`, then creates it anew: repeating install changes nothing. */
export async function installAutomation({ openclaw, create, dryRun, io }: { openclaw: string[]; create: string[]; dryRun: boolean; io: Io }): Promise<boolean> {
  if (dryRun) {
    io.say(`would remove any automation named ${AUTOMATION_NAME}, then run: ${shCommand(create)}`);
    return true;
  }
  if (!(await uninstallAutomation({ openclaw, dryRun: false, io, quiet: true }))) return false;
  const created = await run(create, io);
  if (!created.ok) return false;
  const id = /"id"\s*:\s*"([^"]+)"/.exec(created.stdout)?.[1];
  io.say(`created automation ${AUTOMATION_NAME}${id ? ` (${id})` : ''}; run it now with: ${shCommand([...openclaw, 'automations', 'run', id ?? '<id>'])}`);
  return true;
}

/** Removes every automation named `authwatch`; `quiet`: say nothing when there is none (install, before it creates one). */
export async function uninstallAutomation({
  openclaw,
  dryRun,
  io,
  quiet = false,
}: {
  openclaw: string[];
  dryRun: boolean;
  io: Io;
  quiet?: boolean;
}): Promise<boolean> {
  const ids = await authwatchJobs(openclaw, io);
  if (ids === undefined) return false;
  if (ids.length === 0 && !quiet) io.say(`no automation named ${AUTOMATION_NAME}: nothing to remove`);
  let ok = true;
  for (const id of ids) {
    if (dryRun) io.say(`would run: ${shCommand([...openclaw, 'automations', 'remove', id])}`);
    else ok = (await run([...openclaw, 'automations', 'remove', id], io)).ok && ok;
  }
  return ok;
}
