/**
 * `npm run bench:serve`: `ward serve` over a store of 10,000 subscriptions and their findings (a synthetic tenant,
 * scanned twice with the shipped controls, so the trend and the drift have two scans to show).
 *
 * Measured through the app's fetch handler (`app.fetch`, no socket: the server's own time, body read to the end):
 *   - the overview page (`/`) and the findings page (`/findings`, its first page), as a browser asks for them;
 *   - the findings API at 100 per page, POST /graphql with a Bearer token;
 *   - the drift page (`/drift`: the latest scan against the one before), for information (no target).
 * Each is requested once cold (the first request after the server starts: it reads the current findings from the
 * store), then WARMUP times, then RUNS times interleaved; median and p95 of the RUNS. Every request is timed in two
 * parts: the time spent in `context.findings()` (the cached current state) and the rest (filtering, rendering).
 * Targets: overview and findings pages < 200 ms median, the API < 50 ms median.
 *
 * On PGlite in memory always; on PostgreSQL too when WARD_BENCH_PG gives a postgres:// URL (the bench makes a
 * database of its own there and drops it at the end). Writes the printed figures to bench/results/serve.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { queryOnce } from './query-once.js';
import { normaliseCapture } from '../src/core/inventory/normalise-capture.js';
import type { Inventory } from '../src/core/model.js';
import { BUILTIN_CONTROLS_DIR } from '../src/core/package-paths.js';
import { syntheticTenant } from '../src/emulator/synthetic-tenant.js';
import { readCurrentFindings } from '../src/scan/current-findings.js';
import { loadControls } from '../src/scan/load-controls.js';
import { runScan } from '../src/scan/run-scan.js';
import { accessTokens } from '../src/server/access-tokens.js';
import { createGraphqlApi } from '../src/server/api/create-graphql-api.js';
import { createWardApp, type WardApp } from '../src/server/create-ward-app.js';
import { scanDiffCache } from '../src/server/scan-diff-cache.js';
import { currentFindingsCache } from '../src/server/current-findings-cache.js';
import { WARD_CSS } from '../src/server/pages/page-css.js';
import { routePage } from '../src/server/pages/page-routes.js';
import type { ScanRunner, ServerContext } from '../src/server/server-context.js';
import { openEphemeralStore } from '../src/store/open-ephemeral-store.js';
import { openStore, redactUrl } from '../src/store/open-store.js';
import { coverageBetween, listCompleteScans } from '../src/store/scan-repository.js';
import { judgedFindingsAt } from '../src/store/finding-state-repository.js';
import type { SqlClient, Store } from '../src/store/sql-client.js';
import { diffFindings } from '../src/core/engine/diff-findings.js';

const RESULTS = join(fileURLToPath(new URL('./', import.meta.url)), 'results/serve.md');
const SUBSCRIPTIONS = 10_000;
const WARMUP = 5;
const RUNS = 30;
const TOKEN = randomBytes(32).toString('base64url');
const NOW = new Date('2026-11-20T09:00:00Z');

/** A findings page's worth of fields, as a client listing them asks: the exception and history of each. */
const FINDINGS_QUERY = `{ findings(first: 100) { totalCount edges { cursor node { controlId checkId assetId assetName status severity reasonText matched history { firstSeen lastChanged changes } exception { id owner expires } } } pageInfo { hasNextPage endCursor } } }`;

interface Target {
  readonly name: string;
  /** The target median, or undefined for a request measured for information only. */
  readonly limitMs: number | undefined;
  readonly request: () => Request;
  /** Checks the answer is the real thing (not a 401, an empty page or a GraphQL error). */
  readonly verify: (status: number, body: string) => string | undefined;
}

const TARGETS: readonly Target[] = [
  {
    name: 'overview page  GET /',
    limitMs: 200,
    request: () => new Request('http://127.0.0.1/', { headers: { accept: 'text/html', authorization: `Bearer ${TOKEN}` } }),
    verify: (status, body) => (status === 200 && body.includes('<h1>') ? undefined : `status ${status}`),
  },
  {
    name: 'findings page  GET /findings',
    limitMs: 200,
    request: () => new Request('http://127.0.0.1/findings', { headers: { accept: 'text/html', authorization: `Bearer ${TOKEN}` } }),
    verify: (status, body) => (status === 200 && body.includes('<table') ? undefined : `status ${status}, no table`),
  },
  {
    name: 'drift page     GET /drift (no target)',
    limitMs: undefined,
    request: () => new Request('http://127.0.0.1/drift', { headers: { accept: 'text/html', authorization: `Bearer ${TOKEN}` } }),
    verify: (status, body) => (status === 200 && body.includes('<h1>Drift</h1>') ? undefined : `status ${status}`),
  },
  {
    name: 'findings API   POST /graphql first: 100',
    limitMs: 50,
    request: () =>
      new Request('http://127.0.0.1/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ query: FINDINGS_QUERY }),
      }),
    verify: (status, body) => {
      if (status !== 200) return `status ${status}: ${body.slice(0, 200)}`;
      const answer = JSON.parse(body) as { data?: { findings?: { edges?: unknown[] } }; errors?: { message: string }[] };
      if (answer.errors?.length) return answer.errors.map((e) => e.message).join('; ');
      return answer.data?.findings?.edges?.length === 100 ? undefined : `expected 100 edges, got ${answer.data?.findings?.edges?.length}`;
    },
  },
];

/** A scan runner that is never asked anything here. */
const idleRunner: ScanRunner = {
  start: () => {
    throw new Error('the benchmark starts no scan');
  },
  get: () => undefined,
  list: () => [],
  idle: async () => undefined,
};

interface Sample {
  readonly totalMs: number;
  /** Time inside `context.findings()` during the request. */
  readonly findingsMs: number;
  /** Time waiting for the store's SQL during the request (inside context.findings() or not), and how many statements. */
  readonly sqlMs: number;
  readonly statements: number;
}

interface Spent {
  findingsMs: number;
  sqlMs: number;
  statements: number;
}

/** The store as the server sees it, with the time of every statement added to `spent`. */
function timedClient(client: SqlClient, spent: Spent): SqlClient {
  return {
    query: async (sql, params) => {
      const started = performance.now();
      try {
        return await client.query(sql, params);
      } finally {
        spent.sqlMs += performance.now() - started;
        spent.statements += 1;
      }
    },
    exec: (sql) => client.exec(sql),
    copyRows: (table, columns, rows) => client.copyRows(table, columns, rows),
    transaction: (work) => client.transaction((tx) => work(timedClient(tx, spent))),
  };
}

function timedStore(store: Store, spent: Spent): Store {
  return { ...timedClient(store, spent), kind: store.kind, location: store.location, close: () => store.close() };
}

interface Measured {
  readonly target: Target;
  readonly cold: Sample;
  readonly runs: Sample[];
}

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (value: number): string => `${value.toFixed(1)} ms`;
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

/** The synthetic tenant, and the same tenant a day later with every 20th subscription's contacts removed. */
function inventories(): { first: Inventory; second: Inventory } {
  const first = normaliseCapture(syntheticTenant({ subscriptions: SUBSCRIPTIONS, seed: 7 }).capture);
  const dropped = new Set(first.connectors.filter((_, index) => index % 20 === 3).map((c) => c.id));
  return { first, second: { ...first, securityContacts: first.securityContacts.filter((c) => !dropped.has(c.connectorId)) } };
}

async function fill(store: Store, inventory: { first: Inventory; second: Inventory }): Promise<{ findings: number; scanMs: number[] }> {
  const controls = loadControls(BUILTIN_CONTROLS_DIR);
  const scanMs: number[] = [];
  let findings = 0;
  for (const [index, scanned] of [inventory.first, inventory.second].entries()) {
    const started = performance.now();
    const result = await runScan({ store, controls, inventory: scanned, source: 'offline:bench', now: () => new Date(Date.UTC(2026, 10, 18 + index, 6)) });
    scanMs.push(performance.now() - started);
    findings = result.findings.length;
  }
  return { findings, scanMs };
}

/** The app as serve-actions.ts builds it, with `context.findings()` and every SQL statement timed into `spent`. */
function benchApp(raw: Store, location: string): { app: WardApp; spent: Spent } {
  const spent: Spent = { findingsMs: 0, sqlMs: 0, statements: 0 };
  const store = timedStore(raw, spent);
  const cached = currentFindingsCache(store, () => NOW);
  const context: ServerContext = {
    store,
    storeLocation: location,
    controls: loadControls(BUILTIN_CONTROLS_DIR),
    readOnly: false,
    now: () => NOW,
    exceptionMaxDays: 365,
    scans: idleRunner,
    drift: scanDiffCache(store),
    findings: async (options) => {
      const started = performance.now();
      try {
        return await cached(options);
      } finally {
        spent.findingsMs += performance.now() - started;
      }
    },
  };
  const app = createWardApp({
    context,
    tokens: accessTokens({ token: TOKEN, principal: { name: 'bench', role: 'admin' } }),
    api: createGraphqlApi(context),
    routePage,
    css: WARD_CSS,
    requestsPerMinute: 1_000_000,
    onError: (error) => console.error(error),
  });
  return { app, spent };
}

async function timed(app: WardApp, spent: Spent, target: Target): Promise<Sample> {
  const request = target.request();
  Object.assign(spent, { findingsMs: 0, sqlMs: 0, statements: 0 });
  const started = performance.now();
  const response = await app.fetch(request);
  const body = await response.text();
  const totalMs = performance.now() - started;
  const problem = target.verify(response.status, body);
  if (problem) throw new Error(`${target.name}: ${problem}`);
  return { totalMs, ...spent };
}

interface StoreRun {
  readonly kind: string;
  readonly findings: number;
  readonly scanMs: number[];
  /** readCurrentFindings on its own, uncached (what the cold request pays inside context.findings()). */
  readonly readCurrentMs: number[];
  /** The parts of one uncached drift (what the first request for a pair of scans pays; later ones are cached): medians in ms. */
  readonly drift: { readonly previous: number; readonly latest: number; readonly coverage: number; readonly diff: number; readonly findings: number };
  readonly measured: Measured[];
}

async function benchStore(kind: string, store: Store, location: string, inventory: { first: Inventory; second: Inventory }): Promise<StoreRun> {
  console.log(`${kind}: two scans of ${SUBSCRIPTIONS} subscriptions…`);
  const { findings, scanMs } = await fill(store, inventory);
  const { app, spent } = benchApp(store, location);
  // cold: the first request of each target on a server that has not read the current findings yet
  const cold = new Map<Target, Sample>();
  for (const target of TARGETS) cold.set(target, await timed(app, spent, target));
  for (let round = 0; round < WARMUP; round += 1) for (const target of TARGETS) await timed(app, spent, target);
  const runs = new Map<Target, Sample[]>(TARGETS.map((t) => [t, []]));
  for (let round = 0; round < RUNS; round += 1) {
    // interleaved, in rotating order, so load from other processes falls on every target alike
    for (let i = 0; i < TARGETS.length; i += 1) {
      const target = TARGETS[(round + i) % TARGETS.length]!;
      runs.get(target)!.push(await timed(app, spent, target));
    }
  }
  const readCurrentMs: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    await readCurrentFindings(store, { now: NOW, actor: 'bench', source: 'bench' });
    readCurrentMs.push(performance.now() - started);
  }
  const parts = { previous: [] as number[], latest: [] as number[], coverage: [] as number[], diff: [] as number[] };
  let driftFindings = 0;
  for (let i = 0; i < 3; i += 1) {
    const clock = (list: number[], started: number) => list.push(performance.now() - started);
    const complete = await listCompleteScans(store);
    const [from, to] = [complete.at(-2)!.id, complete.at(-1)!.id];
    let started = performance.now();
    const before = await judgedFindingsAt(store, from);
    clock(parts.previous, started);
    started = performance.now();
    const afterwards = await judgedFindingsAt(store, to);
    clock(parts.latest, started);
    started = performance.now();
    const coverage = await coverageBetween(store, from, to);
    clock(parts.coverage, started);
    started = performance.now();
    diffFindings(before, afterwards, coverage);
    clock(parts.diff, started);
    driftFindings = before.length + afterwards.length;
  }
  const drift = { previous: median(parts.previous), latest: median(parts.latest), coverage: median(parts.coverage), diff: median(parts.diff), findings: driftFindings };
  return { kind, findings, scanMs, readCurrentMs, drift, measured: TARGETS.map((target) => ({ target, cold: cold.get(target)!, runs: runs.get(target)! })) };
}

function report(run: StoreRun): string[] {
  const lines = [
    `### ${run.kind}`,
    '',
    `${SUBSCRIPTIONS.toLocaleString('en')} subscriptions, ${run.findings.toLocaleString('en')} findings per scan, 2 scans (runScan: ${run.scanMs.map((t) => (t / 1000).toFixed(1)).join(' s, ')} s).`,
    `readCurrentFindings alone (uncached, what a cold request or the first one after a scan or an exception change pays): median ${ms(median(run.readCurrentMs))} of ${run.readCurrentMs.length}.`,
    '',
    '| request | target (median) | median | p95 | in context.findings() | in SQL (statements) | cold (first request) | met |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const { target, cold, runs } of run.measured) {
    const total = runs.map((r) => r.totalMs);
    const med = median(total);
    lines.push(
      `| ${target.name} | ${target.limitMs === undefined ? '–' : `< ${target.limitMs} ms`} | ${ms(med)} | ${ms(quantile(total, 0.95))} | ${ms(median(runs.map((r) => r.findingsMs)))} | ${ms(median(runs.map((r) => r.sqlMs)))} (${median(runs.map((r) => r.statements))}) | ${ms(cold.totalMs)} (findings() ${ms(cold.findingsMs)}) | ${target.limitMs === undefined ? '–' : med < target.limitMs ? 'yes' : '**no**'} |`,
    );
  }
  const d = run.drift;
  lines.push(
    '',
    '(median per request; "in SQL" counts every statement, those inside context.findings() included; the rest of the time is JavaScript: filtering, rendering, GraphQL.)',
    '',
    `A drift not yet cached (the first request for a pair of scans: ServerContext.drift keeps it, complete scans never change) costs: judgedFindingsAt(previous scan) ${ms(d.previous)}, judgedFindingsAt(latest) ${ms(d.latest)}, coverageBetween ${ms(d.coverage)}, diffFindings over ${d.findings.toLocaleString('en')} findings ${ms(d.diff)} (medians of 3).`,
    '',
  );
  return lines;
}

async function postgresStore(url: string): Promise<{ store: Store; location: string; drop: () => Promise<void> }> {
  const name = `ward_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => void (await queryOnce(url, sql));
  await admin(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const store = await openStore({ location: target.toString() });
  return { store, location: redactUrl(target.toString()), drop: () => admin(`DROP DATABASE ${name}`) };
}

async function main(): Promise<void> {
  const startLoad = load();
  const inventory = inventories();
  const results: StoreRun[] = [];
  const memory = await openEphemeralStore();
  try {
    results.push(await benchStore('PGlite (in memory)', memory, 'memory', inventory));
  } finally {
    await memory.close();
  }
  const pgUrl = process.env.WARD_BENCH_PG;
  if (pgUrl) {
    const pg = await postgresStore(pgUrl);
    try {
      results.push(await benchStore(`PostgreSQL (${redactUrl(pgUrl)})`, pg.store, pg.location, inventory));
    } finally {
      await pg.store.close();
      await pg.drop();
    }
  }
  const lines = [
    `# ward bench:serve (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'})`,
    '',
    `Server time through \`app.fetch\` (no socket; the body read to its end), median and p95 of ${RUNS} requests each after ${WARMUP} warm-up rounds, interleaved.`,
    `Load average at the start: ${startLoad} (the cores are shared: other work on the machine slows the figures down).`,
    '',
    ...results.flatMap(report),
    pgUrl ? '' : 'PostgreSQL: not measured (set WARD_BENCH_PG=postgres://… to add it).',
    `Load average at the end: ${load()}`,
    '',
  ];
  const text = lines.join('\n');
  console.log(`\n${text}`);
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, text);
  console.log(`written to ${RESULTS}`);
}

await main();
