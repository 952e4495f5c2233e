import { crypto } from '../lazy-crypto.js';
import { runForDelivery } from './exec.js';
import { alertBody, alertTitle } from './message.js';
import type { Alert, Notifier } from './types.js';
import type { TermuxConfig } from './schemas.js';

/** A stable notification id per credential: a new alert replaces the old one instead of stacking. */
export function termuxId(credentialId: string): string {
  return `authwatch-${crypto().createHash('sha256').update(credentialId).digest('hex').slice(0, 12)}`;
}

/** The Termux:API command lines for one alert (exported for tests and `--dry-run`-style output). */
export function termuxArgv(alert: Alert, config: TermuxConfig): string[] {
  const id = termuxId(alert.credential.id);
  if (alert.event === 'resolved') return ['termux-notification-remove', id];
  const severe = alert.status !== 'warn';
  return [
    'termux-notification',
    '--id',
    id,
    '--title',
    alertTitle(alert),
    '--content',
    alertBody(alert),
    '--priority',
    alert.inUse === false ? 'low' : severe ? 'high' : 'default',
    '--group',
    config.group,
    // Buttons run their action in the background, without a terminal: the interactive fixes
    // (`claude setup-token`) cannot run there, so the button re-checks, which clears the
    // notification once the credential has been fixed.
    '--button1',
    'Re-check',
    '--button1-action',
    'authwatch check',
  ];
}

/** Android notifications through Termux:API (`pkg install termux-api` plus the Termux:API app). */
export function createTermux(config: TermuxConfig, env: Record<string, string | undefined>): Notifier {
  const name = config.name ?? 'termux';
  return {
    name,
    type: 'termux',
    timeoutMs: config.timeout,
    program: 'termux-notification',
    send: (alert) => runForDelivery(`termux "${name}"`, termuxArgv(alert, config), { timeoutMs: config.timeout, env }),
  };
}
