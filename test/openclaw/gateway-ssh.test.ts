import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { fakeToken, parseReport, runCli, sandbox } from '../helpers/cli.js';
import { type RunningGateway, startGateway } from '../helpers/gateway.js';
import { realOpenclaw } from '../helpers/openclaw.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import { keyPair, processesWith, startSshd } from '../helpers/sshd.js';
import { itWithTool, onPath } from '../helpers/tools.js';

// A gateway on "another host" reached through an SSH tunnel: a real sshd on 127.0.0.1 (its own
// host key, one authorized key) in front of a real gateway bound to loopback. authwatch opens
// `ssh -N -L`, talks to the gateway as a loopback client through it, and closes it when done.
const it = itWithTool('sshd', 'openssh-server');
const TOKEN = `gw-${fakeToken('')}`;

let box: ReturnType<typeof sandbox>;
let gateway: RunningGateway | undefined;
let sshd: Awaited<ReturnType<typeof startSshd>> | undefined;
let client: { key: string; pub: string };
let keys: string;

beforeAll(async () => {
  // No sshd here: the tests skip, naming the package (a failure under .ci/run, which installs it).
  if (!onPath('sshd')) return;
  box = sandbox();
  keys = mkdtempSync(join(tmpdir(), 'authwatch-ssh-client-'));
  client = keyPair(keys, 'client');
  sshd = await startSshd(client.pub);
  const oc = realOpenclaw(box.home);
  await oc.useModel('anthropic/claude-sonnet-4-5');
  await oc.pasteToken('anthropic', fakeToken(), '3h');
  gateway = await startGateway(box.home, TOKEN);
  box.env.REMOTE_GATEWAY_TOKEN = TOKEN;
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
  await sshd?.stop();
});

/** The config of a laptop that watches that gateway: no OpenClaw of its own. */
const config = (sshArgs: string[]) =>
  box.writeConfig(
    [
      'sources:',
      '  openclaw:',
      '    gateway:',
      `      ssh: ${sshd!.destination}`,
      `      remotePort: ${gateway!.port}`,
      '      token: env:REMOTE_GATEWAY_TOKEN',
      `      sshArgs: ${JSON.stringify(sshArgs)}`,
      '',
    ].join('\n'),
  );
// authwatch's side reads no OpenClaw config (the gateway's HOME is the same directory here).
const laptop = () => ({ ...box.env, OPENCLAW_CONFIG_PATH: join(box.home, 'none.json') });

describe('a gateway on another host, through an SSH tunnel', { timeout: 120_000 }, () => {
  it('reads it as a loopback client through ssh -N -L, and closes the tunnel when done', async () => {
    const result = await runCli(['check', '--json', '--no-notify', '--config', config(sshd!.clientArgs(client.key)), '--log-level', 'debug'], laptop());
    expect(result.exitCode, result.stderr).toBe(2);
    const report = parseReport(result);
    expect(report.sources[0]).toMatchObject({
      via: 'gateway',
      url: `ws://127.0.0.1:${gateway!.port} via ssh ${sshd!.destination}`,
      agents: 1,
      // The route facts need the CLI on that host (not built yet): none, and no local CLI run.
      routesAgeMs: null,
    });
    expect(report.credentials.map((c) => [c.id, c.status])).toEqual([['openclaw:main:anthropic:manual', 'warn']]);
    expect(result.stderr).toContain('"msg":"openclaw gateway: ssh tunnel open"');
    expect(result.stderr).not.toContain('openclaw models status');
    // The tunnel is gone with the check.
    expect(processesWith(`127.0.0.1:${gateway!.port}`).filter((pid) => pid !== process.pid)).toEqual([]);
    expectNoSecrets({ out: result.stdout, err: result.stderr }, [TOKEN]);

    const doctor = await runCli(['doctor', '--config', config(sshd!.clientArgs(client.key))], laptop());
    expect(doctor.stdout).toContain(
      `ok    openclaw transport: the gateway ws://127.0.0.1:${gateway!.port} via ssh ${sshd!.destination} (credential from sources.openclaw.gateway.token; it answered), no route facts (they need the CLI on that host)\n`,
    );
  });

  it('an unknown host key is an error (exit 3) saying how to check and record it, never a silent accept', async () => {
    const strangers = join(keys, 'known_hosts_other');
    writeFileSync(strangers, `[127.0.0.1]:${sshd!.port} ${keyPair(keys, `other-host-${Date.now()}`).pub}\n`);
    const result = await runCli(['check', '--json', '--no-notify', '--config', config(sshd!.clientArgs(client.key, strangers))], laptop());
    expect(result.exitCode, result.stderr).toBe(3);
    const [record] = parseReport(result).credentials;
    expect(record!.detail).toMatch(/^ssh .*@127\.0\.0\.1:\d+: .*(Host key verification failed|HOST IDENTIFICATION HAS CHANGED)/);
    expect(record!.remedy).toBe(
      `The host key of 127.0.0.1 is unknown or has changed. Check it with the host's owner, then record it by logging in once: ssh -p ${sshd!.port} ${sshd!.destination.replace(/:\d+$/, '')}\n(for a changed key, first: ssh-keygen -R '[127.0.0.1]:${sshd!.port}')`,
    );
  });

  it('a key the host does not accept is an error (exit 3) saying how to install one; auto does not fall back to a local CLI', async () => {
    const stranger = keyPair(keys, `stranger-${Date.now()}`);
    const result = await runCli(['check', '--json', '--no-notify', '--config', config(sshd!.clientArgs(stranger.key))], laptop());
    expect(result.exitCode, result.stderr).toBe(3);
    const [record] = parseReport(result).credentials;
    expect(record!.detail).toMatch(/Permission denied/);
    expect(record!.remedy).toContain(`Copy your public key to the host with ssh-copy-id -p ${sshd!.port} ${sshd!.destination.replace(/:\d+$/, '')}\n`);
    expect(parseReport(result).sources[0]).toMatchObject({ via: 'gateway' });
  });
});
