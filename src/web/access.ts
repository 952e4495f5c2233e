import type { Config } from '../config/schema.js';
import { resolveSecretAt } from '../config/secret.js';
import type { WebAccess } from './server.js';

/** The status page's access from the config, secrets resolved; throws a message naming the key (never the value). */
export function webAccess(web: Config['web'], env: Record<string, string | undefined>): WebAccess {
  return {
    token: web.token === undefined ? undefined : resolveSecretAt('web.token', web.token, env),
    basicAuth: web.basicAuth && {
      username: resolveSecretAt('web.basicAuth.username', web.basicAuth.username, env),
      password: resolveSecretAt('web.basicAuth.password', web.basicAuth.password, env),
    },
  };
}
