// The esbuild options of `npm run build`, shared with test/unit/startup-imports.test.ts, which
// builds the same bundle in memory to check what `authwatch check` loads.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** @type {import('esbuild').BuildOptions} */
export const buildOptions = {
  entryPoints: { cli: 'src/cli/bin.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: process.env.AUTHWATCH_NO_MINIFY !== '1',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __AUTHWATCH_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    // Bundled CommonJS dependencies (pino) call require(): give them one.
    js: "#!/usr/bin/env node\nimport { createRequire as __authwatchCreateRequire } from 'node:module';\nconst require = __authwatchCreateRequire(import.meta.url);",
  },
};
