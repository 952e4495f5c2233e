import { formatDuration } from '../config/duration.js';
import type { Config } from '../config/schema.js';
import { exitCodeFor, worstStatus, type CheckReport } from '../monitor/report.js';
import { localTime } from '../local-time.js';
import { describeRule, thresholdsResolver } from '../monitor/thresholds.js';
import type { Credential, Status } from '../monitor/types.js';
import { printable, printableLines } from '../text.js';

const COLORS: Record<Status, string> = {
  ok: '32', // green
  static: '36', // cyan
  warn: '33', // yellow
  critical: '1;33', // bold yellow
  expired: '1;31', // bold red
  missing: '1;31',
  unusable: '1;31',
  error: '35', // magenta
};

function paint(text: string, status: Status, color: boolean): string {
  return color ? `\u001b[${COLORS[status]}m${text}\u001b[0m` : text;
}

/** `1h 36m`, `expired 3m ago`, `lapsed 2h ago, renews on use`, or `-` without an expiry. */
export function timeLeft(c: Credential): string {
  if (c.usage) return `${Math.round(c.usage.usedPercent)}% used`;
  if (c.remainingMs === null) return '-';
  if (c.refreshable)
    return c.remainingMs > 0 ? `${formatDuration(c.remainingMs)}, renews on use` : `lapsed ${formatDuration(c.remainingMs)} ago, renews on use`;
  return c.remainingMs > 0 ? formatDuration(c.remainingMs) : `expired ${formatDuration(c.remainingMs)} ago`;
}

/** A usage window in a few words: `anthropic usage window 5h`. */
function usageName(c: Credential): string | null {
  return c.usage ? `${c.provider ?? ''} usage window ${c.usage.window}`.trim() : null;
}

/** A route record in a few words: `fallback google/gemini-2.5-pro`, `codex runtime`. */
function routeName(c: Credential): string | null {
  if (!c.route) return null;
  if (c.route.kind === 'runtime') return `${c.route.runtime ?? 'agent'} runtime for ${c.provider ?? 'its models'}`;
  return `${c.route.role ? `${c.route.role.replace('-', ' ')} ` : ''}${c.route.model ?? c.provider ?? 'model'}`;
}

/** What the credential is, in a few words: `anthropic:manual (agent work)`, `(agent main, shared with work)`. */
export function describe(c: Credential): string {
  const what = c.profileId ?? usageName(c) ?? routeName(c) ?? (c.provider ? `${c.provider} (no credential)` : c.source);
  const where = [
    ...(c.agent ? [`agent ${c.agent}`] : []),
    ...(c.sharedWith?.length ? [`shared with ${c.sharedWith.join(', ')}`] : []),
    ...(c.gateway?.name ? [`gateway ${c.gateway.name}`] : []),
  ].join(', ');
  return printable(where ? `${what} (${where})` : what);
}

/** `expired`, `expired (unused)` for a credential its holder would not use, `warn (snoozed)` while snoozed. */
function statusLabel(c: Credential): string {
  const marks = [...(c.inUse === false ? ['unused'] : []), ...(c.snoozed && c.status !== 'ok' && c.status !== 'static' ? ['snoozed'] : [])];
  return marks.length ? `${c.status} (${marks.join(', ')})` : c.status;
}

/** The table `authwatch status` prints. */
export function renderTable(report: CheckReport, color: boolean): string {
  // A GATEWAY column once there is more than the one unnamed gateway.
  const gateways = report.credentials.some((c) => c.gateway?.name);
  const rows = report.credentials.map((c) => [
    statusLabel(c),
    ...(gateways ? [printable(c.gateway?.name ?? '-')] : []),
    // A credential agents share is one row: its owner, then the others (`main+work`).
    printable([c.agent ?? '-', ...(c.sharedWith ?? [])].join('+')),
    printable(c.provider ?? '-'),
    printable(
      c.status === 'error' ? `(${c.source} failed)` : (c.profileId ?? (c.usage ? `(window ${c.usage.window})` : c.route ? `(${routeName(c)})` : '(none)')),
    ),
    c.usage ? 'usage' : (c.type ?? '-'),
    c.usage?.resetAt ? localTime(c.usage.resetAt) : c.expiresAt === null ? '-' : localTime(c.expiresAt),
    c.status === 'error' ? '-' : timeLeft(c),
  ]);
  const header = ['STATUS', ...(gateways ? ['GATEWAY'] : []), 'AGENT', 'PROVIDER', 'PROFILE', 'TYPE', 'EXPIRES', 'LEFT'];
  // reduce, not Math.max(...): spreading one argument per row overflows the stack at ~100,000 rows.
  const widths = header.map((h, i) => rows.reduce((width, r) => Math.max(width, r[i]!.length), h.length));
  const line = (cells: string[], status?: Status) =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i]!);
        return i === 0 && status ? paint(padded, status, color) : padded;
      })
      .join('  ');
  return `${[line(header), ...rows.map((r, i) => line(r, report.credentials[i]!.status))].join('\n')}\n`;
}

/** Each credential that needs attention, with why and what to run. Empty when all is well. */
export function renderProblems(report: CheckReport, color: boolean): string {
  const out: string[] = [];
  for (const c of report.credentials) {
    if (c.status === 'ok' || c.status === 'static') continue;
    const when =
      c.status === 'error'
        ? ''
        : c.expiresAt === null
          ? ''
          : c.remainingMs !== null && c.remainingMs > 0
            ? `, expires ${localTime(c.expiresAt)} (in ${formatDuration(c.remainingMs)})`
            : `, ${c.refreshable ? 'access token lapsed' : 'expired'} ${localTime(c.expiresAt)} (${formatDuration(c.remainingMs ?? 0)} ago)`;
    out.push(`${paint(statusLabel(c), c.status, color)}: ${describe(c)}${when}${c.detail ? ` — ${printable(c.detail)}` : ''}`);
    if (c.snoozed) out.push(`  ${snoozeLine(c.snoozed)}`);
    if (c.remedyText) for (const step of printableLines(c.remedyText).split('\n')) out.push(`  ${step}`);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** One line that sums up the report: `3 credentials: 1 critical, 2 ok (worst: critical, exit 2)`. */
export function renderSummary(report: CheckReport): string {
  const exit = exitCodeFor(report.credentials);
  const failed = report.errors.length;
  const sources = failed ? `${failed} source${failed === 1 ? '' : 's'} failed` : '';
  const counts = new Map<Status, number>();
  let unused = 0;
  for (const c of report.credentials) {
    if (c.inUse === false) unused++;
    else if (c.status !== 'error') counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  }
  const n = report.credentials.length - failed;
  if (n === 0 && failed === 0) {
    return 'No credentials found: OpenClaw reports no auth profiles and no provider in use, and there is no Claude Code login. Set one up with: openclaw models auth login --provider <id>\n';
  }
  if (n === 0) return `Could not determine the status: ${sources} (exit ${exit}).\n`;
  const parts = [...[...counts].map(([status, k]) => `${k} ${status}`), ...(unused ? [`${unused} unused`] : [])].join(', ');
  return `${n} credential${n === 1 ? '' : 's'}: ${parts}${sources ? `; ${sources}` : ''} (worst: ${worstStatus(report.credentials)}, exit ${exit})\n`;
}

/**
 * One summary line per gateway (`server: 1 credential: 1 expired (worst: expired, exit 1)`), for a
 * phone widget's toasts, worst first (the records' order); records of no named gateway (other
 * sources, an unnamed gateway) come first, as `this host`. With no named gateway: the one line.
 */
export function renderSummaries(report: CheckReport): string {
  const groups = new Map<string | null, CheckReport['credentials']>([[null, []]]);
  for (const c of report.credentials) {
    const key = c.gateway?.name ?? null;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  if (groups.size === 1) return renderSummary(report);
  return [...groups]
    .filter(([key, credentials]) => key !== null || credentials.length > 0)
    .map(([key, credentials]) => {
      const errors = credentials.filter((c) => c.status === 'error').map((c) => ({ source: c.source, message: c.detail ?? '' }));
      return `${key === null ? 'this host' : printable(key)}: ${renderSummary({ ...report, credentials, errors })}`;
    })
    .join('');
}

/** One line per delivery that failed, and a count of those that worked. Empty when nothing was sent. */
export function renderNotifications(report: CheckReport): string {
  if (report.notifications.length === 0) return '';
  const sent = report.notifications.filter((n) => n.ok).length;
  const lines = [`Notifications: ${sent} of ${report.notifications.length} delivered`];
  for (const n of report.notifications) {
    if (!n.ok) lines.push(`  failed: ${printable(n.message ?? 'failed')}${n.queued ? ' (kept; retried on the next run)' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

const elapsed = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/**
 * How OpenClaw was read, one line per OpenClaw source: `read via gateway ws://127.0.0.1:18789 in
 * 140 ms (route facts from the CLI, 12m old)`, or `read via the CLI in 5.3 s (gateway: …)`.
 */
export function renderTransport(report: CheckReport): string {
  const lines: string[] = [];
  for (const s of report.sources) {
    const gateway = s.gateway ? `gateway ${printable(s.gateway)}: ` : '';
    if (s.via === 'gateway') {
      const routes =
        s.routesAgeMs === undefined || s.routesAgeMs === null
          ? ''
          : s.routesAgeMs < 1000
            ? ' (route facts from a CLI pass in this check)'
            : ` (route facts from the CLI, ${formatDuration(s.routesAgeMs)} old)`;
      lines.push(`${gateway}read via gateway ${printable(s.url ?? '')} in ${elapsed(s.durationMs)}${routes}`);
    } else if (s.via === 'cli') {
      const on = s.ssh ? ` on ${printable(s.ssh)}` : '';
      lines.push(`${gateway}read via the CLI${on} in ${elapsed(s.durationMs)}${s.fallbackReason ? ` (gateway not used: ${printable(s.fallbackReason)})` : ''}`);
      // The CLI's JSON carries no subscription windows: say so, rather than show none as if all were fine.
      lines.push(`${gateway}usage windows: not read (they need the gateway)`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/**
 * `status --explain`: which thresholds judged each credential, and the rule they came from. Usage
 * windows go by `usage.warn`/`usage.critical`; records without an expiry by none.
 */
export function renderExplain(report: CheckReport, config: Pick<Config, 'thresholds' | 'usage'>): string {
  const resolve = thresholdsResolver(config);
  const lines = report.credentials.map((c) => {
    if (c.usage) return `${describe(c)}: usage warn ${config.usage.warn}%, critical ${config.usage.critical}% (usage)`;
    const { thresholds, rule } = resolve(c);
    const values = c.refreshable
      ? `lapsed ${formatDuration(thresholds.lapsed)}`
      : `warn ${formatDuration(thresholds.warn)}, critical ${formatDuration(thresholds.critical)}`;
    const from = describeRule(config.thresholds.rules, rule);
    return c.expiresAt === null && !c.refreshable ? `${describe(c)}: no expiry, no thresholds (${from} would apply)` : `${describe(c)}: ${values} (${from})`;
  });
  return lines.length ? `\nThresholds:\n${lines.map((l) => `  ${printable(l)}\n`).join('')}` : '';
}

/** `snoozed until 2026-12-06 18:00 (by "openclaw:lab:*"): on it`. */
function snoozeLine(s: NonNullable<Credential['snoozed']>): string {
  return printable(`snoozed until ${localTime(s.until)} (by "${s.pattern}")${s.reason ? `: ${s.reason}` : ''}; no alerts until then`);
}
