/**
 * `npm run bench:team`: team mode at scale (issue 13, "Scale figures"), over the built product (dist/) as
 * `ward worker` and `ward scan --queue` run it, on a PostgreSQL cluster the benchmark starts (or WARD_BENCH_PG).
 *
 * 1. 20,000 subscriptions, one emulator at 25 ms per answer, 4 workers at concurrency 25: wall time of
 *    `ward scan --queue` (enqueue to report) against N·L/(C·W); requests per second; each worker's peak RSS; the
 *    phases from the store's timestamps. Twice: the emulator's default page size (100) and --page-size 1000.
 * 2. 100,000 subscriptions over 5 connectors (5 emulators, 20,000 each, different seeds), 4 workers: each phase,
 *    the finish job's inventory swap, `replaceInventory` of 100,000 subscriptions straight onto PostgreSQL (the
 *    local path), and the peak RSS of every process.
 * 3. The same 100,000 with a local `ward scan` on the embedded store (PGlite), one process.
 * 4. A kill soak: 3 workers, one SIGKILLed every 2-4 s and replaced, until the scan completes; its findings are
 *    compared with those of an undisturbed queued scan of the same emulator.
 *
 * Every measure runs in a fresh database. Children: emulators (`ward emulator --write-env-file`), workers
 * (`ward worker`, peak RSS read from /proc/<pid>/status VmHWM just before SIGTERM) and the scanning process
 * (under /usr/bin/time when present, for its peak RSS). Writes bench/results/team.md.
 *
 * WARD_BENCH_SCALE (default 1) divides every subscription count, for a quick trial run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queryOnce } from './query-once.js';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEnvFile } from '../src/emulator/env-file.js';
import { syntheticTenant } from '../src/emulator/synthetic-tenant.js';
import { normaliseCapture } from '../src/core/inventory/normalise-capture.js';
import { openStore } from '../src/store/open-store.js';
import { replaceInventory } from '../src/store/inventory-repository.js';
import { findingsOfScan } from '../src/store/finding-state-repository.js';
import { startTestPostgres, type TestPostgres } from '../src/store/test-support/test-postgres.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WARD = join(ROOT, 'bin/ward.js');
const RESULTS = join(ROOT, 'bench/results/team.md');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const SCALE = Math.max(1, Number(process.env.WARD_BENCH_SCALE ?? '1'));
/** WARD_BENCH_ONLY=1,4 runs only those measures (a trial). */
const ONLY = process.env.WARD_BENCH_ONLY?.split(',').map((m) => m.trim());
const runs = (measure: string): boolean => ONLY === undefined || ONLY.includes(measure);
const n = (count: number): number => Math.max(1, Math.round(count / SCALE));

const M1 = { subscriptions: n(20_000), latencyMs: 25, workers: 4, concurrency: 25, batchSize: 50 };
const M2 = { connectors: 5, subscriptions: n(20_000), latencyMs: 2, pageSize: 1000, workers: 4, concurrency: 25, batchSize: 50 };
const M3 = { subscriptions: n(100_000), latencyMs: 2, concurrency: 50 };
const M4 = { killWindowMs: 40_000, subscriptions: n(10_000), latencyMs: 25, pageSize: 1000, workers: 3, concurrency: 10, batchSize: 50, referenceConcurrency: 25 };
const SCAN_TIMEOUT_MS = 15 * 60_000;
const LOCAL_TIMEOUT_MS = 8 * 60_000;

const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const load = (): string => loadavg().map((v) => v.toFixed(1)).join(' ');

let dir = '';
const lines: string[] = [];
function print(line = ''): void {
  lines.push(line);
  process.stdout.write(`${line}\n`);
}
function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  print(`| ${header.join(' | ')} |`);
  print(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) print(`| ${row.join(' | ')} |`);
  print();
}

// ---------------------------------------------------------------------------------------------------------------
// Processes.

/** Peak RSS (VmHWM) of a live process, in kB; undefined once it is gone. */
function peakRssKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Stops a child with SIGTERM (SIGKILL after `graceMs`), returning its peak RSS read just before. */
async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<number | undefined> {
  const rss = peakRssKb(child.pid);
  if (child.exitCode !== null || child.signalCode !== null) return rss;
  const exited = exitOf(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  return rss;
}

/** Runs `ward …` to completion; throws with its stderr unless it exits 0. */
function ward(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WARD, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`ward ${args[0]} ${args[1] ?? ''} exited ${code}: ${err.trim()}`))));
  });
}

const children = new Set<ChildProcess>();

interface Emulator {
  readonly env: Record<string, string>;
  readonly caFile: string;
  readonly child: ChildProcess;
  /** Requests seen in its --log: security-contact lists, subscription list pages, token requests. */
  readonly requests: { contacts: number; pages: number; tokens: number; other: number };
  stop(): Promise<number | undefined>;
}

let emulatorsStarted = 0;
async function startEmulator(options: { subscriptions: number; latencyMs: number; seed?: number; pageSize?: number }): Promise<Emulator> {
  emulatorsStarted += 1;
  const envFile = join(dir, `emulator-${emulatorsStarted}.env`);
  const args = ['emulator', '--synthetic', String(options.subscriptions), '--latency-ms', String(options.latencyMs), '--seed', String(options.seed ?? 1)];
  if (options.pageSize !== undefined) args.push('--page-size', String(options.pageSize));
  args.push('--port', '0', '--write-env-file', envFile, '--log');
  const child = spawn(process.execPath, [WARD, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  const requests = { contacts: 0, pages: 0, tokens: 0, other: 0 };
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      if (/securityContacts/i.test(line)) requests.contacts += 1;
      else if (/^GET \/subscriptions(\?|\s)/.test(line)) requests.pages += 1;
      else if (/oauth2|token/i.test(line)) requests.tokens += 1;
      else if (/^[A-Z]+ \//.test(line)) requests.other += 1;
    }
  });
  const deadline = Date.now() + 180_000;
  while (!(existsSync(envFile) && /WARD_ARM_ENDPOINT=.*\n/.test(readFileSync(envFile, 'utf8')))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('an emulator did not start');
    await sleep(100);
  }
  return {
    env: parseEnvFile(readFileSync(envFile, 'utf8')),
    caFile: `${envFile}.ca.pem`,
    child,
    requests,
    async stop() {
      const rss = await stopChild(child);
      children.delete(child);
      return rss;
    },
  };
}

/** Adds the emulators as connectors lab1…labN, and returns what a worker's environment needs for them. */
async function addConnectors(url: string, emulators: readonly Emulator[], maxConcurrency: number): Promise<NodeJS.ProcessEnv> {
  const caBundle = join(dir, `ca-bundle-${emulatorsStarted}-${emulators.length}.pem`);
  writeFileSync(caBundle, emulators.map((e) => readFileSync(e.caFile, 'utf8')).join('\n'));
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: caBundle };
  // each emulator's certificate has a subject of its own, so one bundle trusts them all (tls-certificate.ts)
  for (const [index, emulator] of emulators.entries()) {
    const name = `lab${index + 1}`;
    const prefix = `LAB${index + 1}`;
    env[`${prefix}_CLIENT_ID`] = emulator.env.AZURE_CLIENT_ID;
    env[`${prefix}_CLIENT_SECRET`] = emulator.env.AZURE_CLIENT_SECRET;
    await ward([
      'connectors', 'add', 'azure', '--name', name, '--tenant', emulator.env.AZURE_TENANT_ID ?? '', '--credential', `env:${prefix}`,
      '--arm-endpoint', emulator.env.WARD_ARM_ENDPOINT ?? '', '--authority-host', emulator.env.AZURE_AUTHORITY_HOST ?? '',
      '--max-concurrency', String(maxConcurrency), '--db', url, '--actor', 'bench',
    ]);
  }
  return env;
}

interface Worker {
  readonly child: ChildProcess;
  readonly stderr: string[];
}

function startWorker(url: string, concurrency: number, env: NodeJS.ProcessEnv): Worker {
  const child = spawn(process.execPath, [WARD, 'worker', '--db', url, '--concurrency', String(concurrency)], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') stderr.push(line);
    if (stderr.length > 200) stderr.splice(0, stderr.length - 200);
  });
  return { child, stderr };
}

/** Waits until `count` live worker processes are registered and their job runners have started. */
async function waitForWorkers(url: string, workers: readonly Worker[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const registered = await queryOnce<{ n: number }>(url, 'SELECT count(*)::integer AS n FROM worker_processes WHERE pid = ANY ($1::integer[])', [workers.map((w) => w.child.pid)]).catch(() => [{ n: 0 }]);
    if (Number(registered[0]?.n) >= workers.length) break;
    for (const w of workers) if (w.child.exitCode !== null) throw new Error(`a worker exited ${w.child.exitCode}: ${w.stderr.join(' / ')}`);
    if (Date.now() > deadline) throw new Error(`the workers did not register within 120 s (${registered[0]?.n} of ${workers.length}); their stderr: ${workers.map((w) => w.stderr.slice(-3).join(' / ')).join(' | ')}`);
    await sleep(200);
  }
  await sleep(2000); // graphile-worker's runner starts after the registration; let the start-up CPU settle
}

/**
 * Each worker holds concurrency + 2 connections for graphile-worker, its store's pool and a liveness session:
 * 4 workers at concurrency 25 pass PostgreSQL's default max_connections of 100. The throwaway cluster is
 * restarted with 400 (pg_ctl restart keeps its other options).
 */
async function raiseMaxConnections(url: string): Promise<void> {
  await queryOnce(url, 'ALTER SYSTEM SET max_connections = 400');
  const dataDir = (await queryOnce<{ data_directory: string }>(url, 'SHOW data_directory'))[0]!.data_directory;
  const restart = `pg_ctl -D '${dataDir}' -w -m fast restart -l '${join(dataDir, '..', 'log')}'`;
  const asRoot = process.getuid?.() === 0;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(asRoot ? 'su' : 'sh', asRoot ? ['postgres', '-s', '/bin/sh', '-c', restart] : ['-c', restart], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`restarting PostgreSQL failed: ${err.trim()}`))));
  });
}

let postgres: TestPostgres | undefined;
let baseUrl = '';
async function freshDatabase(name: string): Promise<string> {
  await queryOnce(baseUrl, `DROP DATABASE IF EXISTS ${name}`);
  await queryOnce(baseUrl, `CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** No batch stored for this long while some are pending: the scan is stuck (see stuckReport). */
const STALL_MS = 120_000;

class StuckScan extends Error {}

/** What a stuck scan looks like in graphile-worker's tables: its open jobs and who holds their queues. */
async function stuckReport(url: string, pending: number, stored: number): Promise<string> {
  const jobs = await queryOnce<{ id: number; queue: string | null; attempts: number; job_locked_by: string | null; queue_locked_by: string | null; queue_locked_at: Date | null }>(
    url,
    `SELECT j.id, q.queue_name AS queue, j.attempts, j.locked_by AS job_locked_by, q.locked_by AS queue_locked_by, q.locked_at AS queue_locked_at
     FROM graphile_worker._private_jobs j LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id ORDER BY j.id LIMIT 8`,
  ).catch(() => []);
  const live = await queryOnce<{ n: number }>(url, 'SELECT count(*)::integer AS n FROM worker_processes').catch(() => [{ n: -1 }]);
  return (
    `no batch stored for ${STALL_MS / 1000} s (${stored} stored, ${pending} pending; ${live[0]?.n} worker processes registered); open jobs: ` +
    jobs
      .map((j) => `#${j.id} ${j.queue ?? '(no queue)'} attempts ${j.attempts}, job ${j.job_locked_by ? `locked by ${j.job_locked_by}` : 'unlocked'}, queue ${j.queue_locked_by ? `locked by ${j.queue_locked_by} since ${j.queue_locked_at?.toISOString().slice(11, 19)}` : 'unlocked'}`)
      .join('; ')
  );
}

interface ScanRun {
  readonly scanId: number;
  readonly processMs: number;
  /** scans.started_at (the enqueue) to the process's exit (the report written). */
  readonly enqueueToReportMs: number;
  readonly rssKb: number | undefined;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly exitedAt: Date;
}

/** `ward scan --queue` in a child process, waited for; `during` runs meanwhile (the kill soak). */
async function queuedScan(url: string, batchSize: number, during?: (done: () => boolean) => Promise<void>): Promise<ScanRun> {
  const rssFile = join(dir, `scan-rss-${Date.now()}`);
  const report = join(dir, `report-${Date.now()}.json`);
  const wardArgs = [WARD, 'scan', '--queue', '--db', url, '--batch-size', String(batchSize), '--format', 'json', '--fail-on', 'none', '-o', report];
  const [command, args] = TIME ? [TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...wardArgs]] : [process.execPath, wardArgs];
  const began = performance.now();
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  let finished = false;
  const exited = exitOf(child).then((code) => {
    finished = true;
    return code;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), SCAN_TIMEOUT_MS);
  const meanwhile = during ? during(() => finished) : Promise.resolve();
  let stuck: string | undefined;
  const watchdog = (async () => {
    let last = -1;
    let since = Date.now();
    while (!finished) {
      await sleep(2000);
      const rows = await queryOnce<{ stored: number; pending: number }>(
        url,
        "SELECT (count(*) FILTER (WHERE status <> 'pending'))::integer AS stored, (count(*) FILTER (WHERE status = 'pending'))::integer AS pending FROM scan_batches",
      ).catch(() => undefined);
      if (!rows) continue;
      const stored = Number(rows[0]?.stored);
      if (stored !== last) {
        last = stored;
        since = Date.now();
      } else if (Number(rows[0]?.pending) > 0 && Date.now() - since > STALL_MS) {
        stuck = await stuckReport(url, Number(rows[0]?.pending), stored);
        child.kill('SIGKILL');
        return;
      }
    }
  })();
  const code = await exited;
  await watchdog;
  const exitedAt = new Date();
  const processMs = performance.now() - began;
  clearTimeout(timer);
  children.delete(child);
  await meanwhile;
  if (stuck !== undefined) throw new StuckScan(stuck);
  if (code !== 0) throw new Error(`ward scan --queue exited ${code}: ${stderr.trim()}`);
  const rows = await queryOnce<{ id: number; started_at: Date; finished_at: Date }>(url, "SELECT id, started_at, finished_at FROM scans WHERE status = 'complete' ORDER BY id DESC LIMIT 1");
  const scan = rows[0]!;
  rmSync(report, { force: true });
  const rssKb = TIME && existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined;
  return { scanId: Number(scan.id), processMs, enqueueToReportMs: exitedAt.getTime() - scan.started_at.getTime(), rssKb, startedAt: scan.started_at, finishedAt: scan.finished_at, exitedAt };
}

interface Phases {
  readonly firstStoredMs: number;
  readonly lastStoredMs: number;
  readonly finishMs: number;
  readonly reportMs: number;
  readonly batches: number;
  readonly findings: number;
}

async function phasesOf(url: string, run: ScanRun): Promise<Phases> {
  const rows = await queryOnce<{ first: Date; last: Date; batches: number }>(
    url,
    'SELECT min(stored_at) AS first, max(stored_at) AS last, count(*)::integer AS batches FROM scan_batches WHERE scan_id = $1',
    [run.scanId],
  );
  const findings = (await findingsOf(url, run.scanId)).length;
  const r = rows[0]!;
  const t0 = run.startedAt.getTime();
  return {
    firstStoredMs: r.first.getTime() - t0,
    lastStoredMs: r.last.getTime() - t0,
    finishMs: run.finishedAt.getTime() - r.last.getTime(),
    reportMs: run.exitedAt.getTime() - run.finishedAt.getTime(),
    batches: Number(r.batches),
    findings,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The measures.

interface M1Result {
  readonly label: string;
  readonly run: ScanRun;
  readonly phases: Phases;
  readonly requests: Emulator['requests'];
  readonly workerRssKb: (number | undefined)[];
  readonly emulatorRssKb: number | undefined;
}

async function measureOne(pageSize: number | undefined): Promise<M1Result> {
  const url = await freshDatabase(`bench_m1_p${pageSize ?? 100}`);
  const emulator = await startEmulator({ subscriptions: M1.subscriptions, latencyMs: M1.latencyMs, ...(pageSize ? { pageSize } : {}) });
  const workers: Worker[] = [];
  try {
    const env = await addConnectors(url, [emulator], M1.workers * M1.concurrency);
    for (let i = 0; i < M1.workers; i += 1) workers.push(startWorker(url, M1.concurrency, env));
    await waitForWorkers(url, workers);
    const before = { ...emulator.requests };
    const run = await queuedScan(url, M1.batchSize);
    const requests = { contacts: emulator.requests.contacts - before.contacts, pages: emulator.requests.pages - before.pages, tokens: emulator.requests.tokens - before.tokens, other: emulator.requests.other - before.other };
    const phases = await phasesOf(url, run);
    const workerRssKb = await Promise.all(workers.map((w) => stopChild(w.child)));
    return { label: `page size ${pageSize ?? 100}`, run, phases, requests, workerRssKb, emulatorRssKb: await emulator.stop() };
  } finally {
    await Promise.all(workers.map((w) => stopChild(w.child)));
    await emulator.stop();
  }
}

async function measureTwo(): Promise<void> {
  const total = M2.connectors * M2.subscriptions;
  print(`## 2. ${total.toLocaleString('en')} subscriptions over ${M2.connectors} connectors, end to end`);
  print();
  print(
    `${M2.connectors} emulators of ${M2.subscriptions.toLocaleString('en')} subscriptions (seeds 11…${10 + M2.connectors}, ${M2.latencyMs} ms per answer, page size ${M2.pageSize}), ` +
      `${M2.workers} workers at concurrency ${M2.concurrency}, batches of ${M2.batchSize}, each connector --max-concurrency ${M2.workers * M2.concurrency}. ` +
      `${M2.latencyMs} ms rather than 25 ms: at 25 ms the run is mostly waiting (ideal ${s((total * 25) / (M2.workers * M2.concurrency))}); at 2 ms what shows is what the workers, the store and the finish cost.`,
  );
  print();
  const url = await freshDatabase('bench_m2');
  const emulators: Emulator[] = [];
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < M2.connectors; i += 1) emulators.push(await startEmulator({ subscriptions: M2.subscriptions, latencyMs: M2.latencyMs, seed: 11 + i, pageSize: M2.pageSize }));
    const env = await addConnectors(url, emulators, M2.workers * M2.concurrency);
    for (let i = 0; i < M2.workers; i += 1) workers.push(startWorker(url, M2.concurrency, env));
    await waitForWorkers(url, workers);
    const loadAt = load();
    const run = await queuedScan(url, M2.batchSize);
    const phases = await phasesOf(url, run);
    const inventory = await queryOnce<{ connectors: number; contacts: number }>(url, 'SELECT (SELECT count(*) FROM connectors)::integer AS connectors, (SELECT count(*) FROM security_contacts)::integer AS contacts');
    const workerRssKb = await Promise.all(workers.map((w) => stopChild(w.child)));
    const emulatorRssKb = await Promise.all(emulators.map((e) => e.stop()));
    const requests = emulators.reduce((sum, e) => sum + e.requests.contacts + e.requests.pages, 0);
    table(
      ['phase (from scans.started_at, the enqueue)', 'time'],
      [
        ['planning + first batch stored (min scan_batches.stored_at)', s(phases.firstStoredMs)],
        ['collect + judge on the workers: last batch stored (max stored_at)', s(phases.lastStoredMs)],
        ['finish job: inventory swap + completion (last stored_at → scans.finished_at)', s(phases.finishMs)],
        ['report: finished_at → `ward scan --queue` exits (polls every 0.5 s, reads the findings, writes JSON)', s(phases.reportMs)],
        ['**enqueue → report**', `**${s(run.enqueueToReportMs)}**`],
        ['`ward scan --queue` process, spawn → exit', s(run.processMs)],
      ],
    );
    print(
      `${phases.batches} batches, ${phases.findings.toLocaleString('en')} findings; inventory after the swap: ${inventory[0]?.connectors.toLocaleString('en')} subscriptions, ${inventory[0]?.contacts.toLocaleString('en')} security contacts; ` +
        `${requests.toLocaleString('en')} ARM requests (contacts + list pages) = ${Math.round(requests / (phases.lastStoredMs / 1000)).toLocaleString('en')} requests/s over the collection. Load average when the scan was queued: ${loadAt}.`,
    );
    print();
    print(
      `Inventory load on PostgreSQL (target < 3 s): the finish job's transaction (last batch stored → finished_at, which also includes picking the job up and the summary) took **${s(phases.finishMs)}**.`,
    );
    print();
    table(
      ['process', 'peak RSS (target < 400 MB)'],
      [
        ['`ward scan --queue`', run.rssKb === undefined ? 'n/a (no /usr/bin/time)' : mb(run.rssKb)],
        ...workerRssKb.map((kb, i) => [`worker ${i + 1}`, kb === undefined ? 'n/a' : mb(kb)]),
        ...emulatorRssKb.map((kb, i) => [`emulator ${i + 1} (not ward's figure)`, kb === undefined ? 'n/a' : mb(kb)]),
      ],
    );
  } finally {
    await Promise.all(workers.map((w) => stopChild(w.child)));
    await Promise.all(emulators.map((e) => e.stop()));
  }
}

/** The local path: replaceInventory of a synthetic 100,000-subscription inventory straight onto PostgreSQL. */
async function measureInventoryLoad(): Promise<void> {
  const total = M2.connectors * M2.subscriptions;
  print(`### 2b. Inventory load of ${total.toLocaleString('en')} subscriptions, the local path`);
  print();
  const invUrl = await freshDatabase('bench_m2_inventory');
  const tenant = syntheticTenant({ subscriptions: total, seed: 5 });
  const inventory = normaliseCapture(tenant.capture, { invalidBodies: 'error' });
  const store = await openStore({ location: invUrl });
  const times: number[] = [];
  try {
    for (let i = 0; i < 2; i += 1) {
      const t0 = performance.now();
      await store.transaction((tx) => replaceInventory(tx, inventory, { collectedAt: new Date(), scanId: null, scope: 'all' }));
      times.push(performance.now() - t0);
    }
  } finally {
    await store.close();
  }
  print(
    `\`replaceInventory\` of a synthetic ${total.toLocaleString('en')}-subscription inventory (${inventory.securityContacts.length.toLocaleString('en')} contacts) on PostgreSQL, one transaction, from this process (the local scan's path): ` +
      `into empty tables **${s(times[0]!)}**, replacing the same again **${s(times[1]!)}** (target < 3 s).`,
  );
  print();
}

async function measureThree(): Promise<void> {
  print(`## 3. The same ${M3.subscriptions.toLocaleString('en')} on the embedded store, one process`);
  print();
  const emulator = await startEmulator({ subscriptions: M3.subscriptions, latencyMs: M3.latencyMs, pageSize: 1000 });
  const storeDir = join(dir, 'local-store');
  try {
    await ward(['connectors', 'list', '--db', storeDir]); // creates and migrates the store beforehand, untimed
    const env = { ...process.env, ...emulator.env };
    const rssFile = join(dir, 'local-rss');
    const wardArgs = [WARD, 'scan', '--db', storeDir, '--concurrency', String(M3.concurrency), '--format', 'json', '--fail-on', 'none', '-o', join(dir, 'local-report.json')];
    const [command, args] = TIME ? [TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...wardArgs]] : [process.execPath, wardArgs];
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), LOCAL_TIMEOUT_MS);
    const code = await exitOf(child);
    clearTimeout(timer);
    const ms = performance.now() - t0;
    const rss = TIME && existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined;
    print(
      `\`ward scan\` (local, PGlite store created beforehand), one emulator of ${M3.subscriptions.toLocaleString('en')} subscriptions (${M3.latencyMs} ms, page size 1000), --concurrency ${M3.concurrency}: ` +
        (code === 0 ? `wall **${s(ms)}**, peak RSS **${rss === undefined ? 'n/a' : mb(rss)}**` : `exited ${code} after ${s(ms)} (peak RSS ${rss === undefined ? 'n/a' : mb(rss)}): ${stderr.trim().split('\n').pop()}`) +
        `; ${(emulator.requests.contacts + emulator.requests.pages).toLocaleString('en')} ARM requests.`,
    );
    print();
  } finally {
    await emulator.stop();
    rmSync(storeDir, { recursive: true, force: true });
  }
}

interface FindingRow {
  control_id: string;
  check_id: string;
  asset_id: string;
  status: string;
  reason: string;
}

/** A complete scan's findings as ward reads them (since migration 11 they are folded into finding_states, not kept per scan). */
async function findingsOf(url: string, scanId: number): Promise<FindingRow[]> {
  const store = await openStore({ location: url });
  try {
    return (await findingsOfScan(store, scanId)).map((f) => ({ control_id: f.controlId, check_id: f.checkId, asset_id: f.assetId, status: f.status, reason: f.reason }));
  } finally {
    await store.close();
  }
}

async function measureFour(): Promise<void> {
  print(`## 4. Kill soak`);
  print();
  const emulator = await startEmulator({ subscriptions: M4.subscriptions, latencyMs: M4.latencyMs, pageSize: M4.pageSize });
  const workers: Worker[] = [];
  try {
    // the undisturbed reference scan
    const refUrl = await freshDatabase('bench_m4_reference');
    const refEnv = await addConnectors(refUrl, [emulator], 100);
    for (let i = 0; i < M4.workers; i += 1) workers.push(startWorker(refUrl, M4.referenceConcurrency, refEnv));
    await waitForWorkers(refUrl, workers);
    const reference = await queuedScan(refUrl, M4.batchSize);
    await Promise.all(workers.splice(0).map((w) => stopChild(w.child)));

    // the soak
    const url = await freshDatabase('bench_m4_soak');
    const env = await addConnectors(url, [emulator], 100);
    for (let i = 0; i < M4.workers; i += 1) workers.push(startWorker(url, M4.concurrency, env));
    await waitForWorkers(url, workers);
    let kills = 0;
    const killTimes: string[] = [];
    let t0 = 0;
    let lastKillMs = 0;
    const soak = await queuedScan(url, M4.batchSize, async (done) => {
      t0 = performance.now();
      while (performance.now() - t0 < M4.killWindowMs) {
        const wait = 2000 + Math.random() * 2000;
        const until = performance.now() + wait;
        while (performance.now() < until && !done()) await sleep(50);
        if (done()) return;
        const victim = Math.floor(Math.random() * workers.length);
        const [killed] = workers.splice(victim, 1);
        killed!.child.kill('SIGKILL');
        await exitOf(killed!.child);
        kills += 1;
        killTimes.push(s(performance.now() - t0));
        workers.push(startWorker(url, M4.concurrency, env));
      }
      lastKillMs = performance.now() - t0;
    });
    await Promise.all(workers.splice(0).map((w) => stopChild(w.child)));

    const [a, b] = await Promise.all([findingsOf(refUrl, reference.scanId), findingsOf(url, soak.scanId)]);
    const key = (f: FindingRow): string => `${f.control_id}\u0000${f.check_id}\u0000${f.asset_id}`;
    const full = (f: FindingRow): string => `${key(f)}\u0000${f.status}\u0000${f.reason}`;
    const dupes = (rows: FindingRow[]): number => rows.length - new Set(rows.map(key)).size;
    const setB = new Set(b.map(full));
    const setA = new Set(a.map(full));
    const onlyA = a.filter((f) => !setB.has(full(f))).length;
    const onlyB = b.filter((f) => !setA.has(full(f))).length;
    const equal = onlyA === 0 && onlyB === 0 && a.length === b.length;
    const batches = await queryOnce<{ failures: number; failed: number }>(url, "SELECT coalesce(sum(failures), 0)::integer AS failures, (count(*) FILTER (WHERE status = 'failed'))::integer AS failed FROM scan_batches WHERE scan_id = $1", [soak.scanId]);
    print(
      `One emulator of ${M4.subscriptions.toLocaleString('en')} subscriptions (${M4.latencyMs} ms, page size ${M4.pageSize}), batches of ${M4.batchSize}. ` +
        `Reference: an undisturbed queued scan, ${M4.workers} workers at concurrency ${M4.referenceConcurrency}, in its own database (${s(reference.enqueueToReportMs)}). ` +
        `Soak: ${M4.workers} workers at concurrency ${M4.concurrency}; every 2-4 s one, chosen at random, is SIGKILLed and a new one started, until the scan completes ` +
        `or for at most ${s(M4.killWindowMs)} (then the scan is left to finish).`,
    );
    print();
    table(
      ['', 'figure'],
      [
        ['kills', `${kills}${killTimes.length ? ` (at ${killTimes.join(', ')} after the scan started)` : ''}`],
        ['soak wall time, enqueue → report', s(soak.enqueueToReportMs)],
        ['from the kills ending to the report', lastKillMs > 0 ? s(soak.enqueueToReportMs - lastKillMs) : 'the scan ended while the kills went on'],
        ['findings: reference / soak', `${a.length.toLocaleString('en')} / ${b.length.toLocaleString('en')}`],
        ['(control, check, asset) present more than once: reference / soak', `${dupes(a)} / ${dupes(b)}`],
        ['findings (control, check, asset, status, reason) only in the reference / only in the soak', `${onlyA} / ${onlyB}`],
        ['batch failures recorded during the soak / batches judged failed', `${batches[0]?.failures ?? 0} / ${batches[0]?.failed ?? 0}`],
        ['**equal**', equal && dupes(b) === 0 ? '**yes**' : '**NO**'],
      ],
    );
  } finally {
    await Promise.all(workers.map((w) => stopChild(w.child)));
    await emulator.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** Runs a measure; one that fails or gets stuck is reported as such and the others still run. */
async function attempt(measure: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    print(`**Measure ${measure} did not complete${error instanceof StuckScan ? ': the queued scan got stuck' : ''}.** ${(error as Error).message}`);
    print();
  }
}

async function main(): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'ward-bench-team-'));
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  try {
    if (process.env.WARD_BENCH_PG) {
      baseUrl = process.env.WARD_BENCH_PG;
    } else {
      postgres = await startTestPostgres();
      baseUrl = postgres.url;
      await raiseMaxConnections(baseUrl);
    }
    const version = await queryOnce<{ server_version: string }>(baseUrl, 'SHOW server_version').then((r) => r[0]?.server_version ?? '?');
    const maxConnections = await queryOnce<{ max_connections: string }>(baseUrl, 'SHOW max_connections').then((r) => r[0]?.max_connections ?? '?');
    print(`# ward team mode at scale (\`npm run bench:team\`)`);
    print();
    print(
      `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${cpus().length} cores (${cpu}), PostgreSQL ${version} ` +
        (postgres ? '(a throwaway local cluster: fsync, full_page_writes and synchronous_commit off' : '(WARD_BENCH_PG') +
        `, max_connections ${maxConnections})` +
        `. Every process (emulators, workers, PostgreSQL, the scan) shares these cores.${SCALE > 1 ? ` **Trial run: every count divided by ${SCALE}.**` : ''}`,
    );
    print();
    print(`Load average at the start: ${load()} (other work on the machine slows the figures down).`);
    print();

    if (runs('1')) await attempt('1', measureOneBoth);
    if (runs('2')) await attempt('2', measureTwo);
    if (runs('2') || runs('2b')) {
      await attempt('2b', measureInventoryLoad);
      print(`Load average after measure 2: ${load()}.`);
      print();
    }
    if (runs('3')) {
      await attempt('3', measureThree);
      print(`Load average after measure 3: ${load()}.`);
      print();
    }
    if (runs('4')) await attempt('4', measureFour);
    print(`Load average at the end: ${load()}.`);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  // a trial run (scaled down, or some measures only) does not overwrite the committed figures
  // WARD_BENCH_APPEND=1 adds a re-run of some measures to the committed figures instead
  const append = process.env.WARD_BENCH_APPEND === '1';
  const out = !append && (ONLY !== undefined || SCALE > 1) ? join(tmpdir(), 'ward-bench-team-trial.md') : RESULTS;
  mkdirSync(join(out, '..'), { recursive: true });
  if (append) writeFileSync(out, `${readFileSync(out, 'utf8')}\n---\n\n# Re-run of measure(s) ${ONLY?.join(', ') ?? 'all'}\n\n${lines.slice(1).join('\n')}\n`);
  else writeFileSync(out, `${lines.join('\n')}\n`);
  process.stdout.write(`\nwritten to ${out}\n`);
}

async function measureOneBoth(): Promise<void> {
    const ideal = (M1.subscriptions * M1.latencyMs) / (M1.workers * M1.concurrency);
    print(`## 1. ${M1.subscriptions.toLocaleString('en')} subscriptions, ${M1.workers} workers at concurrency ${M1.concurrency}`);
    print();
    print(
      `One emulator (${M1.latencyMs} ms added to every answer), batches of ${M1.batchSize}, connector --max-concurrency ${M1.workers * M1.concurrency}. ` +
        `Ideal N·L/(C·W) = ${M1.subscriptions}·${M1.latencyMs} ms/${M1.workers * M1.concurrency} = ${s(ideal)} (target ratio ≤ 1.3). ` +
        'The subscription list is paged one page after another (nextLink) before any batch exists, so the page size shows: ' +
        `at 100 a page that is ${Math.ceil(M1.subscriptions / 100)} pages · ${M1.latencyMs} ms = ${s(Math.ceil(M1.subscriptions / 100) * M1.latencyMs)} of listing alone; at 1000, ${s(Math.ceil(M1.subscriptions / 1000) * M1.latencyMs)}.`,
    );
    print();
    const m1: M1Result[] = [];
    for (const pageSize of [undefined, 1000]) {
      const loadAt = load();
      const result = await measureOne(pageSize);
      m1.push(result);
      process.stdout.write(`  (measure 1, ${result.label}: ${s(result.run.enqueueToReportMs)}, load at its start ${loadAt})\n`);
    }
    table(
      ['', ...m1.map((r) => `emulator ${r.label}`)],
      [
        ['**enqueue → report**', ...m1.map((r) => `**${s(r.run.enqueueToReportMs)}**`)],
        ['ratio to the ideal (target ≤ 1.3)', ...m1.map((r) => `**${(r.run.enqueueToReportMs / ideal).toFixed(2)}**`)],
        ['`ward scan --queue` process, spawn → exit', ...m1.map((r) => s(r.run.processMs))],
        ['planning + first batch stored', ...m1.map((r) => s(r.phases.firstStoredMs))],
        ['collect + judge: last batch stored', ...m1.map((r) => s(r.phases.lastStoredMs))],
        ['finish (last stored → finished_at)', ...m1.map((r) => s(r.phases.finishMs))],
        ['report (finished_at → exit)', ...m1.map((r) => s(r.phases.reportMs))],
        ['ARM requests: contacts + list pages (+ tokens)', ...m1.map((r) => `${r.requests.contacts} + ${r.requests.pages} (+ ${r.requests.tokens})`)],
        ['requests/s over enqueue → report', ...m1.map((r) => String(Math.round((r.requests.contacts + r.requests.pages) / (r.run.enqueueToReportMs / 1000))))],
        ['requests/s while batches ran (first → last stored)', ...m1.map((r) => String(Math.round(r.requests.contacts / Math.max(0.001, (r.phases.lastStoredMs - r.phases.firstStoredMs) / 1000))))],
        ['batches / findings', ...m1.map((r) => `${r.phases.batches} / ${r.phases.findings}`)],
        ['peak RSS of the workers', ...m1.map((r) => r.workerRssKb.map((kb) => (kb === undefined ? 'n/a' : mb(kb))).join(', '))],
        ['peak RSS of `ward scan --queue`', ...m1.map((r) => (r.run.rssKb === undefined ? 'n/a' : mb(r.run.rssKb)))],
        ['peak RSS of the emulator', ...m1.map((r) => (r.emulatorRssKb === undefined ? 'n/a' : mb(r.emulatorRssKb)))],
      ],
    );
    print(`Load average after measure 1: ${load()}.`);
    print();
}

await main();
