/**
 * The docs cannot drift from the program: every YAML example passes `config check`, and every
 * `authwatch <command> --flag` they show is a flag that command has.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, sandbox } from '../helpers/cli.js';

const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
].map((path) => ({
  path,
  text: readFileSync(join(ROOT, path), 'utf8'),
}));

/** Each ```yaml block, dedented (README's sit inside a numbered list). */
const yamlExamples = DOCS.flatMap(({ path, text }) =>
  [...text.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```/gm)].map((m, i) => ({ name: `${path} #${i + 1}`, yaml: m[2]!.replace(new RegExp(`^${m[1]}`, 'gm'), '') })),
);

const COMMANDS = [
  'config init',
  'config check',
  'notify test',
  'snooze',
  'unsnooze',
  'history',
  'gateway pair',
  'gateway unpair',
  'gateway status',
  'check',
  'status',
  'watch',
  'reauth',
  'generate',
  'install',
  'uninstall',
  'doctor',
];

/** Flags in the option tables under a `### \`authwatch <command>\`` heading belong to that command. */
const tableFlagUses = DOCS.flatMap(({ path, text }) => {
  let command: string | undefined;
  return text.split('\n').flatMap((line) => {
    const heading = /^#{2,4} `authwatch ([a-z ]+?)(?: <[a-z]+>)?`/.exec(line);
    if (heading) command = COMMANDS.find((c) => c === heading[1]);
    else if (/^#{1,4} /.test(line)) command = undefined;
    if (!command || !line.startsWith('| `-')) return [];
    const cell = line.split('|')[1]!;
    return [...cell.matchAll(/(?<![\w-])(--[a-z][a-z-]*)/g)].map((f) => ({ path, command: command!, flag: f[1]! }));
  });
});

/** `authwatch <command> … --flag` in code: the command and the long flags after it. */
const codeFlagUses = DOCS.flatMap(({ path, text }) =>
  [...text.matchAll(/`([^`\n]*authwatch [^`\n]*)`|^\s*(?:\$ |npx )?(authwatch [^\n]*)$/gm)].flatMap((m) => {
    const code = (m[1] ?? m[2])!;
    const after = code.slice(code.indexOf('authwatch ') + 'authwatch '.length);
    const command = COMMANDS.find((c) => after.startsWith(`${c} `) || after === c);
    if (!command) return [];
    return [...after.matchAll(/(?<!\S)(--[a-z][a-z-]*)/g)].map((f) => ({ path, command, flag: f[1]! }));
  }),
);

const flagUses = [...tableFlagUses, ...codeFlagUses];

describe('the docs', () => {
  it('have YAML examples and flag uses to check', () => {
    expect(yamlExamples.length).toBeGreaterThanOrEqual(3);
    expect(flagUses.length).toBeGreaterThan(10);
  });

  it('link only to headings that exist (GitHub anchors)', () => {
    const slug = (heading: string) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-');
    const anchors = new Map(DOCS.map(({ path, text }) => [path, new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)))]));
    const links = DOCS.flatMap(({ path, text }) =>
      [...text.matchAll(/\]\(([\w./-]*\.md)?#([^)\s]+)\)/g)].map((m) => {
        const target = m[1] ? join(path.includes('/') ? 'docs' : '', m[1]).replace(/^docs\/docs\//, 'docs/') : path;
        return { from: path, target, anchor: m[2]! };
      }),
    );
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((l) => !anchors.get(l.target)?.has(l.anchor))).toEqual([]);
  });

  it('name only files that exist (src/, test/, scripts/)', () => {
    const named = [...new Set(DOCS.flatMap(({ text }) => [...text.matchAll(/\b(?:src|test|scripts)\/[\w./-]+\.(?:ts|mjs)\b/g)].map((m) => m[0])))];
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('state the speed figures once, in sources.md\'s "How fast each way is" (the generated config included)', async () => {
    const box = sandbox();
    expect((await runCli(['config', 'init'], box.env)).exitCode).toBe(0);
    const starter = readFileSync(join(box.home, '.config', 'authwatch', 'config.yaml'), 'utf8');
    // An approximate or ranged figure (~0.3 s, 3.5-6 s, ~300 MB): what drifted apart before.
    const figure = /~ ?\d+(?:\.\d+)? ?(?:ms|s|MB)\b|\b\d+(?:\.\d+)?[-–]\d+(?:\.\d+)? ?(?:ms|s|MB)\b/g;
    const section = /^### How fast each way is\n[\s\S]*?(?=^#)/m;
    expect(DOCS.find((d) => d.path === 'docs/sources.md')!.text).toMatch(section);
    // development.md documents the bench itself, with its own figures.
    const elsewhere = [...DOCS.filter((d) => d.path !== 'docs/development.md'), { path: 'config init', text: starter }].flatMap(({ path, text }) =>
      [...text.replace(section, '').matchAll(figure)].map((m) => `${path}: ${m[0]}`),
    );
    expect(elsewhere).toEqual([]);
  });

  it("send signals to watch's own process: through the unit install writes, or its pid; never pkill, never npx", async () => {
    const all = DOCS.map((d) => d.text).join('\n');
    expect(all).not.toMatch(/pkill|npx authwatch watch/);
    // Reflowed text may break a command across lines.
    const flat = all.replace(/\s+/g, ' ');
    // `kill` only to the main process: by default systemd signals every process of the unit (watch's ssh tunnels too).
    expect(flat).not.toMatch(/systemctl --user kill (?!--kill-who=main )/);
    const units = [...flat.matchAll(/systemctl --user (?:kill --kill-who=main -s [A-Z0-9]+|reload|stop) ([\w.-]+)/g)].map((m) => m[1]!);
    expect(units.length).toBeGreaterThan(0);
    const generated = await runCli(['generate', 'systemd', '--mode', 'watch'], sandbox().env);
    for (const unit of new Set(units)) expect(generated.stdout).toContain(`/${unit.endsWith('.service') ? unit : `${unit}.service`} <==`);
    expect(all).toContain('kill -USR1 <pid>');
  });

  it.each(yamlExamples)('$name passes config check', async ({ yaml }) => {
    const box = sandbox();
    const file = box.writeConfig(yaml);
    // Whatever env: secrets the example names get a value of the right shape.
    for (const [, name] of yaml.matchAll(/env:([A-Z0-9_]+)/g))
      box.env[name!] = name!.includes('SECRET') ? `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}` : 'https://example.com/x';
    const result = await runCli(['config', 'check', '--config', file], box.env);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it.each([...new Map(flagUses.map((u) => [`${u.command} ${u.flag}`, u])).values()])('$path: authwatch $command has $flag', async ({ command, flag }) => {
    const help = await runCli([...command.split(' '), ...(['generate', 'install', 'uninstall'].includes(command) ? ['systemd'] : []), '--help'], sandbox().env);
    expect(help.stdout).toMatch(new RegExp(`(?:^|[\\s,])${flag}(?=[\\s,=<\\[]|$)`, 'm'));
  });
});
