/** What `ward scan` does; scan.ts registers the command and loads this module when it runs. */
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import type { AzureCloudName } from '../../connectors/azure/azure-clouds.js';
import type { Capture } from '../../core/inventory/capture.js';
import type { Control, Finding, Inventory } from '../../core/model.js';
import type { OnScanPhase } from '../../core/scan-phases.js';
import type { ReportFormat } from '../../reporters/index.js';
import type { ScanReport } from '../../reporters/scan-report.js';
import type { Store } from '../../store/sql-client.js';
import { FAIL_ON, defaultFormatFor, emit, exitCodeFor, openCliStore, parseFormat, reportOptionsFor, storeExists, withStore, type FailOn } from '../command-options.js';
import { selectControls } from '../select-controls.js';
import { REPORTERS } from '../../reporters/index.js';
import { WARD_VERSION } from '../../reporters/scan-report.js';
import { refuseEmptyInventory, runScan } from '../../scan/run-scan.js';
import { listExceptions } from '../../store/exception-repository.js';
import { readTrend } from '../../store/report-history-repository.js';
import { collectFromAzure, type AzureFlags } from '../azure-options.js';
import { usageError, type CliContext } from '../cli-context.js';
import { interruptible } from '../interruptible.js';
import { keepUnsavedCapture } from '../keep-unsaved-capture.js';
import { REPORT_FORMATS } from '../registry-names.js';
import { scanTimingsRecorder } from '../scan-timings.js';
import { recordNotifications, sendNotifications } from './scan-notifications.js';
import type { QueuedScanFlags } from './queued-scan-actions.js';

/** The options of `ward scan` (see scan.ts), the Azure flags and those of a queued scan included. */
export interface ScanFlags extends AzureFlags, QueuedScanFlags {
  readonly controls?: string | undefined;
  readonly format?: string | undefined;
  readonly failOn?: string | undefined;
  readonly allowEmpty?: boolean | undefined;
  readonly queue?: boolean | undefined;
  readonly timings?: string | boolean | undefined;
}

/**
 * The inventory to scan: a capture directory (`--offline`), or a live collection. Both go through the same
 * normalisation; live answers of a shape Azure should never send become read errors on that subscription
 * (the others go on), while a malformed capture file stops the run (exit 2) so it can be fixed.
 */
async function readInventory(
  context: CliContext,
  offline: string | undefined,
  flags: AzureFlags,
  how: { readonly signal: AbortSignal; readonly onPhase: OnScanPhase },
): Promise<{ inventory: Inventory; source: string; capture?: Capture }> {
  if (offline !== undefined) {
    const [{ normaliseCapture }, { readCaptureDir }] = await Promise.all([
      import('../../core/inventory/normalise-capture.js'),
      import('../../connectors/azure/read-capture-dir.js'),
    ]);
    const directory = resolve(context.io.cwd, offline);
    const capture = readCaptureDir(directory, context.io.cwd);
    how.onPhase('collected');
    return { inventory: normaliseCapture(capture), source: `offline:${directory}` };
  }
  const { resolveAzureEndpoints } = await import('../../connectors/azure/azure-clouds.js');
  const endpoints = resolveAzureEndpoints({ env: context.io.env, ...(flags.cloud ? { cloud: flags.cloud as AzureCloudName } : {}) });
  const capture = await collectFromAzure(context, flags, { signal: how.signal, onPhase: how.onPhase });
  const { normaliseCapture } = await import('../../core/inventory/normalise-capture.js');
  return { inventory: normaliseCapture(capture, { invalidBodies: 'error' }), source: `live:${endpoints.armEndpoint}`, capture };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Settles `promise` without an unhandled rejection; the outcome is read later. */
function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/**
 * `ward scan`: collect (or read a capture), evaluate every control, store the scan atomically and report it.
 *
 * What costs time overlaps: the collection starts first, and while its requests wait on the network the store opens
 * (PGlite's start is seconds of a cold process otherwise paid after the last answer) and the controls load. A scan
 * that cannot be stored (the store is busy past --lock-timeout, unreachable) still keeps its collection on disk.
 */
export async function runScanCommand(context: CliContext, options: ScanFlags): Promise<void> {
  const timings = scanTimingsRecorder(context.io, options.timings);
  const mark: OnScanPhase = timings?.mark ?? (() => undefined);
  mark('cli-ready');
  const format = parseFormat<ReportFormat>(options.format, REPORT_FORMATS, defaultFormatFor(context, options.output));
  const failOn = parseFormat<FailOn>(options.failOn, FAIL_ON, 'fail', '--fail-on');
  if (options.queue) {
    const controls = selectControls(context, options.controls, options.control, options);
    return (await import('./queued-scan-actions.js')).runQueuedScan(context, options, controls, format, failOn);
  }
  if (options.connector !== undefined || options.wait === false) throw usageError('--connector and --no-wait go with --queue', 'ward scan --queue --connector NAME');
  // a scan narrowed to some subscriptions replaces only their inventory, and drift leaves the others alone
  const scoped = options.offline === undefined && (options.subscription !== undefined || options.managementGroup !== undefined);
  let counts = { subscriptions: 0, findings: 0 };
  try {
    // Ctrl-C / SIGTERM from here on stops the collection, or records the scan as interrupted (interruptible.ts)
    const { report, findings, deliveries } = await interruptible(context.io, (signal) => collectAndStore(context, options, { signal, mark, scoped }));
    counts = { subscriptions: report.assets?.length ?? 0, findings: findings.length };
    emit(context, REPORTERS[format](report, reportOptionsFor(context, options)), options.output);
    mark('reported');
    context.exitCode = exitCodeFor(findings.map((f) => f.status), failOn);
    // after the report: a notification never holds the scan or its report back
    if (deliveries.length > 0) await withStore(context, options.db, (store) => sendNotifications(context, store, deliveries));
  } finally {
    timings?.finish(counts);
  }
}

async function collectAndStore(
  context: CliContext,
  options: ScanFlags,
  how: { readonly signal: AbortSignal; readonly mark: OnScanPhase; readonly scoped: boolean },
): Promise<{ report: ScanReport; findings: readonly Finding[]; deliveries: Awaited<ReturnType<typeof recordNotifications>> }> {
  const { mark, scoped } = how;
  // the collection stops when the controls cannot be loaded, and on Ctrl-C
  const stop = new AbortController();
  const signal = AbortSignal.any([how.signal, stop.signal]);
  setMaxListeners(0, signal); // every request in flight listens to it: --concurrency of them
  let requested: () => void = () => undefined;
  const firstRequest = new Promise<void>((resolve) => (requested = resolve));
  const reading = settled(
    readInventory(context, options.offline, options, {
      signal,
      onPhase: (phase) => {
        mark(phase);
        if (phase === 'first-request') requested();
      },
    }),
  );
  // An existing store opens while the collection runs (its wait for a busy store's lock included). A new one is
  // created only once there is a scan to store: a refused scan (bad parameters, an empty tenant) leaves no store.
  const storeStop = new AbortController();
  const startOpening = (): Promise<Settled<Store>> =>
    settled(openCliStore(context, options.db, { signal: AbortSignal.any([how.signal, storeStop.signal]) }).then((store) => (mark('store-open'), store)));
  let opening = storeExists(context, options.db) ? startOpening() : undefined;
  let closed = false;
  const closeStore = async (): Promise<void> => {
    storeStop.abort(); // a wait for a busy store's lock ends here: nothing will be stored
    if (opening === undefined) return;
    const store = await opening;
    if (closed || !store.ok) return;
    closed = true;
    await store.value.close();
  };
  let controls: Control[];
  try {
    // loading the controls is CPU work: done once the first request is on its way, it overlaps the wait for the answer
    await Promise.race([firstRequest, reading]);
    controls = selectControls(context, options.controls, options.control, options);
    mark('controls-loaded');
  } catch (error) {
    stop.abort(error);
    await reading;
    await closeStore();
    throw error;
  }
  const read = await reading;
  if (!read.ok) {
    await closeStore();
    // Ctrl-C during the collection: the process exits as interrupted, nothing was stored
    throw how.signal.aborted ? how.signal.reason : read.error;
  }
  const { inventory, source, capture } = read.value;
  try {
    // a scan that found nothing changes nothing
    refuseEmptyInventory(inventory, source, options.allowEmpty === true);
  } catch (error) {
    await closeStore();
    throw error;
  }
  let stored = false;
  try {
    opening ??= startOpening();
    const store = await opening;
    if (!store.ok) throw store.error;
    try {
      const scope = scoped ? { scope: inventory.connectors.map((c) => c.id) } : {};
      // a scan narrowed with --control judges only those controls: the others' findings are not resolved by it
      const controlScope = options.control ? { controlScope: controls.map((c) => c.id) } : {};
      const result = await runScan({ store: store.value, controls, inventory, source, now: context.io.now, allowEmpty: options.allowEmpty === true, signal: how.signal, onPhase: mark, ...scope, ...controlScope });
      stored = true;
      const deliveries = await recordNotifications(context, store.value, result.scanId);
      const trend = await readTrend(store.value, { upToScanId: result.scanId });
      const exceptions = await listExceptions(store.value);
      const report: ScanReport = {
        tool: { name: 'ward', version: WARD_VERSION },
        scan: { id: result.scanId, source, startedAt: result.startedAt.toISOString(), finishedAt: result.finishedAt.toISOString() },
        controls,
        findings: result.findings,
        asOf: result.startedAt.toISOString(),
        trend,
        exceptions,
        assets: inventory.connectors.map((c) => ({ id: c.id, name: c.name, tags: c.tags, tenantId: c.tenantId })),
      };
      return { report, findings: result.findings, deliveries };
    } finally {
      await closeStore();
    }
  } catch (error) {
    await closeStore().catch(() => undefined);
    // a live collection is never thrown away: a scan that could not be stored keeps it on disk
    throw stored || capture === undefined ? error : await keepUnsavedCapture(context, capture, error, scoped);
  }
}
