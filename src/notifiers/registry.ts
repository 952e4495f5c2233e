import { ConfigError } from '../errors.js';
import { createAlertmanager } from './alertmanager.js';
import { createCommand } from './command.js';
import { createDesktop } from './desktop.js';
import { createEmail } from './email.js';
import { createNtfy } from './ntfy.js';
import { createOpenclaw } from './openclaw.js';
import { createTermux } from './termux.js';
import type { NotifierConfig } from './schemas.js';
import type { Alert, Notifier } from './types.js';
import { createWebhook } from './webhook.js';
import type { Env } from '../env.js';

/** What channels may link to: watch's status page, when the config says where people reach it (`web.url`). */
export interface ChannelLinks {
  /** A signed URL that snoozes this alert's credential for 4h (POST), or undefined without `web.url`. */
  snooze?: (alert: Alert) => string | undefined;
}

/** The one table of channel types and their constructors. */
const CONSTRUCTORS: { [T in NotifierConfig['type']]: (config: Extract<NotifierConfig, { type: T }>, env: Env, links: ChannelLinks) => Notifier } = {
  webhook: createWebhook,
  ntfy: createNtfy,
  termux: createTermux,
  desktop: createDesktop,
  command: createCommand,
  alertmanager: createAlertmanager,
  openclaw: createOpenclaw,
  email: createEmail,
};

/**
 * Builds the configured notifiers, resolving `env:`/`file:` secrets. Gathers every problem (an
 * unset variable, a duplicate name) into one ConfigError, each line naming the key path.
 */
export function buildNotifiers(configs: readonly NotifierConfig[], env: Env, file: string, links: ChannelLinks = {}): Notifier[] {
  const problems: string[] = [];
  const notifiers: Notifier[] = [];
  const seen = new Set<string>();
  configs.forEach((config, i) => {
    const create = CONSTRUCTORS[config.type] as (c: NotifierConfig, e: Env, l: ChannelLinks) => Notifier;
    try {
      const notifier: Notifier = { ...create(config, env, links), route: { minStatus: config.minStatus, events: config.events, match: config.match } };
      if (seen.has(notifier.name)) {
        problems.push(`${file}: notifiers[${i}].name: "${notifier.name}" is used twice; give each notifier its own name`);
        return;
      }
      seen.add(notifier.name);
      notifiers.push(notifier);
    } catch (error) {
      problems.push(`${file}: notifiers[${i}] (${config.type}): ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  if (problems.length) throw new ConfigError(problems);
  return notifiers;
}
