import { runForDelivery } from './exec.js';
import { alertPayload, alertTitle } from './message.js';
import type { Alert, Notifier } from './types.js';
import type { CommandConfig } from './schemas.js';

/**
 * Each AUTHWATCH_* value is cut to this many characters: the kernel refuses an environment string
 * over 128 KiB (E2BIG), and the whole alert is on stdin anyway.
 */
export const MAX_ENV_VALUE = 4096;

/** An environment value: NUL bytes (which no environment can hold) removed, cut to MAX_ENV_VALUE. */
function envValue(text: string): string {
  const clean = text.replaceAll('\0', '');
  return clean.length > MAX_ENV_VALUE ? `${clean.slice(0, MAX_ENV_VALUE - 1)}…` : clean;
}

/** The AUTHWATCH_* variables a command notifier gets besides the JSON on stdin. */
export function alertEnv(alert: Alert): Record<string, string> {
  const raw = {
    AUTHWATCH_ALERT_ID: alert.id,
    AUTHWATCH_EVENT: alert.event,
    AUTHWATCH_STATUS: alert.status,
    AUTHWATCH_SEVERITY: alert.severity,
    AUTHWATCH_CREDENTIAL_ID: alert.credential.id,
    AUTHWATCH_AGENT: alert.credential.agent ?? '',
    AUTHWATCH_PROVIDER: alert.credential.provider ?? '',
    AUTHWATCH_PROFILE: alert.credential.profileId ?? '',
    AUTHWATCH_EXPIRES_AT: alert.expiresAt === null ? '' : new Date(alert.expiresAt).toISOString(),
    AUTHWATCH_TITLE: alertTitle(alert),
    AUTHWATCH_REMEDY: alert.remedy ?? '',
    AUTHWATCH_HOST: alert.host,
  };
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, envValue(v)]));
}

/**
 * Runs any program with the alert JSON on stdin and AUTHWATCH_* variables: no shell, nothing
 * secret on argv, success by exit code, killed at the timeout.
 */
export function createCommand(config: CommandConfig, env: Record<string, string | undefined>): Notifier {
  const name = config.name ?? 'command';
  return {
    name,
    type: 'command',
    timeoutMs: config.timeout,
    program: config.command[0]!,
    send: (alert) =>
      runForDelivery(`command "${name}"`, config.command, {
        timeoutMs: config.timeout,
        env: { ...env, ...alertEnv(alert) },
        input: `${JSON.stringify(alertPayload(alert))}\n`,
      }),
  };
}
