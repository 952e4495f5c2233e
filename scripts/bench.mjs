#!/usr/bin/env node
// `npm run bench`: cold-start cost of `authwatch check --json` against a fake `openclaw` that answers
// instantly from recorded output, as ratios to a bare `node -e 0` measured in the same run, so the
// numbers mean the same on a phone and on a server. Medians of interleaved runs.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;

function sandbox() {
  const home = mkdtempSync(join(tmpdir(), 'authwatch-bench-'));
  const bin = join(home, 'bin');
  mkdirSync(bin);
  cpSync(join(ROOT, 'test/fixtures/openclaw/status-token-expiring.json'), join(home, 'status.json'));
  writeFileSync(join(home, 'agents.json'), '[{"id":"main","isDefault":true}]\n');
  // A shell fake that only cats a file: its own cost is near zero, so the ratio is authwatch's.
  writeFileSync(
    join(bin, 'openclaw'),
    `#!/bin/sh\ncase "$1" in agents) exec cat '${home}/agents.json' ;; *) exec cat '${home}/status.json' ;; esac\n`,
    { mode: 0o755 },
  );
  // The recorded output has absolute expiry times: pin authwatch's clock to when it was recorded.
  const { expiresAt, remainingMs } = JSON.parse(readFileSync(join(home, 'status.json'), 'utf8')).auth.oauth.profiles[0];
  return { HOME: home, PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, TZ: 'UTC', AUTHWATCH_NOW: String(expiresAt - remainingMs) };
}

/** Peak RSS needs the kernel's rusage of the child: GNU time if present, else python3's resource module. */
function rssProbe() {
  if (existsSync('/usr/bin/time')) return (argv) => ['/usr/bin/time', ['-f', '%M', ...argv], (stderr) => Number(stderr.trim().split('\n').pop())];
  const hasPython = spawnSync('python3', ['-c', 'import resource'], { stdio: 'ignore' }).status === 0;
  if (hasPython) {
    const code = 'import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,file=sys.stderr)';
    return (argv) => ['python3', ['-c', code, ...argv], (stderr) => Number(stderr.trim().split('\n').pop())];
  }
  return undefined;
}

function wallMs(argv, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  return { ms, status: result.status };
}

function rssKb(probe, argv, env) {
  const [cmd, args, parse] = probe(argv);
  const result = spawnSync(cmd, args, { env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  return parse(result.stderr);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const env = sandbox();
const cases = {
  baseline: [process.execPath, '-e', '0'],
  check: [process.execPath, join(ROOT, 'dist/cli.js'), 'check', '--json'],
};
const probe = rssProbe();
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, { wall: [], rss: [] }]));

const sanity = wallMs(cases.check, env);
if (sanity.status !== 2) throw new Error(`authwatch check exited ${sanity.status}, expected 2 (warn) from the recorded output`);
for (let i = 0; i < WARMUP + RUNS; i++) {
  for (const [name, argv] of Object.entries(cases)) {
    const { ms } = wallMs(argv, env);
    const kb = probe ? rssKb(probe, argv, env) : NaN;
    if (i >= WARMUP) {
      samples[name].wall.push(ms);
      samples[name].rss.push(kb);
    }
  }
}

const stat = (name) => ({ wall: median(samples[name].wall), rss: median(samples[name].rss) / 1024 });
const base = stat('baseline');
const check = stat('check');
const fmt = (n, unit) => (Number.isFinite(n) ? `${n.toFixed(1)} ${unit}` : 'n/a');
console.log(`authwatch bench: node ${process.version}, ${RUNS} interleaved runs each, medians`);
console.log(`  baseline  node -e 0                          wall ${fmt(base.wall, 'ms')}  peak RSS ${fmt(base.rss, 'MB')}`);
console.log(`  check     authwatch check --json (fake oc)   wall ${fmt(check.wall, 'ms')}  peak RSS ${fmt(check.rss, 'MB')}`);
console.log(
  `  ratio     wall ${(check.wall / base.wall).toFixed(2)}x (target <= 2.0x)   peak RSS ${probe ? `${(check.rss / base.rss).toFixed(2)}x` : 'n/a (install GNU time or python3)'} (target <= 1.5x)`,
);
