/**
 * `npm run bench:scan`: what a user pays for `ward scan`, one fresh process per scan, as a shell or a CI job runs it.
 *
 * Every ward measured here is `node bin/ward.js …` over the built dist/ (package.json's bench:scan builds first), in a
 * process of its own, started by this script with plain node (no TypeScript loader). The wall time is the bench's own
 * clock, from spawn to exit; the phases come from the timestamps the scan records itself (`ward scan --timings FILE`,
 * see src/core/scan-phases.ts); the peak RSS from those timings and from `/usr/bin/time -f %M` when it is installed.
 * A ward that exits 2 (or is killed) fails the bench with its stderr; exit 1 (a check failed) is what these tenants
 * give.
 *
 * 1. The headline: a live scan of 2,000 subscriptions, 25 ms per ARM answer, concurrency 50, against
 *    `ward emulator --synthetic 2000 --latency-ms 25` in a child process of its own; the client environment comes from
 *    the emulator's env file (read with parseEnvFile, passed as the child's environment). Warm store (one scan of the
 *    same tenant already stored, untimed) and cold store (a new empty directory each run), 5 runs each, interleaved.
 *    The ideal is N·L/C = 1.00 s (every request waiting its latency, C at a time, nothing else costing anything).
 *    Targets: wall / ideal <= 1.3 warm, <= 1.6 cold.
 * 2. `ward scan --offline samples/contoso-tenant` on a warm store, 5 processes. Target < 0.6 s.
 * 3. Memory against N: 2,000 / 10,000 / 20,000 subscriptions at 2 ms per answer, one scan each on a new store, with the
 *    size of the tenant's capture (`ward collect -o DIR`, its bytes on disk) next to it. Target < 250 MB at 20,000,
 *    growing no faster than the capture.
 * 4. `ward demo` (what `npm run demo` runs) in a new working directory (so a new store) 3 times. Target < 5 s.
 * 5. By hand: one `curl` per subscription in a shell loop, token fetched once, 100 subscriptions extrapolated to
 *    2,000, against the warm fresh-process median. Target: ward >= 30x faster.
 * 6. Secondary: the same live scan repeated inside one process (bench/scan-scanner.mjs calls the CLI's main() over
 *    dist/), so what a fresh process adds (node start, module loading, JIT, first TLS) shows against section 1.
 *
 * Writes everything printed to bench/results/scan.txt.
 */
import { parseEnvFile } from '../src/emulator/env-file.js';
import { SCAN_PHASES, type ScanPhase, type ScanTimings } from '../src/core/scan-phases.js';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WARD = join(ROOT, 'bin/ward.js');
const SCANNER = join(ROOT, 'bench/scan-scanner.mjs');
const SAMPLE_TENANT = join(ROOT, 'samples/contoso-tenant');
const RESULTS = join(ROOT, 'bench/results/scan.txt');
const TIME = '/usr/bin/time';

const SUBSCRIPTIONS = 2000;
const LATENCY_MS = 25;
const CONCURRENCY = 50;
const RUNS = 5;
const DEMO_RUNS = 3;
const CURL_SAMPLE = 100;
const MEMORY_SIZES = [2000, 10_000, 20_000];
const MEMORY_LATENCY_MS = 2;
const TARGET = { warm: 1.3, cold: 1.6, offlineS: 0.6, rss20kMb: 250, demoS: 5, curlX: 30 } as const;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const max = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : Math.max(...values));
const seconds = (ms: number, digits = 2): string => (Number.isNaN(ms) ? '—' : `${(ms / 1000).toFixed(digits)} s`);
const millis = (ms: number): string => (Number.isNaN(ms) ? '—' : `${Math.round(ms)} ms`);
const megabytes = (mb: number): string => (Number.isNaN(mb) ? '—' : `${mb.toFixed(0)} MB`);
const load = (): string => loadavg().map((n) => n.toFixed(2)).join(' ');

// ---------------------------------------------------------------------------------------------------------------
// Children: the emulator, ward itself.

/**
 * Every child still running, so an interrupted bench leaves none behind. A ward child runs in a process group of its
 * own (under /usr/bin/time, killing the wrapper alone would leave ward running): stopping it stops its group.
 */
const running = new Set<ChildProcess>();
function stop(child: ChildProcess): void {
  try {
    if (child.spawnargs[0] === TIME && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    else child.kill('SIGTERM');
  } catch {
    // already gone
  }
}
process.once('exit', () => {
  for (const child of running) stop(child);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) stop(child);
    process.exit(130);
  });
}

/**
 * The environment every ward child starts from: this one without anything that would point ward elsewhere (a store,
 * a tenant, an endpoint) or load code into node (NODE_OPTIONS: a user's scan runs plain node).
 */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(AZURE_|WARD_|ARM_)/.test(name) || name === 'NODE_OPTIONS' || name === 'NODE_EXTRA_CA_CERTS') continue;
    env[name] = value;
  }
  return env;
}

const useTime = existsSync(TIME);
/** A ward child still running after this long is stopped and fails the bench. */
const CHILD_TIMEOUT_MS = 10 * 60_000;

interface WardRun {
  readonly code: number;
  /** Spawn to exit, measured here. */
  readonly wallMs: number;
  /** Peak RSS as /usr/bin/time saw it (NaN without it). */
  readonly timeRssMb: number;
}

let childrenRun = 0;

/**
 * `node bin/ward.js ARGS` in a process of its own (under /usr/bin/time when present, for the peak RSS of the whole
 * process, exit included). Exit 0 or 1 resolves; any other exit, or a signal, rejects with the child's stderr.
 */
function runWard(args: readonly string[], options: { env: Record<string, string>; cwd?: string; scratch: string }): Promise<WardRun> {
  childrenRun += 1;
  const rssFile = join(options.scratch, `rss-${childrenRun}.txt`);
  const command = useTime ? TIME : process.execPath;
  const argv = useTime ? ['-f', '%M', '-o', rssFile, process.execPath, WARD, ...args] : [WARD, ...args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { cwd: options.cwd ?? ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: useTime });
    running.add(child);
    let stderr = '';
    child.stdout.resume(); // the report or the table: read, not kept
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-20_000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop(child);
    }, CHILD_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    let wallMs = Number.NaN;
    child.once('exit', () => (wallMs = performance.now() - started));
    // 'close' comes after the child's stdio is drained: its stderr is complete
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (code !== 0 && code !== 1) {
        const how = timedOut ? `was stopped after ${CHILD_TIMEOUT_MS / 60_000} minutes` : `exited ${code ?? `on ${signal}`}`;
        reject(new Error(`ward ${args.join(' ')}\n  ${how}; its stderr:\n${stderr.trimEnd()}`));
        return;
      }
      let timeRssMb = Number.NaN;
      if (useTime && existsSync(rssFile)) {
        const kb = readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '';
        if (/^\d+$/.test(kb)) timeRssMb = Number(kb) / 1024;
      }
      resolve({ code, wallMs, timeRssMb });
    });
  });
}

interface EmulatorChild {
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

let emulatorsStarted = 0;

/** `ward emulator --synthetic N --latency-ms L` in a process of its own, ready once its env file is written. */
async function startEmulatorChild(subscriptions: number, latencyMs: number, scratch: string): Promise<EmulatorChild> {
  emulatorsStarted += 1;
  const envFile = join(scratch, `emulator-${emulatorsStarted}.env`);
  const child = spawn(
    process.execPath,
    [WARD, 'emulator', '--synthetic', String(subscriptions), '--latency-ms', String(latencyMs), '--port', '0', '--write-env-file', envFile],
    { cwd: ROOT, env: baseEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  running.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const deadline = Date.now() + 120_000;
  while (!(existsSync(envFile) && /WARD_ARM_ENDPOINT=.*\n$/.test(readFileSync(envFile, 'utf8')))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGTERM');
      await exited;
      running.delete(child);
      throw new Error(`the emulator (${subscriptions} subscriptions) did not start; its stderr:\n${stderr.trimEnd()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    env: parseEnvFile(readFileSync(envFile, 'utf8')),
    async stop() {
      child.kill('SIGTERM');
      await exited;
      running.delete(child);
    },
  };
}


// ---------------------------------------------------------------------------------------------------------------
// A scan: one ward process, its wall, its timings.

interface ScanRun extends WardRun {
  readonly timings: ScanTimings;
}

class Scans {
  private count = 0;
  constructor(private readonly scratch: string) {}

  /** `ward scan --db STORE ARGS --timings FILE`. */
  async scan(store: string, args: readonly string[], env: Record<string, string>): Promise<ScanRun> {
    this.count += 1;
    const file = join(this.scratch, `timings-${this.count}.json`);
    const run = await runWard(['scan', '--db', store, ...args, '--timings', file], { env, scratch: this.scratch });
    if (!existsSync(file)) throw new Error(`ward scan ${args.join(' ')} exited ${run.code} without writing its --timings file`);
    const timings = JSON.parse(readFileSync(file, 'utf8')) as ScanTimings;
    if (timings.version !== 1) throw new Error(`ward scan wrote timings of version ${String(timings.version)}; this bench reads version 1`);
    return { ...run, timings };
  }

  /** A new empty directory for a store. */
  newStore(): string {
    return mkdtempSync(join(this.scratch, 'store-'));
  }
}

const phase = (run: ScanRun, name: ScanPhase): number => run.timings.phasesMs[name] ?? Number.NaN;
const between = (run: ScanRun, from: ScanPhase | 'start', to: ScanPhase): number => phase(run, to) - (from === 'start' ? 0 : phase(run, from));
const medianOf = (runs: readonly ScanRun[], value: (run: ScanRun) => number): number => median(runs.map(value).filter((v) => !Number.isNaN(v)));
const list = (values: readonly number[]): string => values.map((ms) => (ms / 1000).toFixed(2)).join(', ');

/** The phase lines of a set of runs: each a median over the runs of that run's own interval. */
function phaseLines(runs: readonly ScanRun[], live: boolean): string[] {
  const m = (value: (run: ScanRun) => number): string => millis(medianOf(runs, value));
  const storeVsCollected = medianOf(runs, (r) => between(r, 'collected', 'store-open'));
  const lines = [
    `  phases (median of each run's own interval, ms since the process started as the scan records it):`,
    ...(live
      ? [
          `    start → first request ${m((r) => between(r, 'start', 'first-request'))} (of which start → CLI ready ${m((r) => between(r, 'start', 'cli-ready'))})`,
          `    collection: first request → last answer ${m((r) => between(r, 'first-request', 'collected'))} (every subscription listed after ${m((r) => between(r, 'first-request', 'listed'))})`,
        ]
      : [`    start → capture read ${m((r) => between(r, 'start', 'collected'))} (of which start → CLI ready ${m((r) => between(r, 'start', 'cli-ready'))})`]),
    `    store ready at ${m((r) => phase(r, 'store-open'))} since start, ${millis(Math.abs(storeVsCollected))} ${storeVsCollected <= 0 ? 'before' : 'after'} the ${live ? 'last answer' : 'capture was read'}`,
    `    after the ${live ? 'last answer' : 'capture is read'} → stored ${m((r) => between(r, 'collected', 'stored'))} ` +
      `(→ inventory written ${m((r) => between(r, 'collected', 'inventory-written'))}, → evaluated ${m((r) => between(r, 'collected', 'evaluated'))})`,
    `    report: stored → reported ${m((r) => between(r, 'stored', 'reported'))};  exit: reported → exit ${m((r) => between(r, 'reported', 'exit'))};  ` +
      `outside the process's own clock (spawn, node start, teardown after exit: the bench's wall − exit) ${m((r) => r.wallMs - phase(r, 'exit'))}`,
    `    every phase, median ms since start: ${SCAN_PHASES.map((name) => `${name} ${Number.isNaN(medianOf(runs, (r) => phase(r, name))) ? '—' : Math.round(medianOf(runs, (r) => phase(r, name)))}`).join(', ')}`,
  ];
  return lines;
}

function rssLine(runs: readonly ScanRun[]): string {
  const parts: string[] = [];
  const fromTimings = runs.map((r) => r.timings.maxRssMb);
  parts.push(`as the scan records it: median ${megabytes(median(fromTimings))}, max ${megabytes(max(fromTimings))}`);
  const fromTime = runs.map((r) => r.timeRssMb).filter((v) => !Number.isNaN(v));
  if (fromTime.length > 0) parts.push(`/usr/bin/time (the whole process): median ${megabytes(median(fromTime))}, max ${megabytes(max(fromTime))}`);
  return `  peak RSS ${parts.join('; ')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The hand loop.

async function curlLoop(env: Record<string, string>, count: number, scratch: string): Promise<{ ms: number; ids: number }> {
  const run = promisify(execFile);
  const ca = env.NODE_EXTRA_CA_CERTS ?? '';
  const base = env.WARD_ARM_ENDPOINT ?? '';
  const token = JSON.parse(
    (
      await run('curl', [
        '-s',
        '--cacert',
        ca,
        '-d',
        new URLSearchParams({ grant_type: 'client_credentials', client_id: env.AZURE_CLIENT_ID ?? '', client_secret: env.AZURE_CLIENT_SECRET ?? '', scope: `${base}/.default` }).toString(),
        `${env.AZURE_AUTHORITY_HOST}/${env.AZURE_TENANT_ID}/oauth2/v2.0/token`,
      ])
    ).stdout,
  ).access_token as string;
  const ids: string[] = [];
  for (let next: string | undefined = `${base}/subscriptions?api-version=2022-12-01`; next !== undefined && ids.length < count; ) {
    const page = JSON.parse((await run('curl', ['-s', '--cacert', ca, '-H', `Authorization: Bearer ${token}`, next])).stdout) as {
      value: { subscriptionId: string; state: string }[];
      nextLink?: string;
    };
    ids.push(...page.value.filter((s) => s.state !== 'Disabled' && s.state !== 'Deleted').map((s) => s.subscriptionId));
    next = page.nextLink;
  }
  ids.splice(count);
  const script = join(scratch, 'curl-loop.sh');
  const port = new URL(base).port;
  writeFileSync(
    script,
    '#!/bin/sh\n' +
      `for s in ${ids.join(' ')}; do\n` +
      `  curl -s -H "Authorization: Bearer $TOKEN" --cacert "$CA" "https://127.0.0.1:${port}/subscriptions/$s/providers/Microsoft.Security/securityContacts?api-version=2023-12-01-preview" > /dev/null\n` +
      'done\n',
  );
  const started = performance.now();
  await run('sh', [script], { env: { ...process.env, TOKEN: token, CA: ca } });
  return { ms: performance.now() - started, ids: ids.length };
}

// ---------------------------------------------------------------------------------------------------------------
// The in-process comparison (bench/scan-scanner.mjs).

interface InProcessResult {
  readonly warmUpMs: number;
  readonly runsMs: number[];
  readonly codes: number[];
  readonly maxRssMb: number;
}

function runInProcess(store: string, out: string, runs: number, env: Record<string, string>): Promise<InProcessResult> {
  return new Promise((resolve, reject) => {
    const args = ['--runs', String(runs), '--', 'scan', '--db', store, '--format', 'json', '-o', out, '--concurrency', String(CONCURRENCY)];
    const child = spawn(process.execPath, [SCANNER, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-20_000)));
    child.once('close', (code, signal) => {
      running.delete(child);
      if (code !== 0) {
        reject(new Error(`bench/scan-scanner.mjs exited ${code ?? `on ${signal}`}; its stderr:\n${stderr.trimEnd()}`));
        return;
      }
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as InProcessResult);
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------

function directoryBytes(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? directoryBytes(full) : statSync(full).size;
  }
  return total;
}

async function orchestrate(): Promise<void> {
  const lines: string[] = [];
  const print = (line = ''): void => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  const scratch = mkdtempSync(join(tmpdir(), 'ward-bench-scan-'));
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  print(`ward scan benchmark, one fresh process per scan (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, ${cpu})`);
  print(`load average at the start: ${load()} (the cores are shared: other work on the machine slows the figures down)`);
  try {
    const scans = new Scans(scratch);
    print(
      `each ward: \`node bin/ward.js …\` over dist/, its own process; wall = the bench's clock from spawn to exit; phases from \`ward scan --timings\`; ` +
        `peak RSS ${useTime ? 'from the timings and from /usr/bin/time -f %M' : 'from the timings (/usr/bin/time is not installed)'}`,
    );
    print();
    const ideal = (SUBSCRIPTIONS * LATENCY_MS) / CONCURRENCY;
    const liveArgs = (out: string): string[] => ['--format', 'json', '-o', out, '--concurrency', String(CONCURRENCY)];

    // 1. the headline, and 5. the hand loop and 6. the in-process runs on the same emulator
    const emulator = await startEmulatorChild(SUBSCRIPTIONS, LATENCY_MS, scratch);
    const env = { ...baseEnv(), ...emulator.env };
    const warm: ScanRun[] = [];
    const cold: ScanRun[] = [];
    let curl: { ms: number; ids: number };
    let inProcess: InProcessResult | Error;
    try {
      const report = join(scratch, 'report.json');
      const warmStore = scans.newStore();
      await scans.scan(warmStore, liveArgs(report), env); // the untimed first scan: the store now holds this tenant
      for (let run = 0; run < RUNS; run += 1) {
        warm.push(await scans.scan(warmStore, liveArgs(report), env));
        const coldStore = scans.newStore();
        cold.push(await scans.scan(coldStore, liveArgs(report), env));
        rmSync(coldStore, { recursive: true, force: true });
      }
      curl = await curlLoop(emulator.env, CURL_SAMPLE, scratch);
      try {
        inProcess = await runInProcess(scans.newStore(), join(scratch, 'report-in-process.json'), RUNS, env);
      } catch (error) {
        inProcess = error as Error;
      }
    } finally {
      await emulator.stop();
    }
    print(`1. ward scan, live: ${SUBSCRIPTIONS} subscriptions, ${LATENCY_MS} ms per ARM answer, --concurrency ${CONCURRENCY}, --format json -o FILE, emulator in its own process`);
    print(`  ideal N·L/C = ${SUBSCRIPTIONS}·${LATENCY_MS} ms/${CONCURRENCY} = ${seconds(ideal)}`);
    for (const [label, runs, target] of [
      ['warm store (already holds one scan of this tenant)', warm, TARGET.warm],
      ['cold store (a new empty directory each run)', cold, TARGET.cold],
    ] as const) {
      const wall = median(runs.map((r) => r.wallMs));
      print(`${label}:`);
      print(`  wall (median of ${runs.length}): ${seconds(wall)}  ratio ${(wall / ideal).toFixed(2)} (target <= ${target})  [runs: ${list(runs.map((r) => r.wallMs))} s; exit ${[...new Set(runs.map((r) => r.code))].join('/')}]`);
      for (const line of phaseLines(runs, true)) print(line);
      print(rssLine(runs));
      const last = runs.at(-1)?.timings;
      print(`  subscriptions ${last?.subscriptions ?? '—'}, findings ${last?.findings ?? '—'}`);
    }
    print(`load average: ${load()}`);
    print();

    // 2. offline
    const offlineStore = scans.newStore();
    const offlineArgs = ['--offline', SAMPLE_TENANT];
    await scans.scan(offlineStore, offlineArgs, baseEnv()); // untimed: the store now holds this tenant
    const offline: ScanRun[] = [];
    for (let run = 0; run < RUNS; run += 1) offline.push(await scans.scan(offlineStore, offlineArgs, baseEnv()));
    const offlineWall = median(offline.map((r) => r.wallMs));
    print(`2. ward scan --offline samples/contoso-tenant (table on stdout, read by the bench), warm store, ${RUNS} processes`);
    print(`  wall (median of ${RUNS}): ${seconds(offlineWall)} (target < ${TARGET.offlineS} s)  [runs: ${list(offline.map((r) => r.wallMs))} s]`);
    for (const line of phaseLines(offline, false)) print(line);
    print(rssLine(offline));
    print(`load average: ${load()}`);
    print();

    // 3. memory against N
    print(`3. memory against N: ${MEMORY_LATENCY_MS} ms per ARM answer, --concurrency ${CONCURRENCY}, emulator in its own process; per size one ward scan on a new store,`);
    print(`  then a second on that store (warm: what a store's creation costs does not set its peak), then \`ward collect -o DIR\``);
    print(`  capture = the tenant as \`ward collect\` writes it (its files' bytes): the raw inventory, to compare the growth of RSS against`);
    print('  subscriptions | peak RSS new store | warm store | growth from the first size: new / warm | capture | capture growth | JSON report | wall new / warm | ward collect peak RSS');
    const memory: { size: number; rss: number }[] = [];
    let baseline: { cold: number; warm: number; capture: number } | undefined;
    const peak = (run: WardRun & { timings?: ScanTimings }): number => (Number.isNaN(run.timeRssMb) ? (run.timings?.maxRssMb ?? Number.NaN) : run.timeRssMb);
    for (const size of MEMORY_SIZES) {
      const sized = await startEmulatorChild(size, MEMORY_LATENCY_MS, scratch);
      let cold: ScanRun;
      let warm: ScanRun;
      let captureBytes: number;
      let collectRun: WardRun;
      const report = join(scratch, `report-${size}.json`);
      try {
        const sizedEnv = { ...baseEnv(), ...sized.env };
        const store = scans.newStore();
        cold = await scans.scan(store, liveArgs(report), sizedEnv);
        warm = await scans.scan(store, liveArgs(report), sizedEnv);
        rmSync(store, { recursive: true, force: true });
        const capture = join(scratch, `capture-${size}`);
        collectRun = await runWard(['collect', '-o', capture, '--concurrency', String(CONCURRENCY)], { env: sizedEnv, scratch });
        captureBytes = directoryBytes(capture);
        rmSync(capture, { recursive: true, force: true });
      } finally {
        await sized.stop();
      }
      const captureMb = captureBytes / 1024 / 1024;
      baseline ??= { cold: peak(cold), warm: peak(warm), capture: captureMb };
      memory.push({ size, rss: peak(cold) });
      const mbCell = (value: number, digits = 0): string => `${value.toFixed(digits)} MB`;
      print(
        `  ${String(size).padStart(13)} | ${megabytes(peak(cold)).padStart(18)} | ${megabytes(peak(warm)).padStart(10)} | ` +
          `${`${mbCell(peak(cold) - baseline.cold)} / ${mbCell(peak(warm) - baseline.warm)}`.padStart(38)} | ${mbCell(captureMb, 1).padStart(7)} | ${mbCell(captureMb - baseline.capture, 1).padStart(14)} | ` +
          `${mbCell(statSync(report).size / 1024 / 1024, 1).padStart(11)} | ${`${seconds(cold.wallMs)} / ${seconds(warm.wallMs)}`.padStart(15)} | ${megabytes(collectRun.timeRssMb).padStart(21)}`,
      );
    }
    const at20k = memory.find((m) => m.size === 20_000)?.rss ?? Number.NaN;
    print(`  peak RSS at 20,000 on a new store: ${megabytes(at20k)} (target < ${TARGET.rss20kMb} MB, growing no faster than the capture)`);
    print(`  peak RSS: ${useTime ? '/usr/bin/time -f %M' : 'as the scan records it'}; JSON report: the scan's \`--format json -o\` file (findings, not the inventory)`);
    print(`load average: ${load()}`);
    print();

    // 4. the demo
    const demo: WardRun[] = [];
    for (let run = 0; run < DEMO_RUNS; run += 1) {
      const cwd = mkdtempSync(join(scratch, 'demo-'));
      demo.push(await runWard(['demo'], { env: baseEnv(), cwd, scratch }));
      rmSync(cwd, { recursive: true, force: true });
    }
    print(`4. ward demo (what \`npm run demo\` runs, without npm's own start), a new working directory (so a new store) each run`);
    print(
      `  wall (median of ${DEMO_RUNS}): ${seconds(median(demo.map((r) => r.wallMs)))} (target < ${TARGET.demoS} s)  [runs: ${list(demo.map((r) => r.wallMs))} s]` +
        (useTime ? `;  peak RSS median ${megabytes(median(demo.map((r) => r.timeRssMb)))}, max ${megabytes(max(demo.map((r) => r.timeRssMb)))}` : ''),
    );
    print(`load average: ${load()}`);
    print();

    // 5. by hand
    const warmWall = median(warm.map((r) => r.wallMs));
    const curlPerSubscription = curl.ms / curl.ids;
    const curlExtrapolated = curlPerSubscription * SUBSCRIPTIONS;
    print(`5. by hand: one curl per subscription in a shell loop, token fetched once (emulator of section 1)`);
    print(`  ${curl.ids} subscriptions in ${seconds(curl.ms)} = ${curlPerSubscription.toFixed(1)} ms each; extrapolated to ${SUBSCRIPTIONS}: ${seconds(curlExtrapolated, 1)}`);
    print(`  ward scan, warm store, the whole process: ${seconds(warmWall)} = ${(curlExtrapolated / warmWall).toFixed(1)}x faster (target >= ${TARGET.curlX}x)`);
    print();

    // 6. in-process, secondary
    print(`6. secondary: the live scan of section 1 repeated inside one process (bench/scan-scanner.mjs runs the CLI's main() over dist/), warm store`);
    if (inProcess instanceof Error) {
      print(`  not available: ${inProcess.message.split('\n').join('\n    ')}`);
    } else {
      const wall = median(inProcess.runsMs);
      print(`  wall (median of ${inProcess.runsMs.length}): ${seconds(wall)}  ratio ${(wall / ideal).toFixed(2)}  [runs: ${list(inProcess.runsMs)} s; exit ${[...new Set(inProcess.codes)].join('/')}]`);
      print(`  the first scan of that process (a new store, modules loading, JIT cold): ${seconds(inProcess.warmUpMs)};  peak RSS of the process after all: ${megabytes(inProcess.maxRssMb)}`);
      print(`  a fresh process (section 1, warm) costs ${seconds(warmWall - wall)} more than a scan inside a process that already ran one`);
    }
    print();
    print(`load average at the end: ${load()}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(RESULTS, `${lines.join('\n')}\n`);
  process.stdout.write(`\nwritten to ${RESULTS}\n`);
}

await orchestrate();
