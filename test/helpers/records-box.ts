import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, sandbox } from './cli.js';
import type { startReceiver } from './receiver.js';

export const H = 3_600_000;
export const D = 24 * H;
export const NOW = Date.UTC(2026, 11, 6, 12);

/**
 * A sandbox whose only source is a command printing the records the test writes (a real
 * `command` source running `cat`), with the clock pinned; `run` takes another moment.
 */
export function recordsBox(config: string) {
  const box = sandbox();
  const file = join(box.dir, 'records.json');
  const serve = (records: Array<Record<string, unknown>>) => writeFileSync(file, JSON.stringify(records));
  serve([]);
  box.env.AUTHWATCH_NOW = String(NOW);
  const source = `sources:\n  openclaw:\n    enabled: false\n  commands:\n    - name: lab\n      command: [cat, ${JSON.stringify(file)}]\n`;
  const path = box.writeConfig(source + config);
  return {
    box,
    serve,
    path,
    /** Replaces the config after the sources. */
    reconfigure: (config: string) => box.writeConfig(source + config),
    /** The built CLI at moment `at`, with this config (snooze, unsnooze and history read only the state directory: no --config). */
    run: (args: string[], at = NOW) =>
      runCli(['snooze', 'unsnooze', 'history'].includes(args[0]!) ? args : [...args, '--config', path], { ...box.env, AUTHWATCH_NOW: String(at) }),
  };
}

/** What a webhook receiver got, as `event status credential` lines. */
export function got(r: Awaited<ReturnType<typeof startReceiver>>): string[] {
  return r.requests.map((q) => {
    const body = JSON.parse(q.body) as { event: string; status: string; credential: { id: string } };
    return `${body.event} ${body.status} ${body.credential.id}`;
  });
}
