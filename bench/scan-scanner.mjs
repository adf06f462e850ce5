// The scanner child of `npm run bench:scan` (bench/scan.bench.ts starts it): one process, one store, one warm-up
// scan (with heap measurements), then timed scans, over the built product (dist/), as `ward scan` runs it.
// Plain JavaScript on purpose: it runs with plain node, so its peak RSS is ward's own and not a TypeScript loader's.
//   node --expose-gc bench/scan-scanner.mjs --create-store DIR
//   node --expose-gc bench/scan-scanner.mjs --scanner --store DIR (--env-file F | --in-process N --latency MS) --runs R --concurrency C
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const DIST = new URL('../dist/', import.meta.url);
const load = (path) => import(new URL(path, DIST).href);
const mb = (bytes) => bytes / 1024 / 1024;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;


async function createStore(dir) {
  const { openStore } = await load('store/open-store.js');
  await (await openStore({ location: dir })).close();
}

async function scanner(args) {
  const { collectCapture } = await load('connectors/azure/collect-capture.js');
  const { normaliseCapture } = await load('core/inventory/normalise-capture.js');
  const { runScan } = await load('scan/run-scan.js');
  const { loadControls } = await load('scan/load-controls.js');
  const { BUILTIN_CONTROLS_DIR } = await load('core/package-paths.js');
  const { openStore } = await load('store/open-store.js');
  const { parseEnvFile } = await load('emulator/env-file.js');

  const gc = globalThis.gc ?? (() => undefined);
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const runs = Number(args.get('runs') ?? '1');
  const concurrency = Number(args.get('concurrency') ?? '50');
  let env;
  let closeEmulator = async () => undefined;
  if (args.has('in-process')) {
    const { startEmulator } = await load('emulator/start-emulator.js');
    const emulator = await startEmulator({ synthetic: Number(args.get('in-process')), latencyMs: Number(args.get('latency') ?? '0') });
    env = { ...emulator.environment };
    closeEmulator = () => emulator.close();
  } else {
    env = parseEnvFile(readFileSync(args.get('env-file') ?? '', 'utf8'));
  }
  const ca = readFileSync(env.NODE_EXTRA_CA_CERTS ?? '', 'utf8');
  const controls = loadControls(BUILTIN_CONTROLS_DIR);
  // an existing store, created by another process (as a first `ward scan` would have): creating one costs
  // seconds and hundreds of MB once, which is not what a scan costs
  const store = await openStore({ location: args.get('store') ?? '' });
  const storeOpenRssMb = process.resourceUsage().maxRSS / 1024;
  const collect = () => collectCapture({ env, ca, concurrency });
  const now = () => new Date();
  try {
    // warm-up: the store's first load, TLS contexts, JIT; and what the capture and the inventory hold on the heap
    // (heap with the object alive minus heap once it is released, each after a full GC)
    const warmUpStart = performance.now();
    let capture = await collect();
    const captureJson =
      JSON.stringify(capture.subscriptions.body).length + [...capture.securityContacts.values()].reduce((sum, c) => sum + JSON.stringify(c.body).length, 0);
    const contactsRequests = capture.securityContacts.size;
    let inventory = normaliseCapture(capture, { invalidBodies: 'error' });
    const withBoth = heap();
    const collectedRssMb = process.resourceUsage().maxRSS / 1024;
    capture = undefined;
    const withInventory = heap();
    const inventoryJson = JSON.stringify(inventory).length;
    const subscriptions = inventory.connectors.length;
    await runScan({ store, controls, inventory, source: 'bench:warm-up', now });
    const warmUpMs = performance.now() - warmUpStart; // includes the GCs and JSON sizing above: an upper bound
    inventory = undefined;
    const withNeither = heap();

    const runsMs = [];
    const phases = [];
    let findings = 0;
    let errors = 0;
    for (let run = 0; run < runs; run += 1) {
      const t0 = performance.now();
      const live = await collect();
      const t1 = performance.now();
      const normalised = normaliseCapture(live, { invalidBodies: 'error' });
      const t2 = performance.now();
      const result = await runScan({ store, controls, inventory: normalised, source: 'bench', now });
      const t3 = performance.now();
      runsMs.push(t3 - t0);
      phases.push({ collect: t1 - t0, normalise: t2 - t1, scan: t3 - t2 });
      findings = result.findings.length;
      errors = result.findings.filter((f) => f.status === 'error').length;
    }
    const phasesMs = phases[runsMs.indexOf(median(runsMs))] ?? { collect: 0, normalise: 0, scan: 0 };
    process.stdout.write(
      `${JSON.stringify({
        subscriptions,
        contactsRequests,
        runsMs,
        warmUpMs,
        phasesMs,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
        storeOpenRssMb,
        collectedRssMb,
        heapTotalMb: mb(process.memoryUsage().heapTotal),
        externalMb: mb(process.memoryUsage().external),
        captureHeapMb: mb(withBoth - withInventory),
        inventoryHeapMb: mb(withInventory - withNeither),
        captureJsonMb: mb(captureJson),
        inventoryJsonMb: mb(inventoryJson),
        findings,
        errors,
      })}\n`,
    );
  } finally {
    await store.close();
    await closeEmulator();
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--create-store') {
  await createStore(argv[1] ?? '');
} else if (argv[0] === '--scanner') {
  const args = new Map();
  for (let index = 1; index < argv.length; index += 2) args.set((argv[index] ?? '').replace(/^--/, ''), argv[index + 1] ?? '');
  await scanner(args);
} else {
  throw new Error('usage: scan-scanner.mjs --create-store DIR | --scanner --store DIR ...');
}
