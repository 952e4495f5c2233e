import type { CheckReport } from '../monitor/report.js';
import { STATUSES, type Credential } from '../monitor/types.js';

/** What the metrics describe: the last check, and notification totals since the state began. */
export type MetricsInput = Pick<CheckReport, 'credentials' | 'errors' | 'durationMs' | 'checkedAt' | 'notificationTotals'> &
  Partial<Pick<CheckReport, 'sources'>>;

/** A label value in the text format: backslash, double quote and newline escaped. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: Record<string, string>): string {
  return `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;
}

/** Profile label: the profile id, or the record id when there is none, so series never collide. */
function profileOf(c: Credential): string {
  return c.profileId ?? c.id;
}

/** `gateway` label, for a credential of a named OpenClaw gateway only: the series of one unnamed gateway stay as they were. */
function gatewayOf(c: Credential): { gateway?: string } {
  return c.gateway?.name ? { gateway: c.gateway.name } : {};
}

/** `in_use` label: "false" for a credential its holder would not use, so rules can leave it out. */
function inUse(c: Credential): string {
  return c.inUse === false ? 'false' : 'true';
}

/**
 * Renders the Prometheus text exposition format (version 0.0.4). Metric names are a contract
 * that alerting rules depend on: add, never rename.
 */
export function renderMetrics(input: MetricsInput): string {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, samples: string[]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    // A loop, not push(...samples): spreading 100,000 arguments overflows the call stack.
    for (const sample of samples) out.push(sample);
  };
  const seconds = (ms: number) => String(ms / 1000);

  family(
    'authwatch_credential_expiry_timestamp_seconds',
    'gauge',
    'When the credential expires, as a Unix timestamp; absent for credentials without an expiry.',
    input.credentials
      .filter((c) => c.expiresAt !== null && c.status !== 'error')
      .map(
        (c) =>
          `authwatch_credential_expiry_timestamp_seconds${labels({ ...gatewayOf(c), agent: c.agent ?? '', provider: c.provider ?? '', profile: profileOf(c), type: c.type ?? '', in_use: inUse(c) })} ${seconds(c.expiresAt!)}`,
      ),
  );
  family(
    'authwatch_credential_status',
    'gauge',
    'The credential status: 1 for the current one, 0 for the others.',
    input.credentials.flatMap((c) =>
      STATUSES.map(
        (status) =>
          `authwatch_credential_status${labels({ ...gatewayOf(c), agent: c.agent ?? '', provider: c.provider ?? '', profile: profileOf(c), in_use: inUse(c), status })} ${c.status === status ? 1 : 0}`,
      ),
    ),
  );
  family(
    'authwatch_credential_snoozed_until_timestamp_seconds',
    'gauge',
    'Until when `authwatch snooze` holds back its alerts, as a Unix timestamp; absent when not snoozed.',
    input.credentials
      .filter((c) => c.snoozed)
      .map(
        (c) =>
          `authwatch_credential_snoozed_until_timestamp_seconds${labels({ ...gatewayOf(c), agent: c.agent ?? '', provider: c.provider ?? '', profile: profileOf(c), reason: c.snoozed!.reason ?? '' })} ${seconds(c.snoozed!.until)}`,
      ),
  );
  family(
    'authwatch_usage_ratio',
    'gauge',
    "How much of a provider's subscription usage window is used, 0 to 1 (OpenClaw through its gateway).",
    input.credentials
      .filter((c) => c.usage)
      .map(
        (c) =>
          `authwatch_usage_ratio${labels({ ...gatewayOf(c), agent: c.agent ?? '', provider: c.provider ?? '', window: c.usage!.window, in_use: inUse(c) })} ${c.usage!.usedPercent / 100}`,
      ),
  );
  family('authwatch_check_success', 'gauge', 'Whether the last check could read every source (1) or not (0).', [
    `authwatch_check_success ${input.errors.length === 0 ? 1 : 0}`,
  ]);
  family('authwatch_check_duration_seconds', 'gauge', 'How long the last check took.', [`authwatch_check_duration_seconds ${seconds(input.durationMs)}`]);
  family(
    'authwatch_source_duration_seconds',
    'gauge',
    'How long the last check took to read each source, by source, gateway (OpenClaw, when named) and transport (gateway or cli).',
    (input.sources ?? []).map(
      (s) =>
        `authwatch_source_duration_seconds${labels({ source: s.source, ...(s.gateway ? { gateway: s.gateway } : {}), via: s.via })} ${seconds(s.durationMs)}`,
    ),
  );
  family('authwatch_last_check_timestamp_seconds', 'gauge', 'When the last check finished, as a Unix timestamp.', [
    `authwatch_last_check_timestamp_seconds ${seconds(input.checkedAt)}`,
  ]);
  family(
    'authwatch_notifications_total',
    'counter',
    'Notifications attempted, by notifier and result (delivered or failed).',
    Object.entries(input.notificationTotals).flatMap(([notifier, counts]) => [
      `authwatch_notifications_total${labels({ notifier, result: 'delivered' })} ${counts.delivered}`,
      `authwatch_notifications_total${labels({ notifier, result: 'failed' })} ${counts.failed}`,
    ]),
  );
  return `${out.join('\n')}\n`;
}
