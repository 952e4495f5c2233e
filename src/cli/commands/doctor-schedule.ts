import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Cron } from 'croner';
import type { DeployFacts } from '../../deploy/facts.js';
import { INSTALLABLE } from '../../deploy/platform-names.js';
import { ENABLED_UNIT, systemctl, unitDir } from '../../deploy/systemd.js';
import { enableLinger, loginProperties, unitState, withoutManager } from '../../deploy/systemd-manager.js';
import { localTime } from '../../local-time.js';
import type { Io } from '../io.js';
import type { DoctorCheck, DoctorLine } from './doctor.js';

/** The systemd units install enables, where each is found: the timer, or watch's service; user or system. */
function installedUnits(facts: DeployFacts): Array<{ unit: string; ctl: string[] }> {
  return [false, true].flatMap((system) =>
    Object.values(ENABLED_UNIT)
      .filter((unit) => existsSync(join(unitDir(system, facts.home), unit)))
      .map((unit) => ({ unit, ctl: systemctl(system) })),
  );
}

/**
 * Whether an installed unit will run: active, and its manager reachable. A user manager that
 * systemctl cannot reach (no user session: containers, `su`) runs nothing, so that is a FAIL too.
 */
async function unitRuns({ unit, ctl }: { unit: string; ctl: string[] }, facts: DeployFacts, env: Io['env']): Promise<DoctorLine> {
  const label = `systemd ${unit}${ctl.includes('--user') ? ' (user)' : ''}`;
  const asked = await unitState(ctl, unit, env);
  if (!asked.ok) {
    const { problem, fixes } = withoutManager(ctl, facts.user, asked.why);
    return ['FAIL', `${label}: ${problem}; instead, ${fixes.join('; or ')}`];
  }
  if (asked.state === 'active') return ['ok', `${label}: active`];
  return ['FAIL', `${label}: ${asked.state}; start it: ${ctl.join(' ')} enable --now ${unit}`];
}

/**
 * User units stop when the user's last session ends unless lingering is on: off while a session
 * is open is a warning (it runs until logout), off with none open is a FAIL (nothing runs now).
 */
async function lingering(user: string, env: Io['env']): Promise<DoctorLine> {
  const answer = await loginProperties(user, ['Linger', 'State'], env);
  const fix = enableLinger(user);
  if (answer?.Linger === undefined) return ['warn', `lingering: could not ask loginctl; without it user units stop at logout: ${fix}`];
  if (answer.Linger === 'yes') return ['ok', `lingering: on for ${user} (user units run while you are logged out)`];
  const state = answer.State;
  return state === 'active' || state === 'online'
    ? ['warn', `lingering: off for ${user}: user units stop when you log out; ${fix}`]
    : ['FAIL', `lingering: off for ${user} and no session is open (${state ?? 'state unknown'}), so user units do not run; ${fix}`];
}

/** The job installed (what install writes, asked of the platform table, every platform and mode), running, and when it runs next. */
export const scheduleInstalled: DoctorCheck = async ({ config, facts, io }) => {
  const lines: DoctorLine[] = [];
  const schedule = config?.schedule ?? '*/15 * * * *';
  const { PLATFORM_TABLE } = await import('../../deploy/platforms.js');
  const installed = [
    ...new Map(
      INSTALLABLE.flatMap((platform) => PLATFORM_TABLE[platform].installedFiles(facts, schedule).map((path) => [path, [`${platform} file`, path]] as const)),
    ).values(),
  ].filter(([, path]) => existsSync(path));
  if (installed.length === 0) {
    lines.push(['FAIL', 'schedule: nothing installed; run `authwatch install systemd` (or termux, launchd), or add `authwatch generate cron` to your crontab']);
  }
  for (const [what, path] of installed) lines.push(['ok', `${what}: ${path}`]);
  const units = installedUnits(facts);
  const running: DoctorLine[] = [];
  for (const unit of units) running.push(await unitRuns(unit, facts, io.env));
  lines.push(...running);
  if (units.some((u) => u.ctl.includes('--user')) && running.every(([verdict]) => verdict === 'ok')) lines.push(await lingering(facts.user, io.env));
  if (installed.length && running.every(([verdict]) => verdict !== 'FAIL')) {
    const next = new Cron(schedule, { paused: true, ...(config?.timezone ? { timezone: config.timezone } : {}) }).nextRun();
    lines.push(['ok', `next scheduled check: ${next ? localTime(next.getTime()) : 'never'} (${schedule}${config?.timezone ? ` ${config.timezone}` : ''})`]);
  }
  return lines;
};
