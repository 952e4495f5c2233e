import { currentProvider } from '../openclaw/providers.js';
import { formatDuration } from '../config/duration.js';
import { printable, printableLines } from '../text.js';
import { localTimeWithZone } from '../local-time.js';
import type { Alert } from './types.js';

/** The detail of a `resolved` sent because the credential vanished (e.g. replaced by a new profile). */
export const VANISHED = 'no longer reported by its source (replaced or removed)';

/** How a title is written: our own words, and names from outside (which a formatted channel must show as they are). */
interface TitleStyle {
  words(text: string): string;
  name(text: string): string;
}
const PLAIN: TitleStyle = { words: (text) => text, name: printable };

/**
 * `anthropic:manual (agent main, shared with work)`, `anthropic usage window Week (agent main)`, or
 * the provider/source when there is no profile.
 */
function subject(alert: Alert, { words, name }: TitleStyle): string {
  const c = alert.credential;
  const what = c.profileId ?? null;
  const named =
    what !== null
      ? name(what)
      : c.window !== undefined
        ? `${c.provider ? `${name(c.provider)} ` : ''}${words('usage window ')}${name(c.window)}`
        : c.provider
          ? `${name(c.provider)}${words(' credential')}`
          : `${name(c.source)}${words(' source')}`;
  const where = [
    ...(c.agent ? [`${words('agent ')}${name(c.agent)}`] : []),
    ...(c.sharedWith?.length ? [`${words('shared with ')}${c.sharedWith.map(name).join(words(', '))}`] : []),
    ...(c.gateway ? [`${words('gateway ')}${name(c.gateway)}`] : []),
  ];
  return where.length ? `${named}${words(' (')}${where.join(words(', '))}${words(')')}` : named;
}

/** A one-line title, free of control characters (names come from outside). */
export function alertTitle(alert: Alert, style: TitleStyle = PLAIN): string {
  const { words } = style;
  const prefix = words(`${alert.test ? '[TEST] ' : alert.event === 'reminder' ? 'Reminder: ' : ''}${alert.inUse === false ? 'Unused: ' : ''}`);
  const who = subject(alert, style);
  if (alert.event === 'resolved') {
    return `${prefix}${words('[RESOLVED] ')}${who}${words(alert.detail === VANISHED ? ' is no longer reported (replaced or removed)' : ` is ${alert.status} again`)}`;
  }
  const tag = words(`[${alert.status.toUpperCase()}] `);
  const left = alert.remainingMs;
  switch (alert.status) {
    case 'warn':
    case 'critical':
      if (alert.usedPercent !== undefined) return `${prefix}${tag}${who}${words(` is ${Math.round(alert.usedPercent)}% used`)}`;
      if (alert.renewsOnUse) return `${prefix}${tag}${who}${words(` lapsed ${formatDuration(left ?? 0)} ago unrenewed`)}`;
      return `${prefix}${tag}${who}${words(` expires in ${formatDuration(left ?? 0)}`)}`;
    case 'expired':
      return `${prefix}${tag}${who}${words(` expired${left !== null ? ` ${formatDuration(left)} ago` : ''}`)}`;
    case 'missing':
      return `${prefix}${tag}${who}${words(': no usable credential')}`;
    case 'unusable':
      return `${prefix}${tag}${who}${words(alert.usedPercent !== undefined ? ' is used up' : ' cannot be used')}`;
    case 'error':
      return `${prefix}${tag}${style.name(alert.credential.source)}${words(' could not be checked')}`;
    default:
      return `${prefix}${tag}${who}`;
  }
}

/** `Expires: 2026-12-06 18:00 UTC+01:00`: in the host's zone, as `status` shows it, with the offset for a reader elsewhere. */
export function expiryLine(alert: Alert): string | undefined {
  if (alert.expiresAt === null) return undefined;
  return `${alert.expiresAt > alert.checkedAt ? 'Expires' : 'Expired'}: ${localTimeWithZone(alert.expiresAt)}`;
}

/** The body: why, what to run, and where. */
export function alertBody(alert: Alert): string {
  const lines: string[] = [];
  if (alert.event === 'resolved') {
    lines.push(alert.detail === VANISHED ? `Was ${alert.severity}; ${VANISHED}.` : `Was ${alert.severity}; now ${alert.status}.`);
  } else {
    if (alert.detail) lines.push(printable(alert.detail));
    const expiry = expiryLine(alert);
    if (expiry) lines.push(expiry);
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
    /** When the episode began: its first firing (a channel added later is told then, with this). */
    startedAt: alert.startedAt === undefined ? null : new Date(alert.startedAt).toISOString(),
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

/** Text for a reader of `&`, `<` and `>` markup (a notification server's body, Slack): those three as entities. */
export function markupLiteral(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/**
 * Markdown that shows `text` as it is (CommonMark, as OpenClaw's channels and Discord read it):
 * every ASCII punctuation character backslash-escaped, so that no name or detail becomes a link,
 * emphasis, code, HTML or an auto-linked domain.
 */
export function markdownLiteral(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** A Markdown code span that holds `text` exactly: fenced by more backticks than any run inside it. */
export function markdownCode(text: string): string {
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  // A space each side is stripped again by the reader; without it a leading backtick would join the fence.
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Text for OpenClaw's chat Markdown that shows as written. OpenClaw turns tag-like text outside
 * code back into Telegram tags, escaped or not (2026.9.6: `&lt;a href=…&gt;` arrived as a link), so
 * text that holds `<` or `&` goes into a code span, where it stays text; the rest is escaped.
 */
function chatLiteral(text: string): string {
  return /[<&]/.test(text) ? markdownCode(text) : markdownLiteral(text);
}

/** Names in chat titles: code spans, exactly as written. */
const CHAT_TITLE: TitleStyle = { words: markdownLiteral, name: (text) => markdownCode(printable(text)) };

/**
 * OpenClaw's own chat sign-in, for an OAuth login of its that needs renewing: `/login <provider>`
 * in a private chat with the gateway (owner or admin) fixes it from the phone, no terminal needed
 * (OpenClaw 2026.9's slash commands). Nothing for tokens and API keys, which chat cannot renew.
 */
function chatLogin(alert: Alert): string | null {
  const { source, type, provider } = alert.credential;
  if (alert.event === 'resolved' || source !== 'openclaw' || type !== 'oauth' || !provider || !/^[a-z0-9][a-z0-9._-]*$/.test(provider)) return null;
  return `/login ${currentProvider(provider)}`;
}

/**
 * A chat message short enough for a phone's lock screen: the title (status, credential, agent,
 * time left), the commands that fix it as code, and the host. Markdown, which OpenClaw converts
 * per channel: the commands are code spans, everything else (names from outside included) literal.
 */
export function chatText(alert: Alert): string {
  const mark = alert.event === 'resolved' ? '✅' : (CHAT_MARK[alert.status] ?? '🔑');
  const lines = [`${mark} ${alertTitle(alert, CHAT_TITLE)}`];
  const login = chatLogin(alert);
  if (login) lines.push(`${chatLiteral('In a private chat with the gateway (owner or admin): ')}${markdownCode(login)}`);
  if (alert.event !== 'resolved' && alert.remedy) {
    // Each remedy line names its command after a colon ("Then: openclaw …"); shown as code.
    for (const line of printableLines(alert.remedy).split('\n').slice(0, 3)) {
      const command = /^(.*?:\s)((?:ssh -t |openclaw |claude ).*)$/.exec(line);
      lines.push(command ? `${chatLiteral(command[1]!)}${markdownCode(command[2]!)}` : chatLiteral(line));
    }
  }
  lines.push(`on ${chatLiteral(printable(alert.host))}`);
  return lines.join('\n');
}
