/**
 * A ServerContext for tests of the server's API and pages: a fresh store (PGlite by default, or any of
 * TEST_STORE_KINDS) holding two complete scans of samples/contoso-tenant (the second after one subscription's
 * contact changed, so drift, history and the trend have something to show) and one exception; the shipped controls.
 */
import { fileURLToPath } from 'node:url';
import { readCaptureDir } from '../../connectors/azure/read-capture-dir.js';
import { normaliseCapture } from '../../core/inventory/normalise-capture.js';
import type { Capture } from '../../core/inventory/capture.js';
import type { Control, Inventory } from '../../core/model.js';
import { BUILTIN_CONTROLS_DIR } from '../../core/package-paths.js';
import { addException } from '../../scan/exception-changes.js';
import { loadControls } from '../../scan/load-controls.js';
import { runScan } from '../../scan/run-scan.js';
import type { Store } from '../../store/sql-client.js';
import { openMemoryStore } from '../../store/test-support/test-store.js';
import { currentFindingsCache } from '../current-findings-cache.js';
import { scanDiffCache } from '../scan-diff-cache.js';
import type { ScanJob, ScanRunner, ServerContext } from '../server-context.js';

export const SAMPLE_TENANT_DIR = fileURLToPath(new URL('../../../samples/contoso-tenant/', import.meta.url));

/** The fixture's clock: every scan and page is judged as of this time unless a test moves it. */
export const FIXTURE_NOW = new Date('2026-11-20T09:00:00Z');

/** A runner that records what it is asked and never scans: tests of the real runner use scan-runner.ts itself. */
export function recordingScanRunner(): ScanRunner & { readonly started: { offline?: string; actor: string }[] } {
  const started: { offline?: string; actor: string }[] = [];
  const jobs: ScanJob[] = [];
  return {
    started,
    start(request, actor) {
      started.push({ ...request, actor });
      const job: ScanJob = {
        id: `job-${jobs.length + 1}`,
        state: 'running',
        phase: 'collecting',
        source: request.offline ? `offline:${request.offline}` : 'live',
        startedBy: actor,
        startedAt: FIXTURE_NOW.toISOString(),
        finishedAt: null,
        scanId: null,
        subscriptions: null,
        error: null,
      };
      jobs.unshift(job);
      return job;
    },
    get: (id) => jobs.find((job) => job.id === id),
    list: () => jobs,
    idle: async () => undefined,
  };
}

export interface FixtureOptions {
  /** Open the store (default: an in-memory PGlite). */
  readonly open?: () => Promise<Store>;
  /** Change the capture before the scans (hostile names, many subscriptions). */
  readonly capture?: (capture: Capture) => Capture;
  /** Only one scan, no exception. */
  readonly single?: boolean;
  readonly readOnly?: boolean;
  readonly now?: () => Date;
}

export interface ServerFixture {
  readonly context: ServerContext;
  readonly controls: readonly Control[];
  readonly inventory: Inventory;
  readonly scans: ReturnType<typeof recordingScanRunner>;
  close(): Promise<void>;
}

export async function serverFixture(options: FixtureOptions = {}): Promise<ServerFixture> {
  const store = await (options.open ?? openMemoryStore)();
  const controls = loadControls(BUILTIN_CONTROLS_DIR);
  const capture = (options.capture ?? ((c) => c))(readCaptureDir(SAMPLE_TENANT_DIR));
  const inventory = normaliseCapture(capture);
  const source = `offline:${SAMPLE_TENANT_DIR}`;
  await runScan({ store, controls, inventory, source, now: () => new Date('2026-11-18T06:00:00Z') });
  if (!options.single) {
    // the second scan: the first subscription's contacts are gone, so something changed between the two
    const first = inventory.connectors[0]!;
    const changed: Inventory = { ...inventory, securityContacts: inventory.securityContacts.filter((c) => c.connectorId !== first.id) };
    const second = await runScan({ store, controls, inventory: changed, source, now: () => new Date('2026-11-19T06:00:00Z') });
    // an exception on a failing finding of a subscription with contacts, so pages and the API have an `excepted` one to show
    const failing = second.findings.find((f) => f.status === 'fail' && changed.securityContacts.some((c) => c.connectorId === f.assetId))!;
    await addException(
      store,
      { controlId: failing.controlId, assetId: failing.assetId, owner: 'alice@contoso.com', expires: '2026-12-31', reason: 'accepted until the tenant migration ends' },
      { now: FIXTURE_NOW, maxDays: 365, knownControls: controls.map((c) => c.id) },
      { actor: 'fixture', source: 'test' },
    );
  }
  const now = options.now ?? (() => FIXTURE_NOW);
  const scans = recordingScanRunner();
  const context: ServerContext = {
    store,
    storeLocation: 'memory',
    controls,
    readOnly: options.readOnly ?? false,
    now,
    exceptionMaxDays: 365,
    scans,
    findings: currentFindingsCache(store, now),
    drift: scanDiffCache(store),
  };
  return { context, controls, inventory, scans, close: () => store.close() };
}
