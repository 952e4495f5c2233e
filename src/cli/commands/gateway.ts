import { setTimeout as sleep } from 'node:timers/promises';
import { deadline } from '../../abort.js';
import { loadConfig } from '../../config/load.js';
import { formatDuration, parseDuration } from '../../config/duration.js';
import { UserError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { type DeviceFile, devicePath, loadDevice, newDevice, plaintextWarning, saveDevice, savePairing, shortId } from '../../openclaw/gateway/device.js';
import type { GatewayFailure } from '../../openclaw/gateway/failure.js';
import { openGatewayLink } from '../../openclaw/gateway/link.js';
import { gatewayKey } from '../../openclaw/gateway/url.js';
import { TLS_FINGERPRINT, TLS_FINGERPRINT_SHAPE } from '../../openclaw/overrides-schema.js';
import { type GatewayTarget, gatewayTarget, gatewayTargetFor } from '../../openclaw/target.js';
import { failed, ok, type Result } from '../../result.js';
import { printable } from '../../text.js';
import type { Env } from '../../env.js';
import type { Io } from '../io.js';
import { pickGateway } from '../pick-gateway.js';

export interface GatewayOptions {
  config?: string;
  gateway?: string;
  url?: string;
  token?: string;
  tlsFingerprint?: string;
  /** How long `pair` waits for the approval: a duration (`10m`). */
  wait?: string;
}

/**
 * `authwatch gateway pair`: makes this host a paired device of a gateway on another host. It
 * connects as the device (scope operator.read only, offering the shared token if it has one), and
 * on PAIRING_REQUIRED prints the `openclaw devices approve <requestId>` to run on the gateway host,
 * then connects again every few seconds until approved or the wait is over: a client paused on
 * PAIRING_REQUIRED does not resume by itself. The token the gateway then issues is stored.
 */
export async function pairCommand(options: GatewayOptions, io: Io): Promise<number> {
  const target = await resolveTarget(options, io);
  const waitMs = parseDuration(options.wait ?? '10m');
  if (waitMs === undefined) throw new UserError(`--wait: "${options.wait}" is not a duration (e.g. 10m)`, ExitCode.Usage);
  let { device, warning } = await loadDevice(io.env);
  if (warning) io.stderr.write(`authwatch: warning: ${warning}\n`);
  // A new identity is kept once the gateway has seen it (asked for approval, or let it in): a
  // gateway refused at once (plaintext, TLS, a wrong token) leaves nothing behind.
  let unsaved = false;
  if (!device) {
    device = newDevice();
    unsaved = true;
  }
  const key = gatewayKey(target.url);
  io.stdout.write(`Pairing device ${shortId(device.deviceId)} with ${target.url} (scope operator.read)…\n`);

  const started = Date.now();
  // The request announced last (null: one without a usable id); undefined: none yet.
  let announced: string | null | undefined;
  let lastProgress = started;
  for (let first = true; ; first = false) {
    const outcome = await attempt(target, device, io.env);
    // Said once the client has accepted ws:// to this host at all (it refuses public addresses).
    if (first && target.url.startsWith('ws:') && (outcome.ok || outcome.failure.kind !== 'plaintext')) {
      io.stderr.write(`authwatch: warning: ${plaintextWarning(target.url)}\n`);
    }
    if (unsaved && (outcome.ok || outcome.failure.kind === 'pairing')) {
      await saveDevice(io.env, device);
      unsaved = false;
      io.stdout.write(`Created device ${shortId(device.deviceId)} (${devicePath(io.env)}, mode 0600).\n`);
    }
    if (outcome.ok) {
      await savePairing(io.env, device, key);
      const pairing = device.pairings[key];
      io.stdout.write(`Paired: ${target.url} issued a device token (scopes ${pairing?.scopes.join(', ') || 'none'}), stored in ${devicePath(io.env)}.\n`);
      io.stdout.write('Checks now sign in with it; the shared gateway token is no longer needed here.\n');
      return ExitCode.Ok;
    }
    const elapsed = Date.now() - started;
    const failure = outcome.failure;
    if (failure.kind === 'pairing') {
      const news = approvalNews(failure.requestId, announced, device.deviceId);
      if (news) {
        announced = failure.requestId ?? null;
        io.stdout.write(`${news}Waiting up to ${formatDuration(waitMs)} (Ctrl-C stops; run pair again later).\n`);
      } else if (Date.now() - lastProgress >= 30_000) {
        lastProgress = Date.now();
        io.stdout.write(`Still waiting for the approval (${formatDuration(elapsed)} of ${formatDuration(waitMs)}).\n`);
      }
    } else if (announced === undefined || failure.kind !== 'unreachable') {
      // Before any request, or a refusal: waiting would not help.
      io.stderr.write(`authwatch: gateway pair: ${failure.message}\n${pairHint(failure, target)}`);
      return ExitCode.Unknown;
    }
    if (elapsed >= waitMs) {
      io.stderr.write(`authwatch: gateway pair: not approved within ${formatDuration(waitMs)}; approve it, then run pair again.\n`);
      return ExitCode.Unknown;
    }
    await sleep(Math.min(3000, Math.max(0, waitMs - elapsed)));
  }
}

/**
 * What to tell the person when the gateway asks for approval, or null when it is the request already
 * announced. `announced` is undefined before the first (a request without a usable id is news too:
 * classify keeps an id only when it is one, letters, digits and "-", so nothing else is printed to paste).
 */
export function approvalNews(requestId: string | undefined, announced: string | null | undefined, deviceId: string): string | null {
  if (announced !== undefined && (requestId ?? null) === announced) return null;
  const how = requestId
    ? `On the gateway host, run:\n  openclaw devices approve ${requestId}\n`
    : `The gateway named no usable request id. On the gateway host, find this device's request (device ${shortId(deviceId)}) and approve it:\n  openclaw devices list\n  openclaw devices approve <requestId>\n`;
  return `\nThe gateway asks for approval. ${how}`;
}

/** One connection as the device: hello-ok (the token is now in `device`), or why not. */
async function attempt(target: GatewayTarget, device: DeviceFile, env: Env): Promise<Result<void, GatewayFailure>> {
  const opened = await openGatewayLink({ target, timeoutMs: 15_000, env, device: { file: device, offerSharedAuth: true } });
  if (!opened.ok) return failed({ kind: 'unreachable', message: opened.failure.message });
  const link = opened.value;
  const limit = deadline(15_000);
  try {
    const ready = await link.ready(limit.signal);
    if (!ready.ok) return ready;
    if (link.deviceRejection) return failed({ kind: 'failed', message: link.deviceRejection });
    return device.pairings[gatewayKey(target.url)]?.token ? ok(undefined) : failed(notIssued);
  } finally {
    limit.clear();
    await link.close();
  }
}

const notIssued: GatewayFailure = { kind: 'failed', message: 'the gateway let the device in without issuing it a token' };

function pairHint(failure: GatewayFailure, target: GatewayTarget): string {
  switch (failure.kind) {
    case 'auth':
      return `The first pairing needs the gateway's shared token (gateway.auth.token on its host): --token env:VAR or --token file:PATH (${'token' in target.auth || 'password' in target.auth ? `refused: the one from ${target.from}` : 'none found here'}).\n`;
    case 'tls':
      return `${target.tlsFingerprint ? 'Its certificate is not the one pinned; if it was renewed, pin the new one' : 'If its certificate is self-signed, pin it'}: --tls-fingerprint <sha256>, from the gateway host's\n  openssl x509 -noout -fingerprint -sha256 -in ~/.openclaw/gateway/tls/gateway-cert.pem\n`;
    default:
      return '';
  }
}

/** `authwatch gateway unpair`: forgets this device's token for a gateway, and says how to remove the device there. */
export async function unpairCommand(options: GatewayOptions, io: Io): Promise<number> {
  const target = await resolveTarget(options, io);
  const { device } = await loadDevice(io.env);
  const key = gatewayKey(target.url);
  if (!device?.pairings[key]) {
    io.stdout.write(`Not paired with ${target.url}: nothing to forget.\n`);
    return ExitCode.Ok;
  }
  delete device.pairings[key];
  await savePairing(io.env, device, key);
  io.stdout.write(
    `Forgot the device token for ${target.url}.\nTo remove the device on the gateway too, run there:\n  openclaw devices remove ${device.deviceId}\n`,
  );
  return ExitCode.Ok;
}

/** `authwatch gateway status`: this host's device and every gateway it is paired with. */
export async function gatewayStatusCommand(io: Io): Promise<number> {
  const { device, warning } = await loadDevice(io.env);
  if (warning) io.stderr.write(`authwatch: warning: ${warning}\n`);
  if (!device) {
    io.stdout.write(`No device yet (${devicePath(io.env)}): pair with a gateway on another host first: authwatch gateway pair --url wss://host:18789\n`);
    return ExitCode.Ok;
  }
  io.stdout.write(`Device ${device.deviceId} (${devicePath(io.env)})\n`);
  const pairings = Object.values(device.pairings);
  if (pairings.length === 0) io.stdout.write('Not paired with any gateway.\n');
  for (const p of pairings) {
    const since = new Date(p.pairedAt).toISOString();
    const state = p.token && p.refusedAt === undefined ? 'paired' : `token refused on ${new Date(p.refusedAt ?? p.pairedAt).toISOString()}: pair again`;
    io.stdout.write(`${printable(p.url)}: ${state} (since ${since}, scopes ${p.scopes.join(', ') || 'none'})\n`);
  }
  return ExitCode.Ok;
}

/** `--url` (with `--token`, `--tls-fingerprint`), or the configured gateway on another host by URL. */
async function resolveTarget(options: GatewayOptions, io: Io): Promise<GatewayTarget> {
  if (options.token !== undefined && !/^(env|file):./.test(options.token)) {
    throw new UserError('--token takes env:VAR or file:PATH, never the token itself (ps and shell history would show it)', ExitCode.Usage);
  }
  if (options.tlsFingerprint !== undefined && !TLS_FINGERPRINT.test(options.tlsFingerprint)) {
    throw new UserError(`--tls-fingerprint: ${TLS_FINGERPRINT_SHAPE}`, ExitCode.Usage);
  }
  try {
    return await findTarget(options, io);
  } catch (error) {
    if (error instanceof UserError) throw error;
    // A secret that cannot be resolved: the message names the variable or file, never a value.
    throw new UserError(`gateway: ${(error as Error).message}`, ExitCode.Usage);
  }
}

async function findTarget(options: GatewayOptions, io: Io): Promise<GatewayTarget> {
  let found: ReturnType<typeof gatewayTarget>;
  if (options.url !== undefined) {
    if (!/^wss?:\/\/[^\s/]+/.test(options.url)) throw new UserError(`--url: "${options.url}" is not a ws:// or wss:// URL`, ExitCode.Usage);
    try {
      new URL(options.url);
    } catch {
      throw new UserError(`--url: "${options.url}" is not a valid URL (its host or port cannot be read)`, ExitCode.Usage);
    }
    found = gatewayTarget({ url: options.url, token: options.token, tlsFingerprint: options.tlsFingerprint }, io.env);
  } else {
    const { config } = await loadConfig(options.config, io.env);
    const gateway = pickGateway(config.sources.openclaw, options.gateway);
    const overrides = {
      ...gateway.gateway,
      ...(options.token ? { token: options.token } : {}),
      ...(options.tlsFingerprint ? { tlsFingerprint: options.tlsFingerprint } : {}),
    };
    found = gatewayTargetFor({ ...gateway, gateway: overrides }, io.env).target;
  }
  // Only a gateway on another host by URL is ever `paired`.
  if (!found.ok || !found.value.paired) {
    throw new UserError(
      'this gateway is on this host, or reached through SSH, as a loopback client: it needs no pairing (pair is for a gateway on another host by URL: --url wss://host:18789)',
      ExitCode.Usage,
    );
  }
  return found.value;
}
