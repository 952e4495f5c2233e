import { runForDelivery } from './exec.js';
import { alertBody, alertTitle } from './message.js';
import type { Alert, Notifier } from './types.js';
import type { DesktopConfig } from './schemas.js';

/** AppleScript string literal: backslashes and double quotes escaped, inside double quotes. */
export function appleScriptString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function desktopArgv(alert: Alert, backend: 'notify-send' | 'osascript'): string[] {
  const title = alertTitle(alert);
  const body = alertBody(alert);
  if (backend === 'osascript') {
    return ['osascript', '-e', `display notification ${appleScriptString(body)} with title ${appleScriptString(title)}`];
  }
  const urgency = alert.inUse === false ? 'low' : alert.event === 'resolved' || alert.status === 'warn' ? 'normal' : 'critical';
  return ['notify-send', '--app-name=authwatch', `--urgency=${urgency}`, title, body];
}

/** A desktop pop-up: notify-send (libnotify) on Linux, `osascript` on macOS. */
export function createDesktop(config: DesktopConfig, env: Record<string, string | undefined>): Notifier {
  // The configured backend; `auto` picks by OS.
  const backend = config.backend === 'auto' ? (process.platform === 'darwin' ? 'osascript' : 'notify-send') : config.backend;
  const name = config.name ?? 'desktop';
  return {
    name,
    type: 'desktop',
    timeoutMs: config.timeout,
    program: backend,
    send: (alert) => runForDelivery(`desktop "${name}"`, desktopArgv(alert, backend), { timeoutMs: config.timeout, env }),
  };
}
