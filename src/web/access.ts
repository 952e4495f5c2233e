import type { Config } from '../config/schema.js';
import { resolveSecretAt } from '../config/secret.js';
import { ConfigError } from '../errors.js';
import type { WebAccess } from './server.js';

/** The status page's access from the config, secrets resolved; a missing one is a config error (exit 78) naming the file and the key, never the value. */
export function webAccessOf(web: Config['web'], env: Record<string, string | undefined>, file: string): WebAccess {
  try {
    return {
      token: web.token === undefined ? undefined : resolveSecretAt('web.token', web.token, env),
      basicAuth: web.basicAuth && {
        username: resolveSecretAt('web.basicAuth.username', web.basicAuth.username, env),
        password: resolveSecretAt('web.basicAuth.password', web.basicAuth.password, env),
      },
    };
  } catch (error) {
    throw new ConfigError([`${file}: ${(error as Error).message}`]);
  }
}
