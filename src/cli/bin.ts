import module from 'node:module';

// Node >= 22.1 can cache compiled code between runs: a timer that runs `check` every few minutes
// then skips most of its start-up compile. Node 20 has no such cache; this is a no-op there.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// Loaded after the cache is on, so that main and everything it imports benefit.
const { processIo } = await import('./io.js');
const { main } = await import('./main.js');

// `authwatch status | head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

let io: ReturnType<typeof processIo>;
try {
  io = processIo();
} catch (error) {
  process.stderr.write(`authwatch: ${(error as Error).message}\n`);
  process.exit(64);
}
process.exitCode = await main(process.argv.slice(2), io);
// Once a command has returned, nothing it may have left open (a socket a stalled server never
// closes, a child's pipe) is worth waiting for: a stopped `watch` must really stop. The timer is
// unref'd, so a clean exit does not wait for it.
setTimeout(() => process.exit(), 2_000).unref();
