import { join } from 'node:path';
import { stateDir } from '../config/paths.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { readRegularFile } from '../fs-read.js';
import { runForDelivery } from './exec.js';
import { alertBody, alertTitle, markupLiteral } from './message.js';
import type { DesktopConfig } from './schemas.js';
import type { Alert, DeliveryResult, Notifier } from './types.js';

/** AppleScript string literal: backslashes and double quotes escaped, inside double quotes. */
export function appleScriptString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * notify-send asks the daemon for the notification's id (`--print-id`) and, for a credential that
 * has one on screen, replaces it (`--replace-id`): a reminder or a resolution takes the place of
 * the last alert instead of stacking beside it (libnotify 0.7.9 or later).
 */
export function desktopArgv(alert: Alert, backend: 'notify-send' | 'osascript', replaceId?: number): string[] {
  const title = alertTitle(alert);
  if (backend === 'osascript') {
    return ['osascript', '-e', `display notification ${appleScriptString(alertBody(alert))} with title ${appleScriptString(title)}`];
  }
  // The body is markup to a notification server ("body-markup" in the Desktop Notifications spec):
  // `&`, `<` and `>` as entities, so that a name shows as written and no tag or link acts.
  const body = markupLiteral(alertBody(alert));
  const urgency = alert.inUse === false ? 'low' : alert.event === 'resolved' || alert.status === 'warn' ? 'normal' : 'critical';
  return [
    'notify-send',
    '--app-name=authwatch',
    `--urgency=${urgency}`,
    '--print-id',
    ...(replaceId !== undefined ? [`--replace-id=${replaceId}`] : []),
    title,
    body,
  ];
}

/**
 * The id of each credential's notification on screen, per notifier, kept in the state dir
 * (`desktop-notifications.json`, 0600) between runs. Only ids: nothing about the credential
 * beyond its id. A file that cannot be read is started afresh: the worst case is one stacked
 * notification.
 */
class NotificationIds {
  constructor(
    private readonly path: string,
    private readonly notifier: string,
  ) {}

  private async all(): Promise<Record<string, Record<string, number>>> {
    try {
      const parsed: unknown = JSON.parse(await readRegularFile(this.path, 1024 * 1024));
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, Record<string, number>>) : {};
    } catch {
      return {};
    }
  }

  async get(credentialId: string): Promise<number | undefined> {
    const id = (await this.all())[this.notifier]?.[credentialId];
    return isNotificationId(id) ? id : undefined;
  }

  async set(credentialId: string, id: number | undefined): Promise<void> {
    const all = await this.all();
    const mine = { ...all[this.notifier] };
    if (id === undefined) delete mine[credentialId];
    else mine[credentialId] = id;
    all[this.notifier] = mine;
    await writeFileAtomic(this.path, `${JSON.stringify(all)}\n`);
  }
}

/** A notification id as the D-Bus spec has it: an unsigned 32-bit number, 0 meaning none. */
function isNotificationId(id: unknown): id is number {
  return Number.isInteger(id) && (id as number) > 0 && (id as number) <= 0xffff_ffff;
}

/** A desktop pop-up: notify-send (libnotify) on Linux, `osascript` on macOS. */
export function createDesktop(config: DesktopConfig, env: Record<string, string | undefined>): Notifier {
  // The configured backend; `auto` picks by OS.
  const backend = config.backend === 'auto' ? (process.platform === 'darwin' ? 'osascript' : 'notify-send') : config.backend;
  const name = config.name ?? 'desktop';
  const label = `desktop "${name}"`;
  const ids = new NotificationIds(join(stateDir(env), 'desktop-notifications.json'), name);

  return {
    name,
    type: 'desktop',
    timeoutMs: config.timeout,
    program: backend,
    ...(backend === 'notify-send' ? { needs: { sessionBus: true } as const } : {}),
    async send(alert): Promise<DeliveryResult> {
      // A test alert neither replaces nor is replaced; osascript cannot replace.
      const key = backend === 'notify-send' && !alert.test ? alert.credential.id : undefined;
      const replaceId = key === undefined ? undefined : await ids.get(key);
      const run = (id: number | undefined) => runForDelivery(label, desktopArgv(alert, backend, id), { timeoutMs: config.timeout, env });
      let sent = await run(replaceId);
      // An id the daemon no longer knows (restarted, or a file edited by hand) must not cost every
      // later alert for this credential: once more, as a new notification.
      if (!sent.ok && replaceId !== undefined) sent = await run(undefined);
      if (!sent.ok || !key) return sent;
      // A resolution is the last word on its notification: the next episode starts a new one.
      const shown = Number(sent.stdout?.trim());
      // Shown either way: an id that cannot be kept costs one stacked notification, never a re-send.
      await ids.set(key, alert.event === 'resolved' || !isNotificationId(shown) ? undefined : shown).catch(() => {});
      return { ok: true };
    },
  };
}
