// Bundles the CLI into dist/ with esbuild. One bundle starts about twice as fast as loading the
// unbundled modules (79 ms vs 179 ms measured on Node 20), which matters for `check` on phones.
// Commands stay in their own chunks (splitting) and load only when run. Every runtime dependency is
// inside the bundle, so the package has none to install; their licences go with it, in
// dist/THIRD_PARTY_NOTICES.md.
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOptions } from './build-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
await rm(join(root, 'dist'), { recursive: true, force: true });
const { metafile } = await build({ ...buildOptions, metafile: true });
await chmod(join(root, 'dist', 'cli.js'), 0o755);
await writeFile(join(root, 'dist', 'THIRD_PARTY_NOTICES.md'), notices(Object.keys(metafile.inputs)));

/** The name, version, licence and licence text of every package the bundle holds code from. */
function notices(inputs) {
  const dirs = new Set();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) dirs.add(match[1]);
  }
  const sections = [...dirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(root, dir)).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
    const text = file ? readFileSync(join(root, dir, file), 'utf8').trim() : `(no licence file in the package; its package.json says ${pkg.license})`;
    return `## ${pkg.name} ${pkg.version} (${pkg.license})\n\n\`\`\`\n${text}\n\`\`\`\n`;
  });
  return `# Third-party code in authwatch's bundle\n\nauthwatch's dist/ bundles code from these packages, under their licences:\n\n${sections.join('\n')}`;
}
