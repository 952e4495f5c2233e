import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './cli.js';

/**
 * A running `authwatch watch`, with its stderr log lines parsed as they arrive. `underShell`: as
 * npm exec runs it, the child of a `sh -c` that stays (`child` is then the shell).
 */
export function startWatch(args: string[], env: Record<string, string>, node = process.execPath, underShell = false) {
  const argv = [node, CLI, 'watch', ...args];
  const child: ChildProcess = underShell
    ? spawn('sh', ['-c', '"$0" "$@"; exit $?', ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    /** watch's own pid, from its first log line. */
    pid: () => lines.find((l) => l.msg?.toString().startsWith('watch started'))?.pid as number | undefined,
    async stop(): Promise<void> {
      const own = lines.find((l) => l.msg?.toString().startsWith('watch started'))?.pid;
      if (underShell && typeof own === 'number') {
        try {
          process.kill(own, 'SIGKILL');
        } catch {}
      }
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
