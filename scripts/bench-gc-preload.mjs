// Loaded into `authwatch watch` by the bench only (node --expose-gc --import this): on SIGUSR2 it
// collects garbage fully and reports the live heap, so a leak shows as heap growth rather than
// hiding behind when V8's memory reducer happens to hand RSS back.
process.on('SIGUSR2', () => {
  globalThis.gc();
  globalThis.gc();
  const { heapUsed, rss } = process.memoryUsage();
  process.stderr.write(`${JSON.stringify({ msg: 'bench heap', heapUsed, rss })}\n`);
});
