import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { itIf, onPath } from './tools.js';

const NEEDS: Array<[tool: string, debianPackage: string]> = [
  ['dbus-daemon', 'dbus'],
  ['Xvfb', 'xvfb'],
  ['dunst', 'dunst'],
  ['dunstctl', 'dunst'],
  ['notify-send', 'libnotify-bin'],
  ['dbus-send', 'dbus-bin'],
];
const missing = NEEDS.find(([tool]) => !onPath(tool));
export const itWithDunst = itIf(!missing, missing ? `${missing[0]} not found (Debian package: ${missing[1]})` : '');

/** What dunst was handed, as its own rule script saw it (one per notification received). */
export interface Received {
  id: number;
  appname: string;
  urgency: string;
  summary: string;
  body: string;
}

export interface RunningDunst {
  /** DBUS_SESSION_BUS_ADDRESS for notify-send and dunstctl. */
  bus: string;
  received(): Received[];
  /** `dunstctl count`: how many it shows now. */
  displayed(): number;
  /** Closes what is shown, then `dunstctl history`: id, appname, summary, body of each. */
  history(): Array<Pick<Received, 'id' | 'appname' | 'summary' | 'body'>>;
  stop(): Promise<void>;
}

/**
 * A real notification daemon: a private D-Bus session bus, a virtual X display (Xvfb) and dunst on
 * it, with a rule that runs a script for every notification it receives, which records what dunst
 * was given (its id, app name, urgency, summary, body). Nothing of the desktop this runs on.
 */
export async function startDunst(): Promise<RunningDunst> {
  const dir = mkdtempSync(join(tmpdir(), 'authwatch-dunst-'));
  const log = join(dir, 'received.jsonl');
  const script = join(dir, 'record.sh');
  writeFileSync(
    script,
    `#!/bin/sh\nnode -e 'process.stdout.write(JSON.stringify({id:+process.env.DUNST_ID,appname:process.env.DUNST_APP_NAME,urgency:process.env.DUNST_URGENCY,summary:process.env.DUNST_SUMMARY,body:process.env.DUNST_BODY})+"\\n")' >> '${log}'\n`,
  );
  chmodSync(script, 0o755);
  writeFileSync(join(dir, 'dunstrc'), `[global]\n    timeout = 0\n[record]\n    appname = "*"\n    script = ${script}\n`);
  const bus = `unix:path=${join(dir, 'bus')}`;
  const env = { PATH: `${process.env.PATH}`, HOME: dir, XDG_RUNTIME_DIR: dir, DBUS_SESSION_BUS_ADDRESS: bus };
  const children: ChildProcess[] = [];
  const start = (argv: string[], extra: Record<string, string> = {}) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return child;
  };
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(3000).then(() => child.kill('SIGKILL'))]);
    }
  };
  try {
    start(['dbus-daemon', '--session', '--nofork', `--address=${bus}`]);
    // Xvfb picks a free display and writes its number to stdout (-displayfd 1).
    const x = start(['Xvfb', '-displayfd', '1', '-nolisten', 'tcp']);
    const display = await new Promise<string>((resolve, reject) => {
      let out = '';
      x.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(`:${out.trim()}`);
      });
      x.once('exit', (code) => reject(new Error(`Xvfb exited ${code}`)));
      setTimeout(() => reject(new Error('Xvfb gave no display within 10 s')), 10_000);
    });
    start(['dunst', '-conf', join(dir, 'dunstrc')], { DISPLAY: display });
    const ctl = (...args: string[]) => execFileSync('dunstctl', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    // Up once dunstctl gets an answer over the bus.
    for (let waited = 0; ; waited += 100) {
      try {
        ctl('is-paused');
        break;
      } catch (error) {
        if (waited > 10_000) throw new Error(`dunst did not answer on the session bus: ${(error as Error).message}`);
        await sleep(100);
      }
    }
    return {
      bus,
      received: () => {
        try {
          return readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Received);
        } catch {
          return [];
        }
      },
      displayed: () => Number(/Currently displayed:\s*(\d+)/.exec(ctl('count'))?.[1]),
      history: () => {
        ctl('close-all');
        const data = JSON.parse(ctl('history')) as { data: Array<Array<Record<string, { data: unknown }>>> };
        return (data.data[0] ?? []).map((n) => ({
          id: n.id!.data as number,
          appname: n.appname!.data as string,
          summary: n.summary!.data as string,
          body: n.body!.data as string,
        }));
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
