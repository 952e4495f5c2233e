import { type BuildOptions, build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script shared with the build, without type declarations
import { buildOptions } from '../../scripts/build-options.mjs';

/**
 * What `authwatch check` loads before it does anything: the bundle's static import closure of
 * bin → io, main → commands/check (the dynamic imports every check takes). Anything else must wait
 * for a dynamic import that only the runs needing it take (a config file → yaml, notifiers → the
 * channel senders, a schedule → croner, ...). Built in memory with the same options as `npm run build`.
 */
async function checkPathInputs(): Promise<Set<string>> {
  const result = await build({ ...(buildOptions as BuildOptions), write: false, metafile: true, logLevel: 'silent' });
  const outputs: Metafile['outputs'] = result.metafile?.outputs ?? {};
  const entryOf = (source: string) => {
    const found = Object.keys(outputs).find((name) => outputs[name]!.entryPoint === source);
    if (!found) throw new Error(`no output for ${source}`);
    return found;
  };
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const i of outputs[name]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  for (const source of ['src/cli/bin.ts', 'src/cli/io.ts', 'src/cli/main.ts', 'src/cli/commands/check.ts']) visit(entryOf(source));
  return new Set([...seen].flatMap((name) => Object.keys(outputs[name]!.inputs)));
}

describe('start-up: what a plain check loads', () => {
  it('validates the config without loading a channel sender, croner, yaml, pino or the lock', async () => {
    const inputs = [...(await checkPathInputs())];
    // The closure is the real one: it holds the config schema and every channel's schema.
    expect(inputs).toContain('src/config/schema.ts');
    expect(inputs).toContain('src/notifiers/schemas.ts');
    expect(inputs).toContain('src/monitor/sources/openclaw/source.ts');
    const forbidden = [
      /^src\/notifiers\/(webhook|ntfy|termux|desktop|command|alertmanager|openclaw|registry|message|http|retry)\.ts$/,
      /^src\/monitor\/(notify|heartbeat)\.ts$/,
      // platform-names.ts: the platforms' names and kinds, plain data, for the help text.
      /^src\/deploy\/(?!platform-names\.ts$)/,
      /^src\/scheduler\//,
      /node_modules\/(croner|yaml|pino|proper-lockfile|sonic-boom|thread-stream|ws|@openclaw)\//,
    ];
    expect(inputs.filter((input) => forbidden.some((pattern) => pattern.test(input)))).toEqual([]);
  }, 30_000);
});
