import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { fakeToken, parseReport, runCli, type Sandbox } from '../helpers/cli.js';
import { type RunningGateway, startGateway } from '../helpers/gateway.js';
import { realOpenclaw } from '../helpers/openclaw.js';
import { startsDuring } from '../helpers/openclaw-starts.js';
import { copyOf } from '../helpers/openclaw-states.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import { keyPair, processesWith, startSshd } from '../helpers/sshd.js';
import { startWatch } from '../helpers/watch.js';
import { itWithTool, onPath } from '../helpers/tools.js';
import { shWord } from '../../src/shell.js';

// A gateway on "another host" reached through an SSH tunnel: a real sshd on 127.0.0.1 (its own
// host key, one authorized key) in front of a real gateway bound to loopback. authwatch opens
// `ssh -N -L`, talks to the gateway as a loopback client through it, and closes it when done.
const it = itWithTool('sshd', 'openssh-server');
const TOKEN = `gw-${fakeToken('')}`;

let box: Sandbox;
let gateway: RunningGateway | undefined;
let sshd: Awaited<ReturnType<typeof startSshd>> | undefined;
let client: { key: string; pub: string };
let keys: string;

beforeAll(async () => {
  // No sshd here: the tests skip, naming the package (a failure under .ci/run, which installs it).
  if (!onPath('sshd')) return;
  box = (await copyOf('anthropic-3h')).box;
  keys = mkdtempSync(join(tmpdir(), 'authwatch-ssh-client-'));
  client = keyPair(keys, 'client');
  sshd = await startSshd(client.pub);
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
// authwatch's side reads no OpenClaw config (the gateway's HOME is the same directory here). It has
// an OpenClaw CLI of its own on PATH, which must stay unused for a gateway on another host (the
// wrapper counts every start: helpers/openclaw-starts.ts).
const laptop = () => ({
  ...box.env,
  PATH: `${dirname(realOpenclaw(box.home).bin)}:${box.env.PATH}`,
  OPENCLAW_CONFIG_PATH: join(box.home, 'none.json'),
});

describe('a gateway on another host, through an SSH tunnel', { timeout: 120_000 }, () => {
  it('reads it as a loopback client through ssh -N -L, and closes the tunnel when done', async () => {
    const { result, starts } = await startsDuring(() =>
      runCli(['check', '--json', '--no-notify', '--config', config(sshd!.clientArgs(client.key)), '--log-level', 'debug'], laptop()),
    );
    expect(result.exitCode, result.stderr).toBe(2);
    const report = parseReport(result);
    expect(report.sources[0]).toMatchObject({
      via: 'gateway',
      url: `ws://127.0.0.1:${gateway!.port} via ssh ${sshd!.destination}`,
      agents: 1,
      // The route facts need the CLI on that host (sources.openclaw.ssh): none, and no local CLI run.
      routesAgeMs: null,
    });
    // Unnamed but on another host: named after it, so its ids never mix with a local gateway's.
    expect(report.credentials.map((c) => [c.id, c.status])).toEqual([['openclaw@127.0.0.1:main:anthropic:manual', 'warn']]);
    expect(result.stderr).toContain('"msg":"openclaw gateway: ssh tunnel open"');
    expect(starts).toEqual([]);
    // The tunnel is gone with the check.
    expect(processesWith(`127.0.0.1:${gateway!.port}`).filter((pid) => pid !== process.pid)).toEqual([]);
    expectNoSecrets({ out: result.stdout, err: result.stderr }, [TOKEN]);

    const doctor = await runCli(['doctor', '--config', config(sshd!.clientArgs(client.key))], laptop());
    expect(doctor.stdout).toContain(
      `ok    openclaw transport (gateway 127.0.0.1): the gateway ws://127.0.0.1:${gateway!.port} via ssh ${sshd!.destination} (credential from sources.openclaw.gateway.token; it answered), no route facts (they need the CLI on that host: sources.openclaw.ssh)\n`,
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
      `The host key of 127.0.0.1 is unknown or has changed. Check it with the host's owner, then record it by logging in once: ssh -p ${sshd!.port} -- ${sshd!.destination.replace(/:\d+$/, '')}\n(for a changed key, first: ssh-keygen -R '[127.0.0.1]:${sshd!.port}')`,
    );
  });

  it('a key the host does not accept is an error (exit 3) saying how to install one; auto does not fall back to a local CLI', async () => {
    const stranger = keyPair(keys, `stranger-${Date.now()}`);
    const { result, starts } = await startsDuring(() =>
      runCli(['check', '--json', '--no-notify', '--config', config(sshd!.clientArgs(stranger.key))], laptop()),
    );
    expect(result.exitCode, result.stderr).toBe(3);
    expect(starts).toEqual([]);
    const [record] = parseReport(result).credentials;
    expect(record!.detail).toMatch(/Permission denied/);
    expect(record!.remedy).toContain(`Copy your public key to the host with ssh-copy-id -p ${sshd!.port} -- ${sshd!.destination.replace(/:\d+$/, '')}\n`);
    expect(parseReport(result).sources[0]).toMatchObject({ via: 'gateway' });
  });
});

/**
 * `sources.openclaw.ssh`: the CLI on the gateway's host, over SSH. sshd gives the session a clean
 * environment, so the remote command carries what the "server" needs (its HOME), as a user whose
 * OpenClaw is not on a non-login PATH would.
 */
const remoteCommand = () =>
  `HOME=${shWord(box.home)} TZ=UTC NO_COLOR=1 AUTHWATCH_OPENCLAW_LOG=${shWord(process.env.AUTHWATCH_OPENCLAW_LOG!)} ${shWord(realOpenclaw(box.home).bin)}`;
const sshConfig = (lines: string[], sshArgs = sshd!.clientArgs(client.key), command = remoteCommand()) =>
  box.writeConfig(
    [
      'sources:',
      '  openclaw:',
      '    name: server',
      `    ssh: ${sshd!.destination}`,
      `    sshArgs: ${JSON.stringify(sshArgs)}`,
      `    remoteCommand: ${JSON.stringify(command)}`,
      ...lines.map((l) => `    ${l}`),
      '',
    ].join('\n'),
  );

describe('the OpenClaw CLI on another host, over SSH (sources.openclaw.ssh)', { timeout: 180_000 }, () => {
  it('reads every agent there; ids, output, metrics and remedies name the gateway, and remedies run over ssh', async () => {
    const result = await runCli(['check', '--json', '--no-notify', '--config', sshConfig(['via: cli'])], laptop());
    expect(result.exitCode, result.stderr).toBe(2);
    const report = parseReport(result);
    expect(report.sources.filter((s) => s.source === 'openclaw')).toEqual([
      expect.objectContaining({ gateway: 'server', via: 'cli', ssh: sshd!.destination, agents: 1 }),
    ]);
    const [record] = report.credentials;
    expect(record).toMatchObject({ id: 'openclaw@server:main:anthropic:manual', status: 'warn' });
    // The remote command (the user's shell text, which may carry an environment) stays out of the output.
    expect(record!.gateway).toEqual({ name: 'server', ssh: sshd!.destination });
    const login = sshd!.destination.replace(/:\d+$/, '');
    expect(record!.remedy).toContain(`On the gateway host run: ssh -t -p ${sshd!.port} -- ${login} 'claude setup-token'\n`);
    expect(record!.remedy).toContain(
      `Then: ssh -t -p ${sshd!.port} -- ${login} ${shWord(`${remoteCommand()} models auth setup-token --provider anthropic --agent main`)}\n`,
    );

    const status = await runCli(['status', '--config', sshConfig(['via: cli'])], laptop());
    expect(status.stdout).toMatch(/^STATUS +GATEWAY +AGENT +PROVIDER/m);
    expect(status.stdout).toMatch(/^warn +server +main +anthropic +anthropic:manual/m);
    expect(status.stdout).toContain(`read via the CLI on ${sshd!.destination}`);
    expectNoSecrets({ out: result.stdout, err: result.stderr }, [TOKEN]);
  });

  it('agent ids are quoted for the remote shell: hostile ids run nothing there, and each is an error record', async () => {
    const marker = join(box.home, 'pwned');
    const hostile = [`x'; touch ${marker}; '`, `$(touch ${marker})`, `\`touch ${marker}\``, `--help; touch ${marker}`];
    const { result, starts } = await startsDuring(() =>
      runCli(['check', '--json', '--no-notify', '--config', sshConfig(['via: cli']), ...hostile.flatMap((a) => ['--agent', a])], laptop()),
    );
    expect(result.exitCode, result.stderr).toBe(3);
    // OpenClaw on that host got each id literally (the start log joins arguments with spaces, so
    // the marker, not this, shows that no shell split one).
    expect(starts.sort()).toEqual(hostile.map((id) => `models status --json --agent=${id}`).sort());
    const records = parseReport(result).credentials;
    expect(records).toHaveLength(hostile.length);
    for (const r of records) {
      expect(r.status).toBe('error');
      // OpenClaw itself got the literal id (and refused it as unknown): nothing ran in a shell.
      expect(r.detail).toMatch(/^openclaw models status \(agent .*\): (failed|printed)/);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('a hostile profile id on that host: the printed "Remove it" line, pasted into bash here, removes exactly that profile there and runs nothing else', async () => {
    const marker = join(box.home, 'pwned-paste');
    const hostileId = `anthropic:x'y\`touch ${marker}\`'`;
    const oc = realOpenclaw(box.home);
    await oc.pasteToken('anthropic', fakeToken(), '1h', undefined, hostileId);
    let removed = false;
    try {
      await oc.run(['models', 'auth', 'order', 'set', '--provider', 'anthropic', 'anthropic:manual']);
      const result = await runCli(['check', '--json', '--no-notify', '--config', sshConfig(['via: cli'])], laptop());
      const record = parseReport(result).credentials.find((c) => c.profileId === hostileId);
      expect(record, result.stdout).toMatchObject({ inUse: false });
      const line = record!.remedy!.split('\n').find((l) => l.startsWith('Remove it: '))!;
      const pasted = line.slice('Remove it: '.length);
      expect(pasted.startsWith(`ssh -t -p ${sshd!.port} -- `)).toBe(true);
      // This host's ssh knows the server as the user's own ssh config would (key, host key).
      const bin = mkdtempSync(join(tmpdir(), 'authwatch-paste-bin-'));
      writeFileSync(
        join(bin, 'ssh'),
        `#!/bin/sh\nexec /usr/bin/ssh ${sshd!
          .clientArgs(client.key)
          .map((a) => shWord(a))
          .join(' ')} "$@"\n`,
        { mode: 0o755 },
      );
      // Pasted as printed.
      const run = spawnSync('bash', ['-c', pasted], { env: { ...laptop(), PATH: `${bin}:${box.env.PATH}` }, encoding: 'utf8', timeout: 90_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(existsSync(marker)).toBe(false);
      const after = JSON.parse(await oc.run(['models', 'status', '--json'])) as { auth: { oauth: { profiles: Array<{ profileId: string }> } } };
      expect(after.auth.oauth.profiles.map((p) => p.profileId)).toEqual(['anthropic:manual']);
      removed = true;
    } finally {
      if (!removed) await oc.run(['models', 'auth', 'logout', '--yes', hostileId]).catch(() => {});
    }
  });

  it('with a gateway token: the gateway through a tunnel to the same host, and route facts from the CLI there', async () => {
    const lines = ['gateway:', `  remotePort: ${gateway!.port}`, '  token: env:REMOTE_GATEWAY_TOKEN'];
    const first = await runCli(['check', '--json', '--no-notify', '--config', sshConfig(lines), '--log-level', 'debug'], laptop());
    expect(first.exitCode, first.stderr).toBe(2);
    expect(parseReport(first).sources[0]).toMatchObject({
      via: 'gateway',
      gateway: 'server',
      url: `ws://127.0.0.1:${gateway!.port} via ssh ${sshd!.destination}`,
      routesAgeMs: 0,
    });
    expect(first.stderr).toContain(`"ssh":"${sshd!.destination}"`);
    // The next check needs no CLI run: the route facts hold.
    const { result: second, starts } = await startsDuring(() =>
      runCli(['check', '--json', '--no-notify', '--config', sshConfig(lines), '--log-level', 'debug'], laptop()),
    );
    expect(parseReport(second).sources[0]!.routesAgeMs).toBeGreaterThan(0);
    expect(starts).toEqual([]);
    expect(parseReport(second).credentials.map((c) => [c.id, c.status])).toEqual(parseReport(first).credentials.map((c) => [c.id, c.status]));

    const doctor = await runCli(['doctor', '--config', sshConfig(lines)], laptop());
    expect(doctor.stdout).toMatch(new RegExp(`^ok    openclaw on ${sshd!.destination}: .*2026\\.9\\.6.* \\(gateway server\\)$`, 'm'));
    expect(doctor.stdout).toContain(
      `ok    openclaw transport (gateway server): the gateway ws://127.0.0.1:${gateway!.port} via ssh ${sshd!.destination} (credential from sources.openclaw.gateway.token; it answered), route facts from a CLI pass on ${sshd!.destination} on each change seen, at least every 7d\n`,
    );
  });

  it('a wrong host key, a refused key and a host that never answers are error records, each with its own remedy', async () => {
    const strangers = join(keys, 'known_hosts_cli');
    writeFileSync(strangers, `[127.0.0.1]:${sshd!.port} ${keyPair(keys, `other-cli-${Date.now()}`).pub}\n`);
    const hostkey = await runCli(['check', '--json', '--no-notify', '--config', sshConfig(['via: cli'], sshd!.clientArgs(client.key, strangers))], laptop());
    expect(hostkey.exitCode, hostkey.stderr).toBe(3);
    expect(parseReport(hostkey).credentials[0]!.remedy).toMatch(/^The host key of 127\.0\.0\.1 is unknown or has changed/);

    const refused = await runCli(
      ['check', '--json', '--no-notify', '--config', sshConfig(['via: cli'], sshd!.clientArgs(keyPair(keys, `x-${Date.now()}`).key))],
      laptop(),
    );
    expect(parseReport(refused).credentials[0]!.remedy).toContain('Or name one: sources.openclaw.sshArgs: [-i, ~/.ssh/id_ed25519]');

    // A "host" that accepts the connection and never says a word: ssh's own timeout (half the budget), not a hang.
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as { port: number }).port;
      const dead = box.writeConfig(`sources:\n  openclaw:\n    ssh: nobody@127.0.0.1:${port}\n    via: cli\n    timeout: 4s\n`);
      const result = await runCli(['check', '--json', '--no-notify', '--config', dead], laptop());
      expect(result.exitCode, result.stderr).toBe(3);
      const [record] = parseReport(result).credentials;
      expect(record!.id).toBe('openclaw@127.0.0.1:agents');
      expect(record!.detail).toMatch(/timed out/);
      expect(record!.remedy).toBe(`Check that 127.0.0.1 is up and its sshd answers: ssh -p ${port} -- nobody@127.0.0.1 true`);
    } finally {
      silent.close();
    }
  });

  it('a remote shell that does not find openclaw says how to find it and name its path', async () => {
    const result = await runCli(
      ['check', '--json', '--no-notify', '--config', sshConfig(['via: cli'], sshd!.clientArgs(client.key), 'openclaw-not-here')],
      laptop(),
    );
    expect(result.exitCode, result.stderr).toBe(3);
    const [record] = parseReport(result).credentials;
    expect(record!.detail).toContain('the remote shell did not find the program of sources.openclaw.remoteCommand (exit 127)');
    expect(record!.remedy).toContain('then set sources.openclaw.remoteCommand to that full path');
  });
});

describe('two gateways in one config', { timeout: 180_000 }, () => {
  it("reads both at once; ids, scopes, output and metrics carry each gateway's name", async () => {
    const config = box.writeConfig(
      [
        'sources:',
        '  openclaw:',
        '    - name: home',
        // Its route pass runs this host's CLI (not on the test's PATH).
        `      command: ${JSON.stringify(realOpenclaw(box.home).bin)}`,
        '    - name: server',
        `      ssh: ${sshd!.destination}`,
        `      sshArgs: ${JSON.stringify(sshd!.clientArgs(client.key))}`,
        `      remoteCommand: ${JSON.stringify(remoteCommand())}`,
        '      via: cli',
        '',
      ].join('\n'),
    );
    const textfile = join(box.home, 'two.prom');
    // The "home" gateway is this host's (the sandbox's OpenClaw, through its gateway); "server" is the same state over SSH.
    const result = await runCli(['check', '--json', '--no-notify', '--config', config, '--metrics-textfile', textfile], box.env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(2);
    const report = parseReport(result);
    expect(report.credentials.map((c) => [c.id, c.status, c.gateway?.name, c.gateway?.ssh ?? null])).toEqual([
      ['openclaw@home:main:anthropic:manual', 'warn', 'home', null],
      ['openclaw@server:main:anthropic:manual', 'warn', 'server', sshd!.destination],
    ]);
    expect(report.sources.filter((s) => s.source === 'openclaw').map((s) => [s.gateway, s.via, s.ssh ?? null])).toEqual([
      ['home', 'gateway', null],
      ['server', 'cli', sshd!.destination],
    ]);
    // Only the remote one's remedies go over ssh.
    expect(report.credentials[0]!.remedy).toContain('\nThen: openclaw models auth setup-token --provider anthropic --agent main\n');
    expect(report.credentials[1]!.remedy).toContain(`\nThen: ssh -t -p ${sshd!.port} -- `);
    const metrics = readFileSync(textfile, 'utf8');
    expect(metrics).toContain(
      'authwatch_credential_status{gateway="home",agent="main",provider="anthropic",profile="anthropic:manual",in_use="true",status="warn"} 1',
    );
    expect(metrics).toContain(
      'authwatch_credential_status{gateway="server",agent="main",provider="anthropic",profile="anthropic:manual",in_use="true",status="warn"} 1',
    );
    expect(metrics).toMatch(/^authwatch_source_duration_seconds\{source="openclaw",gateway="server",via="cli"\} [\d.]+$/m);

    const status = await runCli(['status', '--config', config], box.env);
    expect(status.stdout).toMatch(/^warn +home +main +anthropic/m);
    expect(status.stdout).toMatch(/^warn +server +main +anthropic/m);
    expect(status.stdout).toMatch(/^gateway home: read via gateway ws:\/\/127\.0\.0\.1:\d+ in /m);
    expect(status.stdout).toMatch(new RegExp(`^gateway server: read via the CLI on ${sshd!.destination} in `, 'm'));
    expect(status.stdout).toContain('(agent main, gateway server)');
  });
});

describe('watch through an SSH tunnel', { timeout: 240_000 }, () => {
  it('keeps one tunnel across checks, opens a new one when ssh died, and closes it at exit', async () => {
    const tunnels = () => processesWith(`127.0.0.1:${gateway!.port}`).filter((pid) => pid !== process.pid);
    const file = config(sshd!.clientArgs(client.key));
    writeFileSync(file, `schedule: "0 0 1 1 *"\n${readFileSync(file, 'utf8')}`);
    const w = startWatch(['--config', file, '--log-level', 'info'], { ...laptop(), XDG_STATE_HOME: join(box.home, 'state-watch-ssh') } as Record<
      string,
      string
    >);
    try {
      await w.waitFor(() => w.checks().length >= 1, 120_000, 'the first check');
      expect(w.checks()[0]!.via).toBe('gateway');
      const [first] = tunnels();
      expect(tunnels()).toEqual([first]);

      w.child.kill('SIGUSR1');
      await w.waitFor(() => w.checks().length >= 2, 60_000, 'a second check');
      expect(w.checks()[1]!.via).toBe('gateway');
      expect(tunnels()).toEqual([first]);

      // The link dies (a dropped network, a killed ssh): the next check opens a new tunnel.
      process.kill(first!, 'SIGKILL');
      await w.waitFor(() => !tunnels().includes(first!), 10_000, 'ssh to die');
      w.child.kill('SIGUSR1');
      await w.waitFor(() => w.checks().length >= 3, 60_000, 'a check after ssh died');
      // Read, not an error: when the check starts before watch has heard that ssh exited, the kept
      // link fails the read and is replaced once (seen four times on a loaded machine).
      expect(w.checks()[2]).toMatchObject({ via: 'gateway', errors: 0 });
      // Its new ssh, once /proc shows it.
      await w.waitFor(() => tunnels().length === 1, 10_000, 'the new tunnel');
      const after = tunnels();
      expect(after).toHaveLength(1);
      expect(after[0]).not.toBe(first);

      w.child.kill('SIGTERM');
      expect((await w.exited).code).toBe(0);
      expect(tunnels()).toEqual([]);
    } finally {
      await w.stop();
    }
  });
});
