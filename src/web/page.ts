import { describe, renderTransport, timeLeft } from '../cli/render.js';
import type { Config } from '../config/schema.js';
import { crypto } from '../lazy-crypto.js';
import { localTime, utcOffset } from '../local-time.js';
import type { HistoryEvent } from '../monitor/history.js';
import { type CheckReport, worstStatus } from '../monitor/report.js';
import { thresholdsResolver } from '../monitor/thresholds.js';
import type { Credential, Status } from '../monitor/types.js';
import { printable, printableLines } from '../text.js';

/** Text for HTML: control characters shown as escapes first (printable), then markup escaped. */
export function html(text: string): string {
  return printable(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;

const CSS = `
:root{color-scheme:light dark;--ok:#2e7d32;--warn:#b26a00;--critical:#d84315;--bad:#c62828;--error:#6a1b9a;--muted:#777}
*{box-sizing:border-box}body{font:15px/1.45 system-ui,sans-serif;margin:0;padding:12px;max-width:1100px;margin-inline:auto}
h1{font-size:1.3em;margin:.2em 0}h2{font-size:1.05em;margin:0 0 .3em}header p,.meta{color:var(--muted);margin:.2em 0;font-size:.9em}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:10px;margin:12px 0}
.card{border:1px solid #8884;border-left:6px solid var(--c);border-radius:6px;padding:10px;overflow-wrap:anywhere}
.pill{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;background:var(--c);font-size:.85em;font-weight:600}
.s-ok,.s-static{--c:var(--ok)}.s-warn{--c:var(--warn)}.s-critical{--c:var(--critical)}.s-expired,.s-missing,.s-unusable{--c:var(--bad)}.s-error{--c:var(--error)}
meter{width:100%;height:10px}pre{white-space:pre-wrap;background:#8881;padding:6px;border-radius:4px;user-select:all;font-size:.85em;margin:.4em 0}
form{margin:.3em 0}button{font:inherit;padding:2px 10px}
.timeline svg{width:100%;height:22px;display:block}.timeline .row{margin:6px 0}.dot-fired,.dot-reminded{fill:var(--warn)}.dot-resolved,.dot-renewed{fill:var(--ok)}
.dot-snoozed,.dot-unsnoozed{fill:var(--muted)}.dot-source-failing{fill:var(--error)}.dot-source-recovered,.dot-transport-switched{fill:var(--muted)}
.axis{stroke:#8886}ol{padding-left:1.2em;font-size:.9em}
`.trim();

/** Times shown in the viewer's own zone where scripts run; the host's local time with its offset otherwise. */
const SCRIPT = `for(const t of document.querySelectorAll('time[data-local]'))t.textContent=new Date(t.dateTime).toLocaleString([],{dateStyle:'medium',timeStyle:'short'});`;

const hash = (text: string) => `'sha256-${crypto().createHash('sha256').update(text).digest('base64')}'`;

/** The page's Content-Security-Policy: nothing from anywhere but its own inline style and script (by hash) and its own forms. */
export function pageCsp(): string {
  return `default-src 'none'; style-src ${hash(CSS)}; script-src ${hash(SCRIPT)}; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
}

/** `2026-12-06 14:03 +01:00`, the host's local time with its offset (what shows without scripts). */
function hostTime(ms: number): string {
  return `${localTime(ms)} ${utcOffset(ms)}`;
}

function time(ms: number): string {
  return `<time data-local datetime="${new Date(ms).toISOString()}">${html(hostTime(ms))}</time>`;
}

export interface PageInput {
  report: CheckReport;
  config: Pick<Config, 'thresholds' | 'usage'>;
  /** The last 7 days of history, oldest first. */
  history: readonly HistoryEvent[];
  now: number;
  /** The hidden fields of a signed Snooze 4h form for a credential, or undefined for none. */
  snoozeFields: (c: Credential) => Record<string, string> | undefined;
}

/** The status page: every credential, how it was read, and the last 7 days. Server-rendered; scripts only localise times. */
export function renderPage({ report, config, history, now, snoozeFields }: PageInput): string {
  const worst = worstStatus(report.credentials);
  const resolve = thresholdsResolver(config);
  const cards = report.credentials.map((c) => card(c, { warnMs: resolve(c).thresholds.warn, usage: config.usage }, snoozeFields(c))).join('\n');
  // OpenClaw's own words for how it was read (as `status` prints them), and a line for each other source.
  const others = report.sources
    .filter((s) => s.via !== 'gateway' && s.via !== 'cli')
    .map((s) => `${s.source} read via ${s.via} in ${Math.round(s.durationMs)} ms`);
  const read = [...renderTransport(report).trim().split('\n').filter(Boolean), ...others];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="60"><title>authwatch: ${html(worst)}</title><style>${CSS}</style></head>
<body>
<header><h1>authwatch <span class="pill s-${worst}">${html(worst)}</span></h1>
<p>Last check ${time(report.checkedAt)}, ${report.credentials.length} credential${report.credentials.length === 1 ? '' : 's'}${report.errors.length ? `, ${report.errors.length} source${report.errors.length === 1 ? '' : 's'} failed` : ''}</p>
${read.map((line) => `<p>${html(line)}</p>`).join('\n')}
</header>
<main>
<section class="cards">
${cards || '<p>No credentials found.</p>'}
</section>
${timeline(report.credentials, history, now)}
</main>
<script>${SCRIPT}</script>
</body></html>
`;
}

/** One credential: status, time left against its warn window, expiry, snooze, remedy, and a Snooze button when it is bad. */
function card(c: Credential, { warnMs, usage }: { warnMs: number; usage: Config['usage'] }, snooze: Record<string, string> | undefined): string {
  const status = c.status;
  const gauge = c.usage
    ? `<meter min="0" max="100" low="${usage.warn}" high="${usage.critical}" optimum="0" value="${Math.min(100, c.usage.usedPercent)}" title="${Math.round(c.usage.usedPercent)}% used"></meter>`
    : c.remainingMs !== null && !c.refreshable
      ? `<meter min="0" max="1" low="0.1" high="0.5" optimum="1" value="${Math.max(0, Math.min(1, c.remainingMs / warnMs)).toFixed(3)}" title="time left against the warn window"></meter>`
      : '';
  const when = c.usage?.resetAt
    ? `Resets ${time(c.usage.resetAt)}`
    : c.expiresAt !== null
      ? `${c.remainingMs !== null && c.remainingMs > 0 ? 'Expires' : c.refreshable ? 'Access token lapsed' : 'Expired'} ${time(c.expiresAt)}`
      : 'No expiry';
  const label = c.snoozed && status !== 'ok' && status !== 'static' ? `${status}, snoozed` : status;
  return `<article class="card s-${status}" id="${html(c.id)}">
<h2>${html(describe(c))} <span class="pill">${html(label)}</span></h2>
${gauge}
<p class="meta">${[when, ...(c.status === 'error' ? ['not read'] : c.remainingMs === null && !c.usage ? [] : [html(timeLeft(c))]), html([c.provider, c.type, c.source].filter(Boolean).join(', '))].join('; ')}</p>
${c.detail ? `<p>${html(c.detail)}</p>` : ''}
${c.snoozed ? `<p class="meta">Snoozed until ${time(c.snoozed.until)}${c.snoozed.reason ? `: ${html(c.snoozed.reason)}` : ''}</p>` : ''}
${c.remedyText ? `<pre>${printableLines(c.remedyText).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)}</pre>` : ''}
${
  snooze
    ? `<form method="post" action="/api/snooze">${Object.entries(snooze)
        .map(([k, v]) => `<input type="hidden" name="${k}" value="${html(v)}">`)
        .join('')}<button>Snooze 4h</button></form>`
    : ''
}
</article>`;
}

/** The last 7 days: a strip per credential with one dot per event, then the events, newest first. */
function timeline(credentials: readonly Credential[], history: readonly HistoryEvent[], now: number): string {
  const start = now - WEEK;
  const ids = [...new Set(history.map((e) => e.id))];
  const known = new Map(credentials.map((c) => [c.id, describe(c)]));
  const x = (at: number) => (((at - start) / WEEK) * 700).toFixed(1);
  const ticks = Array.from({ length: 8 }, (_, d) => `<line class="axis" x1="${d * 100}" x2="${d * 100}" y1="2" y2="20"/>`).join('');
  const rows = ids
    .map((id) => {
      const dots = history
        .filter((e) => e.id === id)
        // A bar, not a dot: the strip stretches to the page's width, and a bar stays a bar.
        .map((e) => {
          const at = Number(x(e.at)) - 2;
          return `<rect class="dot-${e.kind.replace(' ', '-')}" x="${at.toFixed(1)}" y="3" width="4" height="16"><title>${html(`${hostTime(e.at)} ${e.kind}`)}</title></rect>`;
        })
        .join('');
      return `<div class="row"><div class="meta">${html(known.get(id) ?? id)}</div><svg viewBox="-6 0 712 22" preserveAspectRatio="none" role="img" aria-label="${html(`events of ${id}`)}">${ticks}${dots}</svg></div>`;
    })
    .join('\n');
  const items = [...history]
    .reverse()
    .slice(0, 100)
    .map((e) => `<li>${time(e.at)} <strong>${html(e.kind)}</strong> ${html(known.get(e.id) ?? e.id)}${e.status ? ` (${html(e.status)})` : ''}</li>`)
    .join('\n');
  return `<section class="timeline"><h2>Last 7 days</h2>
${rows || '<p class="meta">Nothing happened.</p>'}
${items ? `<ol reversed>\n${items}\n</ol>` : ''}
</section>`;
}

const BADGE_COLOURS: Record<Status, string> = {
  ok: '#4c1',
  static: '#4c1',
  warn: '#dfb317',
  critical: '#fe7d37',
  expired: '#e05d44',
  missing: '#e05d44',
  unusable: '#e05d44',
  error: '#9f9f9f',
};

/** A shields-style badge: `authwatch | <worst status>`. */
export function badgeSvg(status: Status | 'starting'): string {
  const colour = status === 'starting' ? '#9f9f9f' : BADGE_COLOURS[status];
  const left = 'authwatch';
  const width = (text: string) => 10 + text.length * 7;
  const [a, b] = [width(left), width(status)];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${a + b}" height="20" role="img" aria-label="${left}: ${status}"><title>${left}: ${status}</title>
<rect width="${a}" height="20" fill="#555"/><rect x="${a}" width="${b}" height="20" fill="${colour}"/>
<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11"><text x="${a / 2}" y="14">${left}</text><text x="${a + b / 2}" y="14">${status}</text></g></svg>
`;
}
