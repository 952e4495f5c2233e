import * as z from 'zod/mini';
import { ConfigError } from '../errors.js';
import { commandSchema, createCommand } from './command.js';
import { createDesktop, desktopSchema } from './desktop.js';
import { createNtfy, ntfySchema } from './ntfy.js';
import { createTermux, termuxSchema } from './termux.js';
import type { Notifier } from './types.js';
import { createWebhook, webhookSchema } from './webhook.js';

/** Every channel's config, told apart by `type`. Each schema sits next to its channel's code. */
export const notifierSchema = z.discriminatedUnion('type', [webhookSchema, ntfySchema, termuxSchema, desktopSchema, commandSchema]);
export type NotifierConfig = z.output<typeof notifierSchema>;

type Env = Record<string, string | undefined>;

/** The one table of channel types and their constructors. */
const CONSTRUCTORS: { [T in NotifierConfig['type']]: (config: Extract<NotifierConfig, { type: T }>, env: Env) => Notifier } = {
  webhook: createWebhook,
  ntfy: createNtfy,
  termux: createTermux,
  desktop: createDesktop,
  command: createCommand,
};

/**
 * Builds the configured notifiers, resolving `env:`/`file:` secrets. Gathers every problem (an
 * unset variable, a duplicate name) into one ConfigError, each line naming the key path.
 */
export function buildNotifiers(configs: readonly NotifierConfig[], env: Env, file: string): Notifier[] {
  const problems: string[] = [];
  const notifiers: Notifier[] = [];
  const seen = new Set<string>();
  configs.forEach((config, i) => {
    const create = CONSTRUCTORS[config.type] as (c: NotifierConfig, e: Env) => Notifier;
    try {
      const notifier = create(config, env);
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
