/**
 * `node --import tsx bench/store.bench.ts` (after `npm run build`): what opening and creating the embedded store
 * cost a user, each in a fresh `node` process over the built dist/ (plain node, so time and RSS are ward's own).
 *
 * - open: `openStore` on an existing, migrated store (as `ward scan` and `ward scans` do), one query, close;
 * - create: `openStore` on a directory that does not exist yet, with the migrated template cached;
 * - create, no template: the same with an empty cache (the template is built in memory, then cached), once.
 *
 * Each child reports the time of openStore, of the whole process (spawn to exit, measured here) and its peak RSS.
 * Prints medians over RUNS interleaved rounds and writes bench/results/store.txt. Targets (issue 14): open under
 * 150 ms and 120 MB RSS; create under 1 s.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RUNS = 7;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const openStoreModule = pathToFileURL(join(root, 'dist', 'store', 'open-store.js')).href;

/** What a child process runs: open (or create) the store at argv[1], one query, close; report as JSON. */
const CHILD = `
const started = performance.now();
const { openStore } = await import(${JSON.stringify(openStoreModule)});
const imported = performance.now();
const store = await openStore({ location: process.argv[1] });
const opened = performance.now();
await store.query('SELECT count(*) FROM scans');
await store.close();
const closed = performance.now();
console.log(JSON.stringify({ importMs: imported - started, openMs: opened - imported, closeMs: closed - opened, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
`;

interface Sample {
  readonly importMs: number;
  readonly openMs: number;
  readonly closeMs: number;
  readonly peakRssMb: number;
  readonly processMs: number;
}

/**
 * The reference: the store opened as ward did before issue 14 (bare PGlite, 16 MB of shared buffers, V8's
 * optimising compiler on), in the same rounds, so the gain is read under the same load.
 */
const REFERENCE = `
const started = performance.now();
const { PGlite } = await import('@electric-sql/pglite');
const imported = performance.now();
const db = new PGlite(process.argv[1] + '/pgdata', { postgresqlconf: ['shared_buffers = 16MB'] });
await db.waitReady;
const opened = performance.now();
await db.query('SELECT count(*) FROM scans');
await db.close();
const closed = performance.now();
console.log(JSON.stringify({ importMs: imported - started, openMs: opened - imported, closeMs: closed - opened, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
`;

function runChild(location: string, cacheDir: string, script = CHILD): Sample {
  const started = performance.now();
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, location], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, XDG_CACHE_HOME: cacheDir },
  });
  const processMs = performance.now() - started;
  return { ...(JSON.parse(out.trim().split('\n').pop()!) as Omit<Sample, 'processMs'>), processMs };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
};

function summary(label: string, samples: readonly Sample[]): string {
  const pick = (key: keyof Sample): number => median(samples.map((sample) => sample[key]));
  return `${label.padEnd(22)} openStore ${pick('openMs').toFixed(0).padStart(5)} ms   whole process ${pick('processMs').toFixed(0).padStart(5)} ms   peak RSS ${pick('peakRssMb').toFixed(0).padStart(4)} MB   (import ${pick('importMs').toFixed(0)} ms, close ${pick('closeMs').toFixed(0)} ms)`;
}

if (!existsSync(fileURLToPath(openStoreModule))) {
  console.error('bench:store measures the built product: run `npm run build` first');
  process.exit(2);
}

const loadAtStart = loadavg().map((value) => value.toFixed(2)).join(' ');
const work = mkdtempSync(join(tmpdir(), 'ward-bench-store-'));
try {
  const cacheDir = join(work, 'cache');
  const existing = join(work, 'existing');
  // the first create has no template: it builds one (and caches it), as ward's first run on a machine does
  const cold = runChild(existing, cacheDir);
  const opens: Sample[] = [];
  const references: Sample[] = [];
  const creates: Sample[] = [];
  for (let round = 0; round < RUNS; round += 1) {
    opens.push(runChild(existing, cacheDir));
    references.push(runChild(existing, cacheDir, REFERENCE));
    const fresh = join(work, `new-${round}`);
    creates.push(runChild(fresh, cacheDir));
    rmSync(fresh, { recursive: true, force: true });
  }
  const lines = [
    'ward bench:store — opening and creating the embedded store (PGlite), each in a fresh node process over dist/',
    `${new Date().toISOString()}; node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} cores; median of ${RUNS} interleaved rounds; load average at start ${loadAtStart}, at end ${loadavg().map((value) => value.toFixed(2)).join(' ')}`,
    '',
    summary('open (existing store)', opens),
    summary('open, before (bare)', references),
    summary('create (template)', creates),
    summary('create (no template)', [cold]),
    '',
    'targets (issue 14): open < 150 ms and < 120 MB RSS; create < 1 s',
    '"before (bare)": PGlite opened as ward did before (16 MB buffers, optimising wasm compiler), same store, same rounds;',
    'it rewrites postgresql.conf, which the next ward open writes back.',
  ];
  console.log(lines.join('\n'));
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'store.txt'), `${lines.join('\n')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
