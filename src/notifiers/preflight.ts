import { existsSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { which } from '../deploy/facts.js';
import { describeStderr, runProgram } from '../process/run.js';
import { printable } from '../text.js';
import type { ChannelNeeds, Notifier } from './types.js';

export type PreflightLine = ['ok' | 'warn' | 'FAIL', string];
type Env = Record<string, string | undefined>;

/** How long each try may take: a DNS answer and a TCP handshake, a D-Bus call, a Termux:API call. */
const TRY_MS = 5_000;

/**
 * What `doctor` tries of a channel's surroundings before an alert needs them: the servers it
 * would post to (resolved and connected to, nothing sent), the session bus a desktop pop-up
 * needs, the Termux:API app behind termux-notification.
 */
export async function preflight(notifier: Notifier, env: Env): Promise<PreflightLine[]> {
  const needs: ChannelNeeds | undefined = notifier.needs;
  if (!needs) return [];
  const label = `notifier ${notifier.type} "${notifier.name}"`;
  if ('servers' in needs) return Promise.all(needs.servers.map(async (server) => tagged(label, await reach(server.host, server.port))));
  if ('sessionBus' in needs) return [tagged(label, await sessionBus(env))];
  return [tagged(label, await termuxApi(env))];
}

const tagged = (label: string, [verdict, text]: PreflightLine): PreflightLine => [verdict, `${label}: ${text}`];

/** The name resolved and a TCP connection accepted (then closed, nothing written). */
export async function reach(host: string, port: number): Promise<PreflightLine> {
  const where = `${host}:${port}`;
  let address: string;
  try {
    address = (await withDeadline(lookup(host), `no DNS answer within ${TRY_MS / 1000} s`)).address;
  } catch (error) {
    return ['FAIL', `${where}: cannot resolve ${host} (${reason(error)})`];
  }
  const at = address === host ? where : `${where} (${address})`;
  const opened = await connects({ host: address, port });
  return opened.ok ? ['ok', `${at} accepts connections (nothing sent)`] : ['FAIL', `${at} cannot be reached (${opened.why})`];
}

/**
 * notify-send needs a D-Bus session bus (libnotify's GDBus finds it by DBUS_SESSION_BUS_ADDRESS,
 * else $XDG_RUNTIME_DIR/bus, else it tries X11 autolaunch) and a notification server on it.
 * This shell's environment stands for the job's: a systemd user service gets the user's bus, a
 * cron job none.
 */
async function sessionBus(env: Env): Promise<PreflightLine> {
  const socket = busSocket(env);
  if (!socket) {
    return env.DISPLAY
      ? ['warn', `no session bus; notify-send will try to start one through the X display ${printable(env.DISPLAY)}`]
      : [
          'FAIL',
          'no session bus (DBUS_SESSION_BUS_ADDRESS unset, no $XDG_RUNTIME_DIR/bus, no DISPLAY), so notify-send cannot show anything: on a headless host use ntfy, a webhook or e-mail',
        ];
  }
  const opened = await connects({ path: socket.path });
  if (!opened.ok) return ['FAIL', `the session bus ${socket.shown} does not answer (${opened.why})`];
  if (!which('dbus-send', env)) return ['ok', `session bus ${socket.shown} answers (install dbus-send to ask for the notification server too)`];
  const asked = await runProgram(
    [
      'dbus-send',
      '--session',
      '--print-reply',
      `--reply-timeout=${TRY_MS}`,
      '--dest=org.freedesktop.Notifications',
      '/org/freedesktop/Notifications',
      'org.freedesktop.Notifications.GetServerInformation',
    ],
    { timeoutMs: TRY_MS + 1_000, env },
  );
  if (!asked.ok) return ['FAIL', `session bus ${socket.shown}: ${asked.message}`];
  if (asked.exitCode !== 0)
    return ['FAIL', `no notification server on the session bus ${socket.shown} (${describeStderr(asked.stderr)}): start one (dunst, mako, your desktop's)`];
  const [server, vendor, version] = [...asked.stdout.matchAll(/string "([^"]*)"/g)].map((m) => printable(m[1]!));
  return ['ok', `notification server ${server ?? '?'}${vendor ? ` (${vendor}${version ? ` ${version}` : ''})` : ''} on the session bus ${socket.shown}`];
}

/** The Unix socket of the session bus this environment names, or none. */
function busSocket(env: Env): { path: string; shown: string } | undefined {
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (address) {
    for (const entry of address.split(';')) {
      const path = /^unix:(?:.*,)?path=([^,]+)/.exec(entry)?.[1];
      if (path) return { path: decodeURIComponent(path), shown: printable(decodeURIComponent(path)) };
      const abstract = /^unix:(?:.*,)?abstract=([^,]+)/.exec(entry)?.[1];
      if (abstract) return { path: `\0${decodeURIComponent(abstract)}`, shown: `@${printable(decodeURIComponent(abstract))}` };
    }
    return undefined;
  }
  const fallback = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'bus') : undefined;
  return fallback && existsSync(fallback) ? { path: fallback, shown: printable(fallback) } : undefined;
}

/** Whether a TCP or Unix socket accepts a connection (closed at once, nothing written), within the try's time. */
async function connects(to: { host: string; port: number } | { path: string }): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    await withDeadline(
      new Promise<void>((resolve, reject) => {
        const socket = connect(to, () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      }),
      `no answer within ${TRY_MS / 1000} s`,
    );
    return { ok: true };
  } catch (error) {
    return { ok: false, why: reason(error) };
  }
}

/**
 * termux-notification hangs, rather than fails, when the Termux:API app is missing or may not
 * run. Removing a notification nobody posted asks the same app and changes nothing.
 */
async function termuxApi(env: Env): Promise<PreflightLine> {
  const asked = await runProgram(['termux-notification-remove', 'authwatch-doctor'], { timeoutMs: TRY_MS, env });
  if (!asked.ok && asked.kind === 'timeout')
    return [
      'FAIL',
      `Termux:API did not answer within ${TRY_MS / 1000} s: install the Termux:API app from where Termux came from (F-Droid or GitHub, not both), and open it once`,
    ];
  if (!asked.ok) return ['FAIL', `Termux:API: ${asked.message}`];
  if (asked.exitCode !== 0) return ['FAIL', `Termux:API answered exit ${asked.exitCode}: ${describeStderr(asked.stderr)}`];
  return ['ok', 'Termux:API answers'];
}

function withDeadline<T>(work: Promise<T>, timedOut: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(timedOut)), TRY_MS);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(error);
}
