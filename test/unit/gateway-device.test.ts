import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Remedy, renderRemedy } from '../../src/monitor/remedy-lines.js';
import { describe, expect, it } from 'vitest';
import { gatewayTarget as findTarget } from '../../src/openclaw/target.js';
import { gatewayKey, isRemoteUrl } from '../../src/openclaw/gateway/url.js';
import { deviceHostDeps, devicePath, loadDevice, newDevice, pairingProblem, saveDevice, savePairing } from '../../src/openclaw/gateway/device.js';
import { classify } from '../../src/openclaw/gateway/failure.js';

/** The target, or `{unavailable}` as the assertions below were written against: the one result shape, unwrapped. */
const gatewayTarget = (...args: Parameters<typeof findTarget>) => {
  const found = findTarget(...args);
  return found.ok ? found.value : { unavailable: found.failure };
};

const stateEnv = () => ({ XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'aw-device-')) });

describe('authwatch as a paired device', () => {
  it('a URL needs pairing unless its host is this one (localhost, 127/8, ::1)', () => {
    for (const url of [
      'ws://127.0.0.1:18789',
      'ws://127.8.0.1',
      'ws://localhost:1',
      'ws://gw.localhost',
      'ws://[::1]:18789',
      'ws://[::ffff:127.0.0.1]:1',
      'ws://[::ffff:7f00:2]',
    ])
      expect(isRemoteUrl(url), url).toBe(false);
    for (const url of ['wss://10.0.0.2:18789', 'wss://gw.tail1234.ts.net', 'ws://[fd00::7]:1', 'wss://128.0.0.1', 'ws://[::ffff:10.0.0.1]'])
      expect(isRemoteUrl(url), url).toBe(true);
    expect(isRemoteUrl('not a url')).toBe(false);
  });

  it('one pairing per endpoint: scheme, host and port, whatever the path or case', () => {
    expect(gatewayKey('wss://GW.lan:18789/ws?x=1')).toBe('wss://gw.lan:18789');
    expect(gatewayKey('wss://gw.lan')).toBe('wss://gw.lan');
    expect(gatewayKey('ws://gw.lan:18789')).not.toBe(gatewayKey('wss://gw.lan:18789'));
  });

  it('an identity is an Ed25519 key whose id is the sha256 of its raw public key; the file is 0600', async () => {
    const env = stateEnv();
    const device = newDevice(1_700_000_000_000);
    expect(device.deviceId).toMatch(/^[0-9a-f]{64}$/);
    const deps = deviceHostDeps(device, { key: 'wss://gw:1', url: 'wss://gw:1', onChange: () => {} });
    const raw = Buffer.from(deps.publicKeyRawBase64UrlFromPem(device.publicKeyPem), 'base64url');
    expect(raw).toHaveLength(32);
    const { createHash, createPublicKey, verify } = await import('node:crypto');
    expect(createHash('sha256').update(raw).digest('hex')).toBe(device.deviceId);
    const signature = Buffer.from(deps.signDevicePayload(device.privateKeyPem, 'payload'), 'base64url');
    expect(verify(null, Buffer.from('payload'), createPublicKey(device.publicKeyPem), signature)).toBe(true);
    await saveDevice(env, device);
    expect(statSync(devicePath(env)).mode & 0o777).toBe(0o600);
    expect((await loadDevice(env)).device).toEqual(device);
  });

  it('a token is stored when issued, and a refused one is dropped and remembered (no reconnect loop)', () => {
    const device = newDevice();
    let changes = 0;
    const deps = deviceHostDeps(device, { key: 'wss://gw:1', url: 'wss://gw:1/', onChange: () => changes++ });
    expect(deps.loadDeviceAuthToken()).toBeNull();
    deps.storeDeviceAuthToken({ token: 'device-token-1', scopes: ['operator.read'] });
    deps.storeDeviceAuthToken({ token: 'device-token-1', scopes: ['operator.read'] });
    expect(changes).toBe(1);
    expect(deps.loadDeviceAuthToken()).toEqual({ token: 'device-token-1', scopes: ['operator.read'] });
    expect(pairingProblem(device, 'wss://gw:1/', null)).toBeNull();
    deps.clearDeviceAuthToken();
    expect(changes).toBe(2);
    expect(deps.loadDeviceAuthToken()).toBeNull();
    const problem = pairingProblem(device, 'wss://gw:1/', 'lab');
    expect(problem?.message).toMatch(new RegExp(`^openclaw gateway wss://gw:1/: it refused device ${device.deviceId.slice(0, 12)}'s token on \\d{4}-`));
    const first = (remedy: Remedy | undefined) => renderRemedy(remedy ?? [], { ssh: null }).split('\n')[0];
    expect(first(problem?.remedy)).toBe('Pair again: authwatch gateway pair --gateway lab');
    expect(first(pairingProblem(null, 'wss://gw:1', null)?.remedy)).toBe('Pair: authwatch gateway pair');
  });

  it("a hello-ok token or scopes out of shape are not kept, and the reason is said (never printed raw, never 'Paired')", () => {
    const device = newDevice();
    const rejected: string[] = [];
    const deps = deviceHostDeps(device, { key: 'wss://gw:1', url: 'wss://gw:1/', onChange: () => {}, onRejected: (why) => rejected.push(why) });
    for (const issued of [
      { token: 'device-token-1', scopes: 'x' },
      { token: { nested: true }, scopes: ['operator.read'] },
      { token: 'device-token-1', scopes: ['operator.read\u001b[31m'] },
      { token: 'has a space', scopes: [] },
    ]) {
      deps.storeDeviceAuthToken(issued as unknown as { token: string; scopes: string[] });
    }
    expect(device.pairings).toEqual({});
    expect(rejected).toHaveLength(4);
    expect(rejected[0]).toMatch(/^the gateway issued a device token that is not in the expected shape \(at scopes: .*\); it was not kept$/);
    expect(rejected.join('\n')).not.toContain('\u001b');
    expect(classify(Object.assign(new Error('pairing required'), { details: { code: 'PAIRING_REQUIRED', requestId: 'x; rm -rf ~' } }))).toEqual({
      kind: 'pairing',
      message: 'pairing required',
    });
  });

  it('a corrupt device file is moved aside with a warning, not a crash', async () => {
    const env = stateEnv();
    await saveDevice(env, newDevice());
    writeFileSync(devicePath(env), '{"version":1,');
    const loaded = await loadDevice(env);
    expect(loaded.device).toBeNull();
    expect(loaded.warning).toMatch(/is corrupt \(not JSON\); moved it to .*device\.json\.corrupt-.*: pair again \(authwatch gateway pair\)$/);
    expect(readdirSync(join(env.XDG_STATE_HOME, 'authwatch')).filter((f) => f.startsWith('device.json.corrupt-'))).toHaveLength(1);
    expect(await loadDevice(env)).toEqual({ device: null });
  });

  it("saving one gateway's pairing keeps the others written meanwhile, and yields to a newer identity", async () => {
    const env = stateEnv();
    const device = newDevice();
    await saveDevice(env, device);
    const other = structuredClone(device);
    other.pairings['wss://b:1'] = { url: 'wss://b:1', token: 't-b', scopes: ['operator.read'], pairedAt: 1 };
    await saveDevice(env, other);
    device.pairings['wss://a:1'] = { url: 'wss://a:1', token: 't-a', scopes: ['operator.read'], pairedAt: 2 };
    await savePairing(env, device, 'wss://a:1');
    expect(Object.keys((await loadDevice(env)).device!.pairings).sort()).toEqual(['wss://a:1', 'wss://b:1']);
    const newer = newDevice();
    await saveDevice(env, newer);
    await savePairing(env, device, 'wss://a:1');
    expect((await loadDevice(env)).device).toEqual(newer);
  });

  it("a gateway URL on another host is read as a paired device: this host's gateway.auth token is never offered to it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-remote-'));
    const path = join(dir, 'openclaw.json');
    writeFileSync(path, JSON.stringify({ gateway: { auth: { token: 'local-token-0123456789' } } }));
    expect(gatewayTarget({ url: 'wss://gw.lan:18789' }, { OPENCLAW_CONFIG_PATH: path })).toEqual({
      url: 'wss://gw.lan:18789',
      auth: {},
      from: 'the device token from authwatch gateway pair',
      paired: true,
    });
    // OpenClaw's remote mode by URL: its remote token and pin, never the local token.
    const pin = `${'AB:'.repeat(31)}CD`;
    writeFileSync(
      path,
      JSON.stringify({ gateway: { mode: 'remote', auth: { token: 'local-token-0123456789' }, remote: { url: 'wss://gw.lan:18789', tlsFingerprint: pin } } }),
    );
    expect(gatewayTarget({}, { OPENCLAW_CONFIG_PATH: path })).toEqual({
      url: 'wss://gw.lan:18789',
      auth: {},
      from: 'the device token from authwatch gateway pair',
      paired: true,
      tlsFingerprint: pin,
    });
    writeFileSync(path, JSON.stringify({ gateway: { mode: 'remote', remote: { url: 'wss://gw.lan:18789', token: 'remote-token-0123456789' } } }));
    expect(gatewayTarget({}, { OPENCLAW_CONFIG_PATH: path })).toMatchObject({ auth: { token: 'remote-token-0123456789' }, paired: true });
  });

  it('failures a paired device meets are told apart by their words (the bundled client loses class names)', () => {
    expect(classify(Object.assign(new Error('pairing required'), { details: { code: 'PAIRING_REQUIRED', requestId: 'a1b2-c3' } }))).toEqual({
      kind: 'pairing',
      message: 'pairing required',
      requestId: 'a1b2-c3',
    });
    // A request id that is not an id is not passed on into a command line.
    expect(classify(Object.assign(new Error('pairing required'), { details: { code: 'PAIRING_REQUIRED', requestId: 'x; rm -rf ~' } }))).toEqual({
      kind: 'pairing',
      message: 'pairing required',
    });
    expect(classify(new Error('self-signed certificate in certificate chain')).kind).toBe('tls');
    expect(classify(new Error('gateway tls fingerprint mismatch')).kind).toBe('tls');
    expect(classify(new Error('SECURITY ERROR: Cannot connect to "203.0.113.9" over plaintext ws:// (…)'))).toEqual({
      kind: 'plaintext',
      message: `OpenClaw's client refuses plaintext ws:// to 203.0.113.9 (only loopback, private and tailnet addresses): use wss://, or an SSH tunnel (gateway.ssh)`,
    });
  });
});

describe('gateway pair while it waits for approval', () => {
  it('announces a request without a usable id (it used to wait in silence), then each new one once', async () => {
    const { approvalNews } = await import('../../src/cli/commands/gateway.js');
    const id = 'ab'.repeat(32);
    const first = approvalNews(undefined, undefined, id);
    expect(first).toBe(
      `\nThe gateway asks for approval. The gateway named no usable request id. On the gateway host, find this device's request (device ${id.slice(0, 12)}) and approve it:\n  openclaw devices list\n  openclaw devices approve <requestId>\n`,
    );
    expect(approvalNews(undefined, null, id)).toBeNull();
    expect(approvalNews('req-1', null, id)).toBe('\nThe gateway asks for approval. On the gateway host, run:\n  openclaw devices approve req-1\n');
    expect(approvalNews('req-1', 'req-1', id)).toBeNull();
    expect(approvalNews('req-2', 'req-1', id)).toContain('openclaw devices approve req-2');
  });
});
