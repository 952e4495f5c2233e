import { crypto } from '../lazy-crypto.js';
import { snoozableAlone } from '../monitor/snooze.js';
import { selfCommand } from '../self.js';
import { shCommand } from '../shell.js';
import { runForDelivery } from './exec.js';
import { alertBody, alertTitle } from './message.js';
import type { Alert, Notifier } from './types.js';
import type { TermuxConfig } from './schemas.js';

/** A stable notification id per credential: a new alert replaces the old one instead of stacking. */
export function termuxId(credentialId: string): string {
  return `authwatch-${crypto().createHash('sha256').update(credentialId).digest('hex').slice(0, 12)}`;
}

/** What runs authwatch itself (see self.ts). */
export type SelfCommand = ReturnType<typeof selfCommand>;

/** Statuses that also vibrate, as OpenClaw's phone scripts do: critical and worse. */
const VIBRATE = new Set(['critical', 'expired', 'missing', 'unusable', 'error']);

/**
 * The "Re-auth" button's action: Termux's RUN_COMMAND intent (`am startservice`), which opens a
 * terminal session (RUN_COMMAND_BACKGROUND=false) running `authwatch reauth` for this
 * credential's gateway, provider and agent. A button's own action runs in the background with no
 * terminal, where `claude setup-token` cannot ask anything. Needs `allow-external-apps = true` in
 * ~/.termux/termux.properties (`authwatch doctor` checks it).
 */
export function reauthIntent(alert: Alert, self: SelfCommand): string[] {
  const c = alert.credential;
  const args = [
    self.entry,
    'reauth',
    ...(c.gateway ? ['--gateway', c.gateway] : []),
    '--provider',
    c.provider ?? 'anthropic',
    ...(c.agent ? ['--agent', c.agent] : []),
  ];
  // The intent's argument list is comma-separated; a comma inside one is sent as U+201A and restored by Termux.
  const hasComma = args.some((a) => a.includes(','));
  return [
    'am',
    'startservice',
    '--user',
    '0',
    '-n',
    'com.termux/com.termux.app.RunCommandService',
    '-a',
    'com.termux.RUN_COMMAND',
    '--es',
    'com.termux.RUN_COMMAND_PATH',
    self.node,
    '--esa',
    'com.termux.RUN_COMMAND_ARGUMENTS',
    args.map((a) => a.replaceAll(',', '\u201a')).join(','),
    ...(hasComma ? ['--ez', 'com.termux.RUN_COMMAND_REPLACE_COMMA_ALTERNATIVE_CHARS_IN_ARGUMENTS', 'true'] : []),
    '--ez',
    'com.termux.RUN_COMMAND_BACKGROUND',
    'false',
  ];
}

/** The "Snooze 4h" button's command: this authwatch, snoozing this credential. */
export function snoozeArgv(alert: Alert, self: SelfCommand): string[] {
  return [self.node, self.entry, 'snooze', alert.credential.id, '--for', '4h', '--reason', 'snoozed from the phone'];
}

/** Whether a walk-through can fix it: an OpenClaw login or token in trouble (not an API key, not a failed read). */
function canReauth(alert: Alert): boolean {
  const c = alert.credential;
  return c.source === 'openclaw' && c.provider !== null && c.type !== 'api_key' && alert.status !== 'error' && alert.inUse !== false;
}

/** The Termux:API command lines for one alert, in order (exported for tests). */
export function termuxCommands(alert: Alert, config: TermuxConfig, self: SelfCommand = selfCommand()): string[][] {
  const id = termuxId(alert.credential.id);
  if (alert.event === 'resolved') return [['termux-notification-remove', id]];
  const severe = alert.status !== 'warn';
  const notification = [
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
    // Runs in the background: re-checks, which clears the notification once the credential is fixed.
    '--button1',
    'Re-check',
    '--button1-action',
    'authwatch check',
    ...(canReauth(alert) ? ['--button2', 'Re-auth', '--button2-action', shCommand(reauthIntent(alert, self))] : []),
    // Runs in the background too: `authwatch snooze` only writes the state.
    ...(alert.test || !snoozableAlone(alert.credential.id) ? [] : ['--button3', 'Snooze 4h', '--button3-action', shCommand(snoozeArgv(alert, self))]),
  ];
  const vibrate = VIBRATE.has(alert.status) && alert.inUse !== false && !alert.test ? [['termux-vibrate', '-d', '800']] : [];
  return [notification, ...vibrate];
}

/** Android notifications through Termux:API (`pkg install termux-api` plus the Termux:API app). */
export function createTermux(config: TermuxConfig, env: Record<string, string | undefined>): Notifier {
  const name = config.name ?? 'termux';
  return {
    name,
    type: 'termux',
    timeoutMs: config.timeout,
    program: 'termux-notification',
    needs: { termuxApi: true },
    send: async (alert) => {
      const [notification, ...extra] = termuxCommands(alert, config);
      const sent = await runForDelivery(`termux "${name}"`, notification!, { timeoutMs: config.timeout, env });
      // The vibration is a courtesy: the notification is what was delivered.
      if (sent.ok) for (const argv of extra) await runForDelivery(`termux "${name}"`, argv, { timeoutMs: config.timeout, env });
      return sent;
    },
  };
}
