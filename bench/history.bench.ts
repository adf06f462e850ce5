/**
 * `npm run bench:history`: a year of daily scans (issue 16). Does the finding history (finding_states and
 * finding_changes, migration 11) keep reads, the next scan and the store's size flat as scans accumulate?
 *
 * The tenant: 20,000 synthetic subscriptions (syntheticTenant + normaliseCapture, as bench/team.bench.ts builds them)
 * judged by the 4 shipped controls, about 80,000 findings. The verdicts of the whole tenant (and of the subscriptions
 * that appear later) are evaluated once, by a real runScan in a scratch store: that is each finding's base verdict.
 *
 * The history is written by a loader that writes exactly what a scan writes for its findings, one scan per day with
 * one Date per day: beginScan, then in one transaction holdRunningScan, storeScanFindings and completeScan with
 * summariseFindings (src/store/scan-repository.ts, src/store/finding-state-repository.ts; completeScan keeps the
 * latest state for readers, migration 13), then vacuumStateSnapshots. It skips the inventory and
 * the evaluation: a full scan replaces the inventory (TRUNCATE), so the inventory does not grow with the history.
 * Churn, deterministic (seeded): each day about 0.5% of the findings leave their base verdict (pass <-> fail, some to
 * error) for 1 to 3 days and then return to it, so about 1% of the findings change status per day; about 5
 * subscriptions appear and 3 disappear per day (their findings are first sighted, or become absent).
 *
 * At 1, 30, 90 and 365 scans (the number of complete scans in the store), measured:
 *   - `ward findings --format json --db STORE` and `ward diff --db STORE` (the last two scans; none at 1 scan) as fresh processes of the built CLI
 *     (node bin/ward.js, stdout to /dev/null), median of 7 (a process's wall time on this shared machine varies by
 *     15% or more from one run to the next): what a user pays, the store's opening included;
 *   - the same reads in-process on an open store (readCurrentFindings, scanDiff), median of 3, so the cost of opening
 *     the store shows separately, and the in-process openStore itself ("open");
 *   - the HTML report with a 365-scan trend, in-process: readCurrentFindings (trendScans 365, i.e.
 *     readTrend({ limit: 365 })), listInventoryAssets and the html reporter (what `ward findings --format html` reads), median of 3;
 *   - the store's size (du -sb of the PGlite directory; pg_database_size on PostgreSQL) and the rows of
 *     finding_states and finding_changes;
 *   - the next scan through the real path: runScan in-process (inventory replaced, the controls evaluated, the
 *     findings folded) over the subscriptions alive that day, median of 3 in a row, compared with the same at 1 scan.
 *     Each is one more scan of the history; the loader goes on after them (the row gives the scans before them).
 * At the last point, on PostgreSQL, EXPLAIN ANALYZE of the queries readCurrentFindings and scanDiff send.
 *
 * Engines: PGlite (an on-disk store directory, as users have) and PostgreSQL (WARD_BENCH_PG, a fresh database
 * created in it per run; else a throwaway cluster from startTestPostgres). The embedded store is closed while a CLI
 * process reads it (its lock admits one process).
 *
 * WARD_BENCH_SCALE (default 1) divides the subscription counts; WARD_BENCH_DAYS (default 365) sets the number of
 * scans; WARD_BENCH_ENGINES=pglite,postgres picks the engines; WARD_BENCH_OUT names the output file;
 * WARD_BENCH_KEEP=1 keeps the embedded store for a closer look (its path is printed). A trial run writes to the
 * temporary directory, the full run bench/results/history.txt, rewritten after every measured point
 * (a run stopped midway leaves its figures so far). The load average is printed with every row.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineSpeed } from './machine-speed.js';
import { queryOnce } from './query-once.js';
import { performance } from 'node:perf_hooks';
import type { Finding, FindingStatus, Inventory } from '../src/core/model.js';
import { BUILTIN_CONTROLS_DIR } from '../src/core/package-paths.js';
import { normaliseCapture } from '../src/core/inventory/normalise-capture.js';
import { createSeededRandom } from '../src/emulator/seeded-random.js';
import { syntheticTenant } from '../src/emulator/synthetic-tenant.js';
import { htmlReporter } from '../src/reporters/html-reporter.js';
import { WARD_VERSION, type ScanReport } from '../src/reporters/scan-report.js';
import { readCurrentFindings } from '../src/scan/current-findings.js';
import { loadControls } from '../src/scan/load-controls.js';
import { runScan } from '../src/scan/run-scan.js';
import { scanDiff } from '../src/scan/scan-diff.js';
import { storeScanFindings, vacuumStateSnapshots } from '../src/store/finding-state-repository.js';
import { listInventoryAssets } from '../src/store/inventory-repository.js';
import { openStore } from '../src/store/open-store.js';
import { beginScan, completeScan, holdRunningScan, summariseFindings } from '../src/store/scan-repository.js';
import type { SqlClient, Store } from '../src/store/sql-client.js';
import { startTestPostgres, type TestPostgres } from '../src/store/test-support/test-postgres.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WARD = join(ROOT, 'bin/ward.js');
const RESULTS = join(ROOT, 'bench/results/history.txt');
const SCALE = Math.max(1, Number(process.env.WARD_BENCH_SCALE ?? '1'));
const DAYS = Math.max(2, Number(process.env.WARD_BENCH_DAYS ?? '365'));
const KEEP = process.env.WARD_BENCH_KEEP === '1';
const ENGINES = (process.env.WARD_BENCH_ENGINES ?? 'pglite,postgres').split(',').map((e) => e.trim());
const SUBSCRIPTIONS = Math.max(20, Math.round(20_000 / SCALE));
const ADDED_PER_DAY = 5 / SCALE;
const REMOVED_PER_DAY = 3 / SCALE;
/** The share of findings that leave their base verdict each day (they come back 1 to 3 days later). */
const DEVIATE_PER_DAY = 0.005;
const POINTS = [...new Set([1, 30, 90, 365].filter((p) => p < DAYS).concat(DAYS))];
const RUNS = 3;
/** Runs of each fresh-process measure: more than RUNS, as a process's wall time varies most (see above). */
const CLI_RUNS = 7;
const TARGET = { findingsCliS: 1, diffCliS: 0.5, nextScanRatio: 1.1, htmlS: 2, sizeBytes: 1024 ** 3 } as const;
const DAY_MS = 86_400_000;
const START = Date.UTC(2025, 0, 1, 6, 0, 0);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const sec = (ms: number): string => (Number.isNaN(ms) ? '—' : `${(ms / 1000).toFixed(2)} s`);
const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MB`;
const load = (): string => loadavg().map((v) => v.toFixed(1)).join(' ');
const count = (value: number): string => value.toLocaleString('en');

const lines: string[] = [];
function print(line = ''): void {
  lines.push(line);
  process.stdout.write(`${line}\n`);
}
function tableLines(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`), ''];
}
function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  for (const line of tableLines(header, rows)) print(line);
}
const TRIAL = SCALE > 1 || DAYS !== 365 || ENGINES.length < 2;
const OUT = process.env.WARD_BENCH_OUT ?? (TRIAL ? join(tmpdir(), 'ward-bench-history-trial.txt') : RESULTS);
/** Writes what is printed so far (and `extra`): a run stopped midway leaves its figures up to the last point. */
function checkpoint(extra: readonly string[] = []): void {
  mkdirSync(join(OUT, '..'), { recursive: true });
  writeFileSync(OUT, `${[...lines, ...extra].join('\n')}\n`);
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}
async function medianOf(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) times.push((await timed(work)).ms);
  return median(times);
}

// ---------------------------------------------------------------------------------------------------------------
// The tenant and its churn.

interface Tenant {
  readonly inventory: Inventory;
  /** Subscription ids in tenant order: the first SUBSCRIPTIONS are alive on day 1, the others appear later. */
  readonly subscriptionIds: readonly string[];
  /** Each subscription's findings with their base verdict. */
  readonly base: ReadonlyMap<string, readonly Finding[]>;
  readonly evaluateMs: number;
}

const controls = loadControls(BUILTIN_CONTROLS_DIR, ROOT);

async function buildTenant(scratch: string): Promise<Tenant> {
  const total = SUBSCRIPTIONS + Math.ceil(ADDED_PER_DAY * (DAYS + 5)) + 5;
  const inventory = normaliseCapture(syntheticTenant({ subscriptions: total, seed: 16 }).capture, { invalidBodies: 'error' });
  const store = await openStore({ location: join(scratch, 'base-verdicts') });
  try {
    const { ms, value } = await timed(() => runScan({ store, controls, inventory, source: 'bench:base', now: () => new Date(START - DAY_MS) }));
    const base = new Map<string, Finding[]>();
    for (const finding of value.findings) {
      const list = base.get(finding.assetId) ?? [];
      list.push(finding);
      base.set(finding.assetId, list);
    }
    const subscriptionIds = inventory.connectors.map((c) => c.id).filter((id) => base.has(id));
    return { inventory, subscriptionIds, base, evaluateMs: ms };
  } finally {
    await store.close();
    rmSync(join(scratch, 'base-verdicts'), { recursive: true, force: true });
  }
}

const CHURN_REASON: Record<string, string> = {
  pass: 'bench churn: the setting was put back',
  fail: 'bench churn: the setting was changed',
  error: 'bench churn: the subscription could not be read',
};

/** The tenant's life, day by day: which subscriptions are alive, which findings are off their base verdict. */
class Churn {
  private readonly random = createSeededRandom(1616);
  private readonly live: string[];
  private next: number;
  /** finding key → its verdict and the last day it holds. */
  private readonly deviants = new Map<string, { finding: Finding; until: number }>();
  private readonly liveFindings: Finding[] = [];

  constructor(private readonly tenant: Tenant) {
    this.live = tenant.subscriptionIds.slice(0, SUBSCRIPTIONS);
    this.next = SUBSCRIPTIONS;
  }

  private perDay(rate: number, day: number): number {
    return Math.floor(rate * day) - Math.floor(rate * (day - 1));
  }

  /** Moves to `day`: subscriptions come and go, findings leave their base verdict and come back. */
  advance(day: number): void {
    if (day > 1) {
      for (let i = 0; i < this.perDay(REMOVED_PER_DAY, day); i += 1) {
        const at = this.random.int(this.live.length);
        this.live[at] = this.live[this.live.length - 1]!;
        this.live.pop();
      }
      for (let i = 0; i < this.perDay(ADDED_PER_DAY, day) && this.next < this.tenant.subscriptionIds.length; i += 1) this.live.push(this.tenant.subscriptionIds[this.next++]!);
    }
    for (const [key, deviant] of this.deviants) if (deviant.until < day) this.deviants.delete(key);
    const liveSet = new Set(this.live);
    for (const key of this.deviants.keys()) if (!liveSet.has(key.slice(key.indexOf(' ') + 1))) this.deviants.delete(key);
    const findingCount = this.live.length * 4;
    for (let i = 0; i < Math.round(findingCount * DEVIATE_PER_DAY); i += 1) {
      const list = this.tenant.base.get(this.live[this.random.int(this.live.length)]!)!;
      const base = list[this.random.int(list.length)]!;
      const key = `${base.controlId} ${base.assetId}`;
      if (this.deviants.has(key) || (base.status !== 'pass' && base.status !== 'fail' && base.status !== 'error')) continue;
      const status: FindingStatus = this.random.next() < 0.1 && base.status !== 'error' ? 'error' : base.status === 'pass' ? 'fail' : 'pass';
      this.deviants.set(key, { finding: { ...base, status, reason: CHURN_REASON[status]! }, until: day + this.random.int(3) });
    }
  }

  /** The findings of the day: each live subscription's base verdicts, with the deviations of the day (unless `base`). */
  findings(options: { base?: boolean } = {}): Finding[] {
    this.liveFindings.length = 0;
    for (const id of this.live) {
      for (const finding of this.tenant.base.get(id)!) {
        this.liveFindings.push(options.base ? finding : (this.deviants.get(`${finding.controlId} ${finding.assetId}`)?.finding ?? finding));
      }
    }
    return this.liveFindings;
  }

  /** The inventory of the subscriptions alive today. */
  inventory(): Inventory {
    const liveSet = new Set(this.live);
    return {
      connectors: this.tenant.inventory.connectors.filter((c) => liveSet.has(c.id)),
      securityContacts: this.tenant.inventory.securityContacts.filter((c) => liveSet.has(c.connectorId)),
    };
  }

  get subscriptions(): number {
    return this.live.length;
  }
}

/** What a scan writes for its findings, without the inventory and the evaluation. */
async function loadScan(store: Store, at: Date, findings: readonly Finding[]): Promise<void> {
  const id = await beginScan(store, 'bench:loader', at);
  await store.transaction(async (tx) => {
    await holdRunningScan(tx, id);
    await storeScanFindings(tx, { id, scope: null, controls: null }, findings);
    await completeScan(tx, id, new Date(at.getTime() + 60_000), summariseFindings(findings));
  });
  await vacuumStateSnapshots(store); // as runScan does once the scan has committed
}

// ---------------------------------------------------------------------------------------------------------------
// Measures.

/** The environment of a CLI child: this one without what would point ward elsewhere or load code into node. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(AZURE_|WARD_|ARM_)/.test(name) || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return env;
}

/** `node bin/ward.js ARGS`, stdout to /dev/null: its wall time, spawn to exit. Exit 0 or 1 (findings that fail) only. */
function wardMs(args: readonly string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [WARD, ...args], { cwd, env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 || code === 1 ? resolve(performance.now() - t0) : reject(new Error(`ward ${args.join(' ')} exited ${code}: ${stderr.trim()}`))));
  });
}

async function cliMedian(args: readonly string[], cwd: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < CLI_RUNS; i += 1) times.push(await wardMs(args, cwd));
  return median(times);
}

async function htmlReport(store: Store, now: Date): Promise<string> {
  const { scan, findings, exceptions, trend } = await readCurrentFindings(store, { now, actor: 'bench', source: 'findings', trendScans: 365 });
  const report: ScanReport = {
    tool: { name: 'ward', version: WARD_VERSION },
    scan: { id: scan.id, source: scan.source, startedAt: scan.startedAt.toISOString(), finishedAt: scan.finishedAt?.toISOString() ?? null },
    controls,
    findings,
    asOf: now.toISOString(),
    trend,
    exceptions,
    assets: await listInventoryAssets(store),
  };
  return htmlReporter(report, { colour: false });
}

/** A client that records every query sent through it, with its time. */
function recording(client: SqlClient, log: { sql: string; params: readonly unknown[]; ms: number }[]): SqlClient {
  return {
    query: async (sql, params) => {
      const t0 = performance.now();
      const result = await client.query(sql, params);
      log.push({ sql, params: params ?? [], ms: performance.now() - t0 });
      return result as never;
    },
    exec: (sql) => client.exec(sql),
    copyRows: (t, c, r) => client.copyRows(t, c, r),
    transaction: (work) => client.transaction((tx) => work(recording(tx, log))),
  };
}

interface Point {
  scans: number;
  subscriptions: number;
  findingsCli: number;
  findingsIn: number;
  diffCli: number;
  diffIn: number;
  open: number;
  nextScan: number;
  html: number;
  htmlBytes: number;
  size: number;
  states: number;
  changes: number;
  load: string;
}

const POINT_HEADER = ['scans', 'subs', 'findings CLI', 'findings in-process', 'diff CLI', 'diff in-process', 'open (in-process)', 'next scan', 'HTML (365-scan trend)', 'size', 'states', 'changes', 'load avg'];
function pointTable(points: readonly Point[]): [string[], string[][]] {
  return [
    POINT_HEADER,
    points.map((p) => [
      String(p.scans), count(p.subscriptions), sec(p.findingsCli), sec(p.findingsIn), sec(p.diffCli), sec(p.diffIn), sec(p.open), sec(p.nextScan),
      `${sec(p.html)} (${mb(p.htmlBytes)})`, mb(p.size), count(p.states), count(p.changes), p.load,
    ]),
  ];
}

interface Engine {
  readonly name: 'pglite' | 'postgres';
  readonly location: string;
  size(store: Store): Promise<number>;
  /** The embedded store is closed while another process reads it. */
  readonly exclusive: boolean;
}

async function rowCount(store: Store, tableName: 'finding_states' | 'finding_changes'): Promise<number> {
  const { rows } = await store.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${tableName}`);
  return Number(rows[0]!.n);
}

async function measureEngine(engine: Engine, tenant: Tenant, scratch: string): Promise<void> {
  print(`## ${engine.name === 'pglite' ? 'PGlite (an on-disk store directory)' : 'PostgreSQL'}`);
  print();
  const churn = new Churn(tenant);
  const points: Point[] = [];
  const loadTimes: number[] = [];
  const started = performance.now();
  let store = await openStore({ location: engine.location });
  let storeOpen = true;
  let scans = 0;
  let lastQueries: { sql: string; params: readonly unknown[]; ms: number }[] = [];
  try {
    while (scans < DAYS) {
      scans += 1;
      churn.advance(scans);
      const t = await timed(() => loadScan(store, new Date(START + (scans - 1) * DAY_MS), churn.findings()));
      loadTimes.push(t.ms);
      if (scans % 10 === 0 || scans === 1) process.stdout.write(`  (${engine.name}: ${scans} scans, this one loaded in ${sec(t.ms)}, load ${load()})\n`);
      if (!POINTS.includes(scans)) continue;
      const loadAt = load();
      const now = new Date(START + scans * DAY_MS);
      const location = engine.location;
      if (engine.exclusive) {
        storeOpen = false;
        await store.close();
      }
      const findingsCli = await cliMedian(['findings', '--format', 'json', '--db', location], scratch);
      // a diff needs two scans: none at 1
      const diffCli = scans < 2 ? Number.NaN : await cliMedian(['diff', '--db', location], scratch);
      let open = Number.NaN;
      if (engine.exclusive) {
        const reopened = await timed(() => openStore({ location }));
        store = reopened.value;
        storeOpen = true;
        open = reopened.ms;
      } else open = (await timed(async () => (await openStore({ location })).close())).ms;
      const findingsIn = await medianOf(() => readCurrentFindings(store, { now, actor: 'bench', source: 'findings' }));
      const diffIn = scans < 2 ? Number.NaN : await medianOf(() => scanDiff(store));
      let htmlBytes = 0;
      const html = await medianOf(async () => (htmlBytes = (await htmlReport(store, now)).length));
      const size = await engine.size(store);
      const states = await rowCount(store, 'finding_states');
      const changes = await rowCount(store, 'finding_changes');
      if (scans === DAYS) {
        lastQueries = [];
        const log = recording(store, lastQueries);
        await readCurrentFindings(log, { now, actor: 'bench', source: 'findings' });
        lastQueries.push({ sql: '-- scanDiff', params: [], ms: 0 });
        await scanDiff(log);
      }
      // the next scan through the real path, median of RUNS in a row (one alone varied by 15% between runs on a
      // shared machine): each one more scan of the history
      const measuredAt = scans;
      const nextTimes: number[] = [];
      let subscriptions = 0;
      for (let run = 0; run < RUNS; run += 1) {
        scans += 1;
        churn.advance(scans);
        const inventory = churn.inventory();
        subscriptions ||= inventory.connectors.length;
        const scanAt = new Date(START + (scans - 1) * DAY_MS);
        nextTimes.push((await timed(() => runScan({ store, controls, inventory, source: 'bench:real', now: () => scanAt }))).ms);
      }
      const next = { ms: median(nextTimes) };
      const point: Point = { scans: measuredAt, subscriptions, findingsCli, findingsIn, diffCli, diffIn, open, nextScan: next.ms, html, htmlBytes, size, states, changes, load: loadAt };
      points.push(point);
      process.stdout.write(
        `  (${engine.name} at ${point.scans} scans: findings ${sec(findingsCli)} / ${sec(findingsIn)}, diff ${sec(diffCli)} / ${sec(diffIn)}, next scan ${sec(next.ms)}, ` +
          `html ${sec(html)}, ${mb(size)}, ${count(states)} states, ${count(changes)} changes, load ${loadAt})\n`,
      );
      checkpoint([
        `**Run in progress (or stopped): ${engine.name} has reached ${point.scans} of ${DAYS} scans; the loader took ${sec(median(loadTimes))} per scan (median) so far.**`,
        '',
        ...tableLines(...pointTable(points)),
      ]);
    }
    const atEnd = points.at(-1)!;
    atEnd.size = await engine.size(store);
    if (engine.name === 'postgres') await explainQueries(store, lastQueries);
    else queryTimes(lastQueries);
  } finally {
    if (storeOpen) await store.close();
  }
  const loaderTotal = loadTimes.reduce((a, b) => a + b, 0);
  print(
    `${count(scans)} scans (${count(points.length * RUNS)} of them real, the others by the loader) in ${sec(performance.now() - started)}; ` +
      `the loader took ${sec(median(loadTimes))} per scan (median; first ${sec(loadTimes[0]!)}, last ${sec(loadTimes.at(-1)!)}, max ${sec(Math.max(...loadTimes))}; ${sec(loaderTotal)} in all).`,
  );
  print();
  table(...pointTable(points));
  const first = points[0]!;
  const last = points.at(-1)!;
  const verdict = (met: boolean): string => (met ? 'met' : '**missed**');
  print(`Targets at ${last.scans} scans${last.scans < 365 ? ' (a trial: fewer than 365)' : ''}:`);
  print();
  table(
    ['target', 'measured', ''],
    [
      ['`ward findings --format json` < 1 s', sec(last.findingsCli), verdict(last.findingsCli < TARGET.findingsCliS * 1000)],
      ['`ward diff` (last two) < 0.5 s', sec(last.diffCli), verdict(last.diffCli < TARGET.diffCliS * 1000)],
      [`next scan within 10% of the one at ${first.scans} scan(s) (${sec(first.nextScan)})`, `${sec(last.nextScan)} (${((last.nextScan / first.nextScan - 1) * 100).toFixed(0)}%)`, verdict(last.nextScan <= first.nextScan * TARGET.nextScanRatio)],
      ['HTML report with a 365-scan trend < 2 s', sec(last.html), verdict(last.html < TARGET.htmlS * 1000)],
      ['store size < 1 GB', mb(last.size), verdict(last.size < TARGET.sizeBytes)],
    ],
  );
}

/** The queries of readCurrentFindings and scanDiff at the last point, slowest first (PGlite: times only). */
function queryTimes(log: readonly { sql: string; ms: number }[]): void {
  print('Queries of readCurrentFindings and then scanDiff at the last point, in-process, slower than 20 ms:');
  print();
  const slow = log.filter((q) => q.ms >= 20);
  for (const q of slow) print(`- ${sec(q.ms)}: ${q.sql.replace(/\s+/g, ' ').slice(0, 160)}…`);
  if (slow.length === 0) print('- none');
  print();
}

/** EXPLAIN ANALYZE of every query above 20 ms of readCurrentFindings and scanDiff at the last point (PostgreSQL). */
async function explainQueries(store: Store, log: readonly { sql: string; params: readonly unknown[]; ms: number }[]): Promise<void> {
  queryTimes(log);
  const slow = log.filter((q) => q.ms >= 20 && /^\s*(SELECT|WITH)/i.test(q.sql));
  if (slow.length === 0) return;
  print('EXPLAIN (ANALYZE, BUFFERS) of those queries, the plan\'s key lines:');
  print();
  for (const q of slow) {
    const { rows } = await store.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, [...q.params]);
    const plan = rows.map((r) => r['QUERY PLAN']);
    print('```');
    print(`-- ${q.sql.replace(/\s+/g, ' ').slice(0, 140)}…`);
    for (const line of plan) if (/(Scan|Sort|Join|Unique|Hash|Append|Aggregate|Subquery|SubPlan|Filter|Rows Removed|Execution Time|Planning Time|Sort Method|Index Cond)/.test(line)) print(line.slice(0, 200));
    print('```');
  }
  print();
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'ward-bench-history-'));
  let postgres: TestPostgres | undefined;
  let database: { base: string; name: string } | undefined;
  try {
    print('# ward finding history over a year of daily scans (`npm run bench:history`)');
    print();
    print(
      `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), shared with other work. ` +
        `${count(SUBSCRIPTIONS)} subscriptions on day 1, ${count(DAYS)} daily scans, ~${(DEVIATE_PER_DAY * 100).toFixed(1)}% of the findings leaving their base verdict per day for 1-3 days, ` +
        `~${ADDED_PER_DAY.toFixed(2)} subscriptions added and ~${REMOVED_PER_DAY.toFixed(2)} removed per day.` +
        (SCALE > 1 || DAYS !== 365 ? ` **Trial run (WARD_BENCH_SCALE=${SCALE}, WARD_BENCH_DAYS=${DAYS}).**` : ''),
    );
    print();
    print(`Load average at the start: ${load()}.`);
    print();
    print(machineSpeed());
    print();
    const tenant = await buildTenant(scratch);
    const statuses = summariseFindings([...tenant.base.values()].flat()).byStatus;
    print(
      `Base verdicts of ${count(tenant.subscriptionIds.length)} subscriptions (one runScan on an empty scratch store, ${sec(tenant.evaluateMs)}): ` +
        Object.entries(statuses).map(([status, n]) => `${status} ${count(n)}`).join(', ') + '.',
    );
    print();
    for (const name of ENGINES) {
      if (name === 'pglite') {
        const directory = join(scratch, 'store');
        await measureEngine({ name, location: directory, exclusive: true, size: async () => Number(execFileSync('du', ['-sb', directory], { encoding: 'utf8' }).split('\t')[0]) }, tenant, scratch);
      } else if (name === 'postgres') {
        let base = process.env.WARD_BENCH_PG;
        if (!base) {
          postgres = await startTestPostgres();
          base = postgres.url;
        }
        database = { base, name: `ward_bench_history_${process.pid}` };
        await queryOnce(base, `DROP DATABASE IF EXISTS ${database.name}`);
        await queryOnce(base, `CREATE DATABASE ${database.name}`);
        const url = new URL(base);
        url.pathname = `/${database.name}`;
        const setting = async (name: string): Promise<string> => Object.values((await queryOnce<Record<string, string>>(base, `SHOW ${name}`))[0] ?? {})[0] ?? '?';
        const durability = `fsync ${await setting('fsync')}, synchronous_commit ${await setting('synchronous_commit')}, full_page_writes ${await setting('full_page_writes')}`;
        print(`PostgreSQL ${await setting('server_version')}, ${postgres ? 'a throwaway cluster' : 'WARD_BENCH_PG'} (${durability}), a fresh database.`);
        print();
        await measureEngine(
          {
            name,
            location: url.toString(),
            exclusive: false,
            size: async (store) => Number((await store.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n')).rows[0]!.n),
          },
          tenant,
          scratch,
        );
      }
      print(`Load average after ${name}: ${load()}.`);
      print();
    }
  } finally {
    if (database) await queryOnce(database.base, `DROP DATABASE IF EXISTS ${database.name}`).catch(() => undefined);
    postgres?.stop();
    if (KEEP) console.error(`kept the embedded store for a closer look: ${join(scratch, 'store')}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
  checkpoint();
  process.stdout.write(`\nwritten to ${OUT}\n`);
}

await main();
