import * as z from 'zod/mini';
import { SSH_DESTINATION } from './ssh/destination.js';

/**
 * How authwatch's config says to reach a gateway (`sources.openclaw.gateway`, and the openclaw
 * notifier's `gateway`): the schemas only, so that validating a config loads nothing else.
 */

export const nonEmpty = () => z.string().check(z.minLength(1));

export const sshDestination = () =>
  z.string().check(z.regex(SSH_DESTINATION, 'an ssh destination, user@host or user@host:port (no spaces, not starting with "-")'));

/** A certificate pin as OpenClaw's client takes it (`openssl x509 -fingerprint -sha256` prints one). */
export const TLS_FINGERPRINT = /^(?:sha256:)?(?:[A-Fa-f0-9]{64}|(?:[A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2})$/;
export const TLS_FINGERPRINT_SHAPE = 'a SHA-256 fingerprint: 64 hex digits, with or without colons';

/** Where the gateway is and how to sign in, when not OpenClaw's own local defaults (also the openclaw notifier's). */
const wsUrl = () =>
  z.string().check(
    z.refine((url) => {
      try {
        return /^wss?:$/.test(new URL(url).protocol);
      } catch {
        return false;
      }
    }, 'a ws:// or wss:// URL whose host and port can be read'),
  );

export const gatewayOverridesSchema = z.strictObject({
  url: z.optional(wsUrl()),
  token: z.optional(nonEmpty()),
  ssh: z.optional(sshDestination()),
  remotePort: z.optional(z.int().check(z.minimum(1), z.maximum(65_535))),
  sshArgs: z.optional(z.array(nonEmpty())),
  tlsFingerprint: z.optional(z.string().check(z.regex(TLS_FINGERPRINT, TLS_FINGERPRINT_SHAPE))),
});
