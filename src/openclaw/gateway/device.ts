import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { stateDir } from '../../config/paths.js';
import { writeFileAtomic } from '../../fs-atomic.js';
import { readRegularFile } from '../../fs-read.js';
import { crypto } from '../../lazy-crypto.js';
import { firstIssue } from '../../schema-errors.js';
import { blank, type Line, onThisHost, type Remedy } from '../../monitor/remedy-lines.js';
import type { Env } from '../../env.js';
import { gatewayKey } from './url.js';

/**
 * authwatch as a paired OpenClaw device: one Ed25519 identity per state dir, and the device token
 * each remote gateway issued it (`authwatch gateway pair`). A gateway on another host admits a
 * client that is not on loopback only as an approved device (docs/gateway/pairing.md in the
 * openclaw package); the token it issues then replaces the shared gateway token, so the phone
 * needs no copy of that secret after pairing.
 */

/** What the official client signs with (its `DeviceIdentity`). */
export interface DeviceIdentity {
  /** sha256 of the raw 32-byte public key, hex: the gateway checks it against the key. */
  deviceId: string;
  publicKeyPem: string;
  privateKeyPem: string;
}

/** A device token as a gateway issues it: printable, no spaces, bounded. */
const deviceToken = () => z.string().check(z.regex(/^[\x21-\x7e]{1,4096}$/, 'printable characters without spaces, at most 4096'));
/** Scopes as OpenClaw names them (`operator.read`). */
const scopes = () => z.array(z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9._:-]{0,63}$/, 'a scope name such as operator.read'))).check(z.maxLength(64));

/** What a gateway's hello-ok hands the client to keep: checked before it is kept or printed. */
const issuedTokenSchema = z.object({ token: deviceToken(), scopes: scopes() });

const pairingSchema = z.object({
  url: z.string(),
  token: z.optional(deviceToken()),
  scopes: scopes(),
  pairedAt: z.number(),
  /** When a gateway refused the token (revoked or rotated there): pair again. */
  refusedAt: z.optional(z.number()),
});
export type Pairing = z.infer<typeof pairingSchema>;

const fileSchema = z.object({
  version: z.literal(1),
  deviceId: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  publicKeyPem: z.string(),
  privateKeyPem: z.string(),
  createdAt: z.number(),
  /** By gatewayKey(url). */
  pairings: z.record(z.string(), pairingSchema),
});
export type DeviceFile = z.infer<typeof fileSchema>;

export function devicePath(env: Env): string {
  return join(stateDir(env), 'device.json');
}

/**
 * The device file, or null when there is none. A file that cannot be used is moved aside (a new
 * identity means pairing again, which is better than a crash on every check) with a warning.
 */
export async function loadDevice(env: Env): Promise<{ device: DeviceFile | null; warning?: string }> {
  const path = devicePath(env);
  let text: string;
  try {
    text = await readRegularFile(path, 1024 * 1024);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { device: null };
    return moveAside(path, String((error as Error).message));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return moveAside(path, 'is corrupt (not JSON)');
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success) return moveAside(path, 'is corrupt (not the expected shape)');
  return { device: result.data };
}

async function moveAside(path: string, why: string): Promise<{ device: null; warning: string }> {
  const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const moved = await rename(path, aside).then(
    () => true,
    () => false,
  );
  return {
    device: null,
    warning: moved
      ? `device file ${path} ${why}; moved it to ${aside}: pair again (authwatch gateway pair)`
      : `device file ${path} ${why}, and cannot be moved aside: remove it, then pair again`,
  };
}

/** A new Ed25519 identity, as OpenClaw makes its own (the id is the key's fingerprint). */
export function newDevice(now = Date.now()): DeviceFile {
  const { publicKey, privateKey } = crypto().generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    version: 1,
    deviceId: crypto().createHash('sha256').update(rawPublicKey(publicKeyPem)).digest('hex'),
    publicKeyPem,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    createdAt: now,
    pairings: {},
  };
}

/** Mode 0600: the private key and the device tokens are in it. */
export function saveDevice(env: Env, device: DeviceFile): Promise<void> {
  return writeFileAtomic(devicePath(env), `${JSON.stringify(device, null, 2)}\n`);
}

/** The 32 key bytes of an Ed25519 public key (its SPKI DER is a 12-byte prefix and the key). */
function rawPublicKey(publicKeyPem: string): Buffer {
  return crypto().createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' }).subarray(12);
}

/**
 * What the official client needs to sign the gateway's challenge with this device and to keep its
 * token, bound to the pairing for one gateway: `store` is called with the token a gateway issues
 * (hello-ok), `clear` when it refuses the stored one. The caller saves the file afterwards.
 */
export function deviceHostDeps(
  device: DeviceFile,
  { key, url, onChange, onRejected = () => {} }: { key: string; url: string; onChange: () => void; onRejected?: (why: string) => void },
) {
  return {
    signDevicePayload: (privateKeyPem: string, payload: string) =>
      crypto().sign(null, Buffer.from(payload, 'utf8'), crypto().createPrivateKey(privateKeyPem)).toString('base64url'),
    publicKeyRawBase64UrlFromPem: (publicKeyPem: string) => rawPublicKey(publicKeyPem).toString('base64url'),
    loadDeviceAuthToken: () => {
      const pairing = device.pairings[key];
      return pairing?.token ? { token: pairing.token, scopes: pairing.scopes } : null;
    },
    storeDeviceAuthToken: (issued: { token: string; scopes: string[] }) => {
      // The reply is the gateway's word: a token or scopes out of shape are not kept, and say why.
      const parsed = issuedTokenSchema.safeParse({ token: issued.token, scopes: issued.scopes });
      if (!parsed.success) {
        onRejected(`the gateway issued a device token that is not in the expected shape (${firstIssue(parsed.error)}); it was not kept`);
        return;
      }
      const params = parsed.data;
      const previous = device.pairings[key];
      if (previous?.token === params.token && previous.refusedAt === undefined) return;
      device.pairings[key] = { url, token: params.token, scopes: params.scopes, pairedAt: Date.now() };
      onChange();
    },
    clearDeviceAuthToken: () => {
      const pairing = device.pairings[key];
      if (!pairing?.token) return;
      device.pairings[key] = { url: pairing.url, scopes: pairing.scopes, pairedAt: pairing.pairedAt, refusedAt: Date.now() };
      onChange();
    },
  };
}

export const identityOf = (device: DeviceFile): DeviceIdentity => ({
  deviceId: device.deviceId,
  publicKeyPem: device.publicKeyPem,
  privateKeyPem: device.privateKeyPem,
});

/** The start of a device id, as `openclaw devices list` shows it. */
export const shortId = (deviceId: string) => deviceId.slice(0, 12);

/** The command that pairs (again) with a configured gateway. */
export const pairArgv = (gatewayName: string | null) => ['authwatch', 'gateway', 'pair', ...(gatewayName ? ['--gateway', gatewayName] : [])];

/**
 * Why this device cannot sign in to the gateway at `url`: no identity or pairing yet, or the
 * gateway refused its token (revoked or rotated there). Null when it has a token to offer.
 */
export function pairingProblem(device: DeviceFile | null, url: string, gatewayName: string | null): { message: string; remedy: Remedy } | null {
  const pairing = device?.pairings[gatewayKey(url)];
  const approve: Line = [
    'Then approve it on the gateway host: ',
    onThisHost('openclaw', 'devices', 'approve', blank('requestId')),
    ' (pair prints the exact command, and waits)',
  ];
  if (!device || !pairing) {
    return {
      message: `openclaw gateway ${url}: authwatch is not paired with it (a gateway on another host admits approved devices only)`,
      remedy: [['Pair: ', onThisHost(...pairArgv(gatewayName))], approve],
    };
  }
  if (pairing.refusedAt !== undefined || !pairing.token) {
    const when = pairing.refusedAt ? ` on ${new Date(pairing.refusedAt).toISOString()}` : '';
    return {
      message: `openclaw gateway ${url}: it refused device ${shortId(device.deviceId)}'s token${when} (revoked or rotated on the gateway)`,
      remedy: [['Pair again: ', onThisHost(...pairArgv(gatewayName))], approve],
    };
  }
  return null;
}

/** Said whenever a device token goes over plaintext ws:// to another host. */
export function plaintextWarning(url: string): string {
  return `openclaw gateway ${url}: plaintext ws:// to another host; the device token and the replies cross the network unencrypted (use wss://)`;
}

/**
 * Saves one gateway's pairing as this process has it, into the file as it is now: `watch` and
 * `authwatch gateway pair` may both write it. Another identity in the file (re-created since) wins.
 */
export async function savePairing(env: Env, device: DeviceFile, key: string): Promise<void> {
  const { device: current } = await loadDevice(env);
  if (current && current.deviceId !== device.deviceId) return;
  const base = current ?? device;
  const pairing = device.pairings[key];
  const pairings = { ...base.pairings };
  if (pairing) pairings[key] = pairing;
  else delete pairings[key];
  await saveDevice(env, { ...base, pairings });
}
