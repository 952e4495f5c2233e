import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './cli.js';

/** A running `authwatch watch`, with its stderr log lines parsed as they arrive. */
export function startWatch(args: string[], env: Record<string, string>, node = process.execPath) {
  const child: ChildProcess = spawn(node, [CLI, 'watch', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buffered = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ raw: line });
      }
    }
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    checks: () => lines.filter((l) => l.msg === 'check finished'),
    /** Resolves when `predicate` holds, polling every 20 ms; rejects after `timeoutMs` with the log so far. */
    async waitFor(predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
