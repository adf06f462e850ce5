/**
 * `npm run bench:scan`: a live scan through the ARM emulator, as `ward scan` does it.
 *
 * 1. Speed. The emulator serves a synthetic tenant of 2,000 subscriptions with 25 ms added to every ARM answer;
 *    ward collects at concurrency 50 into a warm on-disk store (opened, and loaded once, before timing) and the
 *    timed part is collection + normalisation + runScan. The ideal is N·L/C (every request waiting its latency,
 *    C at a time, nothing else costing anything). Target: wall / ideal <= 1.5, peak RSS < 300 MB.
 *    The emulator runs in a child process (it keeps the emulator's CPU off the scanner's event loop on a 2-core
 *    machine); the same run with the emulator in the scanner's process is printed for comparison.
 * 2. The way the seed document does it by hand: one `curl` per subscription in a shell loop, with a token fetched
 *    once, over 100 of the same subscriptions, extrapolated to 2,000. Target: ward >= 30x faster.
 * 3. Memory against N: 2,000 / 10,000 / 20,000 subscriptions (2 ms latency), each scan in a fresh process: peak
 *    RSS next to what the inventory itself takes (the heap held by the capture bodies and by the normalised
 *    Inventory), so growth beyond the inventory shows.
 *
 * Writes the printed figures to bench/results/scan.txt. Every scan runs in a child process of its own
 * (bench/scan-scanner.mjs, over the built dist/ as `ward scan` runs), so its peak RSS is its own.
 */
import { parseEnvFile } from '../src/emulator/env-file.js';
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCANNER = join(fileURLToPath(new URL('./', import.meta.url)), 'scan-scanner.mjs');
const RUN_CLI = join(ROOT, 'src/cli/test-support/run-cli.ts');
const RESULTS = join(ROOT, 'bench/results/scan.txt');

const SUBSCRIPTIONS = 2000;
const LATENCY_MS = 25;
const CONCURRENCY = 50;
const TIMED_RUNS = 5;
const CURL_SAMPLE = 100;
const MEMORY_SIZES = [2000, 10_000, 20_000];
const MEMORY_LATENCY_MS = 2;

interface ScannerResult {
  readonly subscriptions: number;
  readonly contactsRequests: number;
  readonly runsMs: number[];
  /** The warm-up scan: a cold process (TLS, JIT), a store opened but not yet loaded. */
  readonly warmUpMs: number;
  readonly phasesMs: { collect: number; normalise: number; scan: number };
  readonly maxRssMb: number;
  /** Peak RSS once the store is open, before anything is collected: node, the modules and PGlite. */
  readonly storeOpenRssMb: number;
  /** Peak RSS once the first collection and normalisation are done, before the first runScan. */
  readonly collectedRssMb: number;
  /** V8 heap (total, not used) and external memory at the end, to tell the JS heap's high-water mark from PGlite's. */
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly captureHeapMb: number;
  readonly inventoryHeapMb: number;
  readonly captureJsonMb: number;
  readonly inventoryJsonMb: number;
  readonly findings: number;
  readonly errors: number;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;


// ---------------------------------------------------------------------------------------------------------------
// The orchestrator.

interface EmulatorChild {
  readonly envFile: string;
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

let emulatorsStarted = 0;

async function startEmulatorChild(subscriptions: number, latencyMs: number, dir: string): Promise<EmulatorChild> {
  emulatorsStarted += 1;
  const envFile = join(dir, `emulator-${emulatorsStarted}.env`);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--', RUN_CLI, 'emulator', '--synthetic', String(subscriptions), '--latency-ms', String(latencyMs), '--port', '0', '--write-env-file', envFile],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  while (!(existsSync(envFile) && /WARD_ARM_ENDPOINT=.*\n$/.test(readFileSync(envFile, 'utf8')))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the emulator did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    envFile,
    env: parseEnvFile(readFileSync(envFile, 'utf8')),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The scanner children run the built product (dist/, what `ward scan` runs) with plain node: a tsx loader would
 * add its own worker and some 70 MB of RSS that no user pays.
 */
function runChild(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', SCANNER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args[0]} exited ${code}`))));
  });
}

/** A scan in a process of its own, on a store created beforehand by another process. */
async function runScanner(args: readonly string[], dir: string): Promise<ScannerResult> {
  const store = mkdtempSync(join(dir, 'store-'));
  await runChild(['--create-store', store]);
  const out = await runChild(['--scanner', '--store', store, ...args]);
  rmSync(store, { recursive: true, force: true });
  return JSON.parse(out.trim().split('\n').pop() ?? '') as ScannerResult;
}

async function curlLoop(env: Record<string, string>, count: number, dir: string): Promise<{ ms: number; ids: number }> {
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
  const script = join(dir, 'curl-loop.sh');
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

async function orchestrate(): Promise<void> {
  const lines: string[] = [];
  const print = (line = ''): void => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'ward-bench-scan-'));
  const loadBefore = loadavg().map((n) => n.toFixed(1)).join(' ');
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  print(`ward live scan benchmark (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, ${cpu})`);
  print(`load average at the start: ${loadBefore} (the cores are shared: other work on the machine slows the figures down)`);
  print();
  try {
    const ideal = (SUBSCRIPTIONS * LATENCY_MS) / CONCURRENCY;
    // 1. speed, emulator in a child process (the headline) and in-process (for comparison)
    const emulator = await startEmulatorChild(SUBSCRIPTIONS, LATENCY_MS, dir);
    let child: ScannerResult;
    let curl: { ms: number; ids: number };
    try {
      child = await runScanner(['--env-file', emulator.envFile, '--runs', String(TIMED_RUNS), '--concurrency', String(CONCURRENCY)], dir);
      curl = await curlLoop(emulator.env, CURL_SAMPLE, dir);
    } finally {
      await emulator.stop();
    }
    const inProcess = await runScanner(['--in-process', String(SUBSCRIPTIONS), '--latency', String(LATENCY_MS), '--runs', String(TIMED_RUNS), '--concurrency', String(CONCURRENCY)], dir);

    const report = (label: string, r: ScannerResult): void => {
      const wall = median(r.runsMs);
      const requests = r.contactsRequests + Math.ceil(r.subscriptions / 100);
      print(`${label}`);
      print(`  wall time (median of ${r.runsMs.length}): ${(wall / 1000).toFixed(2)} s  [runs: ${r.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s]`);
      print(`    first scan of the process (warm-up, not timed above): ${(r.warmUpMs / 1000).toFixed(2)} s`);
      print(`    the median run: collect ${(r.phasesMs.collect / 1000).toFixed(2)} s, normalise ${(r.phasesMs.normalise / 1000).toFixed(3)} s, store + evaluate ${(r.phasesMs.scan / 1000).toFixed(2)} s`);
      print(`  ideal N·L/C = ${SUBSCRIPTIONS}·${LATENCY_MS} ms/${CONCURRENCY} = ${(ideal / 1000).toFixed(2)} s;  ratio ${(wall / ideal).toFixed(2)} (target <= 1.5)`);
      print(`  requests: ${requests} (${Math.ceil(r.subscriptions / 100)} subscription pages + ${r.contactsRequests} security-contact lists) = ${Math.round(requests / (wall / 1000))} requests/s`);
      print(`  peak RSS of the scanning process: ${r.maxRssMb.toFixed(0)} MB (target < 300 MB); of which ${r.storeOpenRssMb.toFixed(0)} MB before collecting anything (node, modules, PGlite open)`);
      print(`  findings: ${r.findings} (${r.errors} error: the synthetic tenant's AuthorizationFailed subscriptions)`);
    };
    print(`1. ward scan, live, ${SUBSCRIPTIONS} subscriptions, ${LATENCY_MS} ms per ARM answer, concurrency ${CONCURRENCY}, warm on-disk PGlite store`);
    report('emulator in a child process (headline: its CPU is off the scanner\'s event loop):', child);
    report('emulator in the scanning process (for comparison; its peak RSS includes the emulator):', inProcess);
    print();

    const wardWall = median(child.runsMs);
    const curlPerSubscription = curl.ms / curl.ids;
    const curlExtrapolated = curlPerSubscription * SUBSCRIPTIONS;
    print(`2. by hand: one curl per subscription in a shell loop, token fetched once`);
    print(`  ${curl.ids} subscriptions in ${(curl.ms / 1000).toFixed(2)} s = ${curlPerSubscription.toFixed(1)} ms each; extrapolated to ${SUBSCRIPTIONS}: ${(curlExtrapolated / 1000).toFixed(1)} s`);
    print(`  ward (collect + normalise + evaluate + store): ${(wardWall / 1000).toFixed(2)} s = ${(curlExtrapolated / wardWall).toFixed(1)}x faster (target >= 30x)`);
    print();

    // 3. memory against N
    print(`3. memory against N (${MEMORY_LATENCY_MS} ms per ARM answer, concurrency ${CONCURRENCY}, emulator in a child process, one scanning process per size)`);
    print('  subscriptions | peak RSS | at store open | after collecting | growth | inventory heap | capture heap* | capture JSON | inventory JSON | growth - inventory | V8 heap total | external (PGlite WASM) | collect | store + evaluate');
    for (const size of MEMORY_SIZES) {
      const memoryEmulator = await startEmulatorChild(size, MEMORY_LATENCY_MS, dir);
      let r: ScannerResult;
      try {
        r = await runScanner(['--env-file', memoryEmulator.envFile, '--runs', '1', '--concurrency', String(CONCURRENCY)], dir);
      } finally {
        await memoryEmulator.stop();
      }
      const growth = r.maxRssMb - r.storeOpenRssMb;
      const cell = (value: number, width: number, digits = 0): string => `${value.toFixed(digits).padStart(width)} MB`;
      print(
        `  ${String(size).padStart(13)} | ${cell(r.maxRssMb, 5)} | ${cell(r.storeOpenRssMb, 10)} | ${cell(r.collectedRssMb, 13)} | ${cell(growth, 3)} | ${cell(r.inventoryHeapMb, 11, 1)} | ${cell(r.captureHeapMb, 10, 1)} | ` +
          `${cell(r.captureJsonMb, 9, 1)} | ${cell(r.inventoryJsonMb, 11, 1)} | ${cell(growth - r.inventoryHeapMb - r.captureHeapMb, 15)} | ${cell(r.heapTotalMb, 10)} | ${cell(r.externalMb, 19)} | ` +
          `${(r.phasesMs.collect / 1000).toFixed(2).padStart(5)} s | ${(r.phasesMs.scan / 1000).toFixed(2).padStart(5)} s`,
      );
    }
    print('  heap: heapUsed after a full GC with the object alive minus once it is released. *capture: what the capture holds');
    print('  beyond the inventory (the inventory keeps each contact\'s raw body, so most of the capture lives on in it).');
    print();
    print(`load average at the end: ${loadavg().map((n) => n.toFixed(1)).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(RESULTS, `${lines.join('\n')}\n`);
  process.stdout.write(`\nwritten to ${RESULTS}\n`);
}

await orchestrate();
