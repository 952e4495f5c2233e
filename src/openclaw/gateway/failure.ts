import { quoteForeign } from '../../redact.js';

/**
 * Why the gateway could not answer; `auto` falls back to the CLI on all but `auth`. `pairing`:
 * this device awaits approval on the gateway (`requestId` for `openclaw devices approve`); `tls`:
 * the certificate was not trusted (or not the pinned one); `plaintext`: the client's policy
 * refused ws:// to that host.
 */
export type GatewayFailure = {
  kind: 'unreachable' | 'auth' | 'protocol' | 'pairing' | 'tls' | 'plaintext' | 'failed';
  message: string;
  requestId?: string;
};

/**
 * The client package (pinned exactly in package.json) and the protocol it speaks, for the mismatch
 * warning. Constants, not imports, so that a check never loads the client to say this; a unit
 * test keeps them equal to the installed packages.
 */
export const CLIENT_PACKAGE = '2026.9.1';
export const CLIENT_PROTOCOL = 4;

/** An error from the gateway client (or its socket) as a GatewayFailure. */
export function classify(error: unknown): GatewayFailure {
  const e = error as { code?: string; message?: string; details?: { code?: string; expectedProtocol?: unknown } };
  const code = e.details?.code ?? e.code ?? '';
  const message = quoteForeign(e.message ?? String(error));
  if (code === 'PAIRING_REQUIRED') {
    const requestId = (e.details as { requestId?: unknown } | undefined)?.requestId;
    return { kind: 'pairing', message, ...(typeof requestId === 'string' && /^[A-Za-z0-9-]{1,100}$/.test(requestId) ? { requestId } : {}) };
  }
  // Matched by message: the client's error classes lose their names in the bundle.
  if (/tls fingerprint|certificate|CERT_|SELF_SIGNED/i.test(`${code} ${message}`)) return { kind: 'tls', message };
  const plaintext = /^SECURITY ERROR: Cannot connect to "([^"]*)" over plaintext ws:/.exec(e.message ?? '');
  if (plaintext) {
    return {
      kind: 'plaintext',
      message: `OpenClaw's client refuses plaintext ws:// to ${quoteForeign(plaintext[1] ?? '', 80)} (only loopback, private and tailnet addresses): use wss://, or an SSH tunnel (gateway.ssh)`,
    };
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ECONNRESET') return { kind: 'unreachable', message };
  if (code.startsWith('AUTH_') || /unauthorized/i.test(message)) return { kind: 'auth', message };
  if (code === 'PROTOCOL_MISMATCH' || /protocol mismatch/i.test(message)) {
    const theirs = typeof e.details?.expectedProtocol === 'number' ? String(e.details.expectedProtocol) : 'another version';
    return {
      kind: 'protocol',
      message: `protocol mismatch: the gateway speaks protocol ${theirs}, authwatch's client (@openclaw/gateway-client ${CLIENT_PACKAGE}) speaks protocol ${CLIENT_PROTOCOL}`,
    };
  }
  return { kind: 'failed', message };
}
