import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every module a file imports (static, type-only and dynamic), as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)).replace(/\.js$/, '.ts'));
}

/** What of a source the rest of authwatch may use: the table of sources, and a source's config schema. */
const SOURCE_SURFACE = /^src\/monitor\/sources\/(registry\.ts|source\.ts|[a-z-]+\/config\.ts)$/;

describe('the layout', () => {
  it('finds the imports it checks (the scan is not empty)', () => {
    expect(importsOf('src/notifiers/openclaw.ts')).toContain('src/openclaw/gateway/link.ts');
    expect(importsOf('src/cli/commands/doctor.ts')).toContain('src/monitor/sources/openclaw/config.ts');
  });

  it("notifiers and commands reach OpenClaw through src/openclaw/, never through a source's internals", () => {
    const offending = [...tsFiles('src/notifiers'), ...tsFiles('src/cli')].flatMap((file) =>
      importsOf(file)
        .filter((path) => path.startsWith('src/monitor/sources/') && !SOURCE_SURFACE.test(path))
        .map((path) => `${file} imports ${path}`),
    );
    expect(offending).toEqual([]);
  });

  it('src/openclaw/ (how authwatch reaches OpenClaw) depends on no source, notifier or command', () => {
    const offending = tsFiles('src/openclaw').flatMap((file) =>
      importsOf(file)
        .filter((path) => /^src\/(monitor\/sources|notifiers|cli|scheduler|deploy)\//.test(path))
        .map((path) => `${file} imports ${path}`),
    );
    expect(offending).toEqual([]);
  });
});
