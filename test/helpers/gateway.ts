import { inject } from 'vitest';
// @ts-expect-error: a plain .mjs script shared with the bench, without type declarations
import { startGateway as start } from '../../scripts/openclaw-gateway.mjs';

export interface RunningGateway {
  port: number;
  token: string;
  url: string;
  stop(): Promise<void>;
}

/**
 * A real `openclaw gateway run` in `home` on a free loopback port with a token (see
 * scripts/openclaw-gateway.mjs). Call it after the scenario's own openclaw commands. `port`: start
 * it again where it was. `remote`: inside that network namespace, on `host` there, with TLS.
 */
export function startGateway(
  home: string,
  token: string,
  port?: number,
  remote?: { netns: string; host: string; tls?: { certPath: string; keyPath: string } },
  extraEnv?: Record<string, string>,
): Promise<RunningGateway> {
  return start(inject('openclawBin'), home, token, port, remote, extraEnv) as Promise<RunningGateway>;
}
