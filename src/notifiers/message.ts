import { formatDuration } from '../config/duration.js';
import { printable, printableLines } from '../text.js';
import type { Alert } from './types.js';

/** The detail of a `resolved` sent because the credential vanished (e.g. replaced by a new profile). */
export const VANISHED = 'no longer reported by its source (replaced or removed)';

/** `anthropic:manual (agent work)`, or the provider/source when there is no profile. */
function subject(alert: Alert): string {
  const c = alert.credential;
  const what = c.profileId ?? (c.provider ? `${c.provider} credential` : `${c.source} source`);
  const gateway = c.gateway;
  const where = [...(c.agent ? [`agent ${c.agent}`] : []), ...(gateway ? [`gateway ${gateway}`] : [])].join(', ');
  return printable(where ? `${what} (${where})` : what);
}

/** A one-line title, free of control characters (names come from outside). */
export function alertTitle(alert: Alert): string {
  const prefix = `${alert.test ? '[TEST] ' : alert.event === 'reminder' ? 'Reminder: ' : ''}${alert.inUse === false ? 'Unused: ' : ''}`;
  if (alert.event === 'resolved') {
    return `${prefix}[RESOLVED] ${subject(alert)} ${alert.detail === VANISHED ? 'is no longer reported (replaced or removed)' : `is ${alert.status} again`}`;
  }
  const tag = `[${alert.status.toUpperCase()}]`;
  const left = alert.remainingMs;
  switch (alert.status) {
    case 'warn':
    case 'critical':
      return `${prefix}${tag} ${subject(alert)} expires in ${formatDuration(left ?? 0)}`;
    case 'expired':
      return `${prefix}${tag} ${subject(alert)} expired${left !== null ? ` ${formatDuration(left)} ago` : ''}`;
    case 'missing':
      return `${prefix}${tag} ${subject(alert)}: no usable credential`;
    case 'unusable':
      return `${prefix}${tag} ${subject(alert)} cannot be used`;
    case 'error':
      return `${prefix}${tag} ${printable(alert.credential.source)} could not be checked`;
    default:
      return `${prefix}${tag} ${subject(alert)}`;
  }
}

/** The body: why, what to run, and where. */
export function alertBody(alert: Alert): string {
  const lines: string[] = [];
  if (alert.event === 'resolved') {
    lines.push(alert.detail === VANISHED ? `Was ${alert.severity}; ${VANISHED}.` : `Was ${alert.severity}; now ${alert.status}.`);
  } else {
    if (alert.detail) lines.push(printable(alert.detail));
    if (alert.expiresAt !== null) lines.push(`Expiry: ${new Date(alert.expiresAt).toISOString()}`);
    if (alert.remedy) lines.push('', printableLines(alert.remedy));
  }
  lines.push('', `Host: ${printable(alert.host)}`);
  return lines.join('\n').trim();
}

/** The versioned JSON document posted by the generic webhook and given to command notifiers. */
export function alertPayload(alert: Alert) {
  return {
    version: 1,
    type: 'authwatch.alert',
    id: alert.id,
    streamId: alert.streamId,
    event: alert.event,
    status: alert.status,
    severity: alert.severity,
    test: alert.test === true,
    inUse: alert.inUse !== false,
    title: alertTitle(alert),
    credential: alert.credential,
    expiresAt: alert.expiresAt === null ? null : new Date(alert.expiresAt).toISOString(),
    remainingMs: alert.remainingMs,
    timeLeft: alert.remainingMs === null ? null : formatDuration(alert.remainingMs),
    detail: alert.detail,
    remedy: alert.remedy,
    host: alert.host,
    checkedAt: new Date(alert.checkedAt).toISOString(),
  };
}

const CHAT_MARK: Partial<Record<Alert['status'], string>> = { warn: '⚠️', critical: '🔴', expired: '⛔', missing: '⛔', unusable: '⛔', error: '❓' };

/**
 * A chat message short enough for a phone's lock screen: the title (status, credential, agent,
 * time left), the commands that fix it as code, and the host. Markdown: chat channels render
 * `code` as such (OpenClaw converts it per channel); the rest is plain text.
 */
export function chatText(alert: Alert): string {
  const mark = alert.event === 'resolved' ? '✅' : (CHAT_MARK[alert.status] ?? '🔑');
  const lines = [`${mark} ${alertTitle(alert)}`];
  if (alert.event !== 'resolved' && alert.remedy) {
    // Each remedy line names its command after a colon ("Then: openclaw …"); shown as code.
    for (const line of printableLines(alert.remedy).split('\n').slice(0, 3)) {
      const command = /^(.*?:\s)((?:ssh -t |openclaw |claude ).*)$/.exec(line);
      lines.push(command ? `${command[1]}\`${command[2]!.replaceAll('`', "'")}\`` : line);
    }
  }
  lines.push(`on ${printable(alert.host)}`);
  return lines.join('\n');
}
