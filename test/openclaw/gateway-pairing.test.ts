import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { CLI, fakeToken, parseReport, runCli, type Sandbox, sandbox } from '../helpers/cli.js';
import { type RunningGateway, startGateway } from '../helpers/gateway.js';
import { canMakeNamespace, itWithNamespace, makeNamespace, type Namespace } from '../helpers/netns.js';
import { onPath } from '../helpers/tools.js';
import { realOpenclaw } from '../helpers/openclaw.js';
import { throwawayCertificate } from '../helpers/certificates.js';
import { copyOf } from '../helpers/openclaw-states.js';
import { expectNoSecrets } from '../helpers/secrets.js';

// A gateway on "another host": a real `openclaw gateway run` inside a network namespace made by the
// test, bound to its own private address there with TLS (a certificate from a throwaway private
// CA, made with openssl). authwatch, on this side of a veth pair, is not a loopback client: the
// gateway admits it only as an approved device. Approval, revocation and listing are the real
// `openclaw devices` commands run there.
const it = itWithNamespace([['openssl', 'openssl']]);
const runs = canMakeNamespace && onPath('openssl');
const TOKEN = `gw-${fakeToken('')}`;

let ns: Namespace | undefined;
let gateway: RunningGateway | undefined;
let server: Sandbox;
let phone: Sandbox;
/** The gateway host's 3h token. */
let credential: string;
let fingerprint: string;
let caPath: string;

beforeAll(async () => {
  // No namespaces here: the tests skip, saying why (a failure under .ci/run).
  if (!runs) return;
  ns = makeNamespace();
  const state = await copyOf('anthropic-3h');
  server = state.box;
  credential = state.secrets[0]!;
  phone = sandbox();
  const tls = throwawayCertificate(mkdtempSync(join(tmpdir(), 'authwatch-ca-')), `IP:${ns.address}`);
  caPath = tls.caPath;
  gateway = await startGateway(server.home, TOKEN, undefined, { netns: ns.name, host: ns.address, tls });
  fingerprint = new X509Certificate(readFileSync(tls.certPath)).fingerprint256;
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
  ns?.remove();
});

/** The real OpenClaw CLI on the gateway's host: inside the namespace, with its HOME. */
async function onGatewayHost(args: string[]): Promise<string> {
  const [program, ...rest] = ns!.exec([realOpenclaw(server.home).bin, ...args]);
  const result = await execa(program!, rest, { env: server.env, extendEnv: false, reject: false, timeout: 60_000 });
  if (result.exitCode !== 0) throw new Error(`openclaw ${args.join(' ')} exited ${result.exitCode}: ${String(result.stderr).slice(-400)}`);
  return String(result.stdout);
}
/**
 * `authwatch gateway pair`, approved on the gateway host with the real `openclaw devices approve`
 * once it asks; `whilePending` looks at the gateway before the approval.
 */
async function pairApproved(whilePending?: (requestId: string) => Promise<void>) {
  const pair = execa(process.execPath, [CLI, 'gateway', 'pair', '--config', config(), '--token', 'env:GATEWAY_TOKEN', '--wait', '2m'], {
    env: { ...phoneEnv(), GATEWAY_TOKEN: TOKEN },
    extendEnv: false,
    reject: false,
    timeout: 150_000,
  });
  const requestId = await approvalAsked(pair);
  await whilePending?.(requestId);
  const approved = await onGatewayHost(['devices', 'approve', requestId]);
  return { requestId, approved, paired: await pair };
}
const devices = async () =>
  JSON.parse(await onGatewayHost(['devices', 'list', '--json'])) as { pending: Array<Record<string, unknown>>; paired: Array<Record<string, unknown>> };

/** The phone's config: the gateway by URL, its certificate pinned. No OpenClaw of its own. */
const config = (pin = true) =>
  phone.writeConfig(
    ['sources:', '  openclaw:', '    gateway:', `      url: ${gateway!.url}`, ...(pin ? [`      tlsFingerprint: "${fingerprint}"`] : []), ''].join('\n'),
  );
const phoneEnv = () => ({ ...phone.env, OPENCLAW_CONFIG_PATH: join(phone.home, 'none.json') });
const devicePath = () => join(phone.home, '.local', 'state', 'authwatch', 'device.json');
const host = () => ns!.address;

describe('a gateway on another host by wss:// URL, as a paired device', { timeout: 180_000 }, () => {
  it('before pairing, a check is an error naming authwatch gateway pair, and never reads this host instead', async () => {
    const result = await runCli(['check', '--json', '--no-notify', '--config', config()], phoneEnv());
    expect(result.exitCode, result.stderr).toBe(3);
    const report = parseReport(result);
    expect(report.credentials).toEqual([
      expect.objectContaining({
        id: `openclaw@${host()}:agents`,
        status: 'error',
        detail: `openclaw gateway ${gateway!.url}: authwatch is not paired with it (a gateway on another host admits approved devices only)`,
        remedy: `Pair: authwatch gateway pair --gateway ${host()}\nThen approve it on the gateway host: openclaw devices approve <requestId> (pair prints the exact command, and waits)`,
      }),
    ]);
    expect(report.sources[0]).toMatchObject({ via: 'gateway', gateway: host() });
    // A check makes no identity and asks the gateway nothing.
    expect(existsSync(devicePath())).toBe(false);
    expect((await devices()).pending).toEqual([]);
  });

  it('pair without the pin or the CA: the certificate is refused, with the command that prints its fingerprint', async () => {
    const result = await runCli(['gateway', 'pair', '--config', config(false), '--token', 'env:GATEWAY_TOKEN'], { ...phoneEnv(), GATEWAY_TOKEN: TOKEN });
    expect(result.exitCode, result.stderr).toBe(3);
    // Node's words for a CA it does not trust; the remedy adds how to pin it.
    expect(result.stderr).toContain('authwatch: gateway pair: self-signed certificate in certificate chain\n');
    expect(result.stderr).toContain('openssl x509 -noout -fingerprint -sha256 -in ~/.openclaw/gateway/tls/gateway-cert.pem');
    expect((await devices()).pending).toEqual([]);
  });

  it('pair → PAIRING_REQUIRED → the real openclaw devices approve → later checks sign in with the stored device token', async () => {
    const { requestId, approved, paired } = await pairApproved(async (requestId) => {
      // What the gateway holds: a new device asking for operator.read only.
      const pending = (await devices()).pending;
      expect(pending).toEqual([expect.objectContaining({ requestId, role: 'operator', scopes: ['operator.read'], remoteIp: ns!.hostAddress })]);
    });
    expect(approved).toContain(`(${requestId})`);
    expect(paired.exitCode, String(paired.stderr)).toBe(0);
    expect(String(paired.stdout)).toContain(`Paired: ${gateway!.url} issued a device token (scopes operator.read), stored in ${devicePath()}.\n`);

    const file = JSON.parse(readFileSync(devicePath(), 'utf8')) as { deviceId: string; pairings: Record<string, { token?: string; scopes: string[] }> };
    expect(statSync(devicePath()).mode & 0o777).toBe(0o600);
    const deviceToken = file.pairings[gateway!.url]?.token ?? '';
    expect(deviceToken.length).toBeGreaterThan(20);
    expect((await devices()).paired).toContainEqual(expect.objectContaining({ deviceId: file.deviceId, scopes: ['operator.read'] }));

    // A check: the device token alone (no shared token anywhere on this side).
    const result = await runCli(['check', '--json', '--no-notify', '--config', config()], phoneEnv());
    expect(result.exitCode, result.stderr).toBe(2);
    const report = parseReport(result);
    expect(report.credentials.map((c) => [c.id, c.status])).toEqual([[`openclaw@${host()}:main:anthropic:manual`, 'warn']]);
    expect(report.sources[0]).toMatchObject({ via: 'gateway', url: `${gateway!.url} as device ${file.deviceId.slice(0, 12)}`, agents: 1, routesAgeMs: null });

    // Unpinned, the CA decides: the system's CAs on Node 24 (here SSL_CERT_FILE stands for the
    // system store), NODE_EXTRA_CA_CERTS on Node 20, which cannot add the system's.
    const bySystemCa = await runCli(
      ['check', '--json', '--no-notify', '--config', config(false)],
      { ...phoneEnv(), SSL_CERT_FILE: caPath },
      60_000,
      inject('node24'),
    );
    expect(bySystemCa.exitCode, bySystemCa.stderr).toBe(2);
    const byExtraCa = await runCli(['check', '--json', '--no-notify', '--config', config(false)], { ...phoneEnv(), NODE_EXTRA_CA_CERTS: caPath });
    expect(byExtraCa.exitCode, byExtraCa.stderr).toBe(2);
    const untrusted = await runCli(['check', '--json', '--no-notify', '--config', config(false)], phoneEnv());
    expect(untrusted.exitCode).toBe(3);
    expect(parseReport(untrusted).credentials[0]).toMatchObject({
      detail: `openclaw gateway ${gateway!.url} as device ${file.deviceId.slice(0, 12)}: self-signed certificate in certificate chain`,
      remedy: expect.stringContaining("If the gateway's certificate is self-signed, pin it: sources.openclaw.gateway.tlsFingerprint: <sha256>\n"),
    });

    const status = await runCli(['status', '--config', config()], phoneEnv());
    expect(status.stdout).toContain(`gateway ${host()}: read via gateway ${gateway!.url} as device ${file.deviceId.slice(0, 12)} in `);
    const pairings = await runCli(['gateway', 'status'], phoneEnv());
    expect(pairings.stdout).toMatch(
      new RegExp(`^Device ${file.deviceId} \\(.*\\)\\n${gateway!.url.replaceAll('.', '\\.')}: paired \\(since .*, scopes operator\\.read\\)\\n$`),
    );
    expectNoSecrets(
      { pair: String(paired.stdout) + String(paired.stderr), out: result.stdout, err: result.stderr, status: status.stdout, pairings: pairings.stdout },
      [TOKEN, credential, deviceToken],
    );
  });

  it('openclaw devices revoke → an error saying pair again; the next check does not connect or ask for pairing', async () => {
    // Paired by the test before, or now when this one runs alone.
    if (!existsSync(devicePath())) expect((await pairApproved()).paired.exitCode).toBe(0);
    const { deviceId } = JSON.parse(readFileSync(devicePath(), 'utf8')) as { deviceId: string };
    await onGatewayHost(['devices', 'revoke', '--device', deviceId, '--role', 'operator']);
    const remedy = `Pair again: authwatch gateway pair --gateway ${host()}\nThen approve it on the gateway host: openclaw devices approve <requestId> (pair prints the exact command, and waits)`;
    for (const round of [1, 2]) {
      const result = await runCli(['check', '--json', '--no-notify', '--config', config(), '--log-level', 'debug'], phoneEnv());
      expect(result.exitCode, `round ${round}: ${result.stderr}`).toBe(3);
      const [record] = parseReport(result).credentials;
      expect(record).toMatchObject({ status: 'error', remedy });
      expect(record!.detail).toMatch(
        new RegExp(
          `^openclaw gateway ${gateway!.url.replaceAll('.', '\\.')}: it refused device ${deviceId.slice(0, 12)}'s token on \\d{4}-.*Z \\(revoked or rotated on the gateway\\)$`,
        ),
      );
    }
    // The refusal is remembered, so no check reconnects: nothing pending on the gateway.
    expect((await devices()).pending).toEqual([]);
    const pairings = await runCli(['gateway', 'status'], phoneEnv());
    expect(pairings.stdout).toMatch(/: token refused on .*: pair again/);

    const unpair = await runCli(['gateway', 'unpair', '--config', config()], phoneEnv());
    expect(unpair.exitCode).toBe(0);
    expect(unpair.stdout).toContain(`To remove the device on the gateway too, run there:\n  openclaw devices remove ${deviceId}\n`);
    expect((await runCli(['gateway', 'status'], phoneEnv())).stdout).toContain('Not paired with any gateway.\n');
  });
});

/** Reads the pair command's output until it prints the approval command; returns the request id. */
async function approvalAsked(pair: ResultPromise): Promise<string> {
  let out = '';
  return new Promise<string>((resolve, reject) => {
    pair.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const id = /openclaw devices approve ([0-9a-f-]{36})\n/.exec(out)?.[1];
      if (id) resolve(id);
    });
    pair.then((r) => reject(new Error(`pair ended (${r.exitCode}) before asking: ${out}${String(r.stderr)}`)), reject);
  });
}
