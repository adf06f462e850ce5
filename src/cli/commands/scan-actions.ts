/** What `ward scan` does; scan.ts registers the command and loads this module when it runs. */
import { resolve } from 'node:path';
import type { AzureCloudName } from '../../connectors/azure/azure-clouds.js';
import type { Capture } from '../../core/inventory/capture.js';
import type { Inventory } from '../../core/model.js';
import type { ReportFormat } from '../../reporters/index.js';
import type { ScanReport } from '../../reporters/scan-report.js';
import { FAIL_ON, defaultFormatFor, emit, exitCodeFor, parseFormat, reportOptionsFor, selectControls, withStore, type FailOn } from '../command-options.js';
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
import { recordNotifications, sendNotifications } from './scan-notifications.js';
import type { QueuedScanFlags } from './queued-scan-actions.js';

/** The options of `ward scan` (see scan.ts), the Azure flags and those of a queued scan included. */
export interface ScanFlags extends AzureFlags, QueuedScanFlags {
  readonly controls?: string | undefined;
  readonly format?: string | undefined;
  readonly failOn?: string | undefined;
  readonly allowEmpty?: boolean | undefined;
  readonly queue?: boolean | undefined;
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
): Promise<{ inventory: Inventory; source: string; capture?: Capture }> {
  const { normaliseCapture } = await import('../../core/inventory/normalise-capture.js');
  if (offline !== undefined) {
    const { readCaptureDir } = await import('../../connectors/azure/read-capture-dir.js');
    const directory = resolve(context.io.cwd, offline);
    return { inventory: normaliseCapture(readCaptureDir(directory, context.io.cwd)), source: `offline:${directory}` };
  }
  const { resolveAzureEndpoints } = await import('../../connectors/azure/azure-clouds.js');
  const endpoints = resolveAzureEndpoints({ env: context.io.env, ...(flags.cloud ? { cloud: flags.cloud as AzureCloudName } : {}) });
  const capture = await collectFromAzure(context, flags);
  return { inventory: normaliseCapture(capture, { invalidBodies: 'error' }), source: `live:${endpoints.armEndpoint}`, capture };
}

/** `ward scan`: collect (or read a capture), evaluate every control, store the scan atomically and report it. */
export async function runScanCommand(context: CliContext, options: ScanFlags): Promise<void> {
  const format = parseFormat<ReportFormat>(options.format, REPORT_FORMATS, defaultFormatFor(context, options.output));
  const failOn = parseFormat<FailOn>(options.failOn, FAIL_ON, 'fail', '--fail-on');
  const controls = selectControls(context, options.controls, options.control, options);
  if (options.queue) return (await import('./queued-scan-actions.js')).runQueuedScan(context, options, controls, format, failOn);
  if (options.connector !== undefined || options.wait === false) throw usageError('--connector and --no-wait go with --queue', 'ward scan --queue --connector NAME');
  const { inventory, source, capture } = await readInventory(context, options.offline, options);
  // before the store is opened: a scan that found nothing changes nothing
  refuseEmptyInventory(inventory, source, options.allowEmpty === true);
  // a scan narrowed to some subscriptions replaces only their inventory, and drift leaves the others alone
  const scoped = options.offline === undefined && (options.subscription !== undefined || options.managementGroup !== undefined);
  let stored = false;
  // Ctrl-C / SIGTERM from here on records the scan as interrupted (interruptible.ts)
  const { result, deliveries, trend, exceptions } = await interruptible(context.io, (signal) =>
    withStore(
      context,
      options.db,
      async (store) => {
        const scope = scoped ? { scope: inventory.connectors.map((c) => c.id) } : {};
        // a scan narrowed with --control judges only those controls: the others' findings are not resolved by it
        const controlScope = options.control ? { controlScope: controls.map((c) => c.id) } : {};
        const result = await runScan({ store, controls, inventory, source, now: context.io.now, allowEmpty: options.allowEmpty === true, signal, ...scope, ...controlScope });
        stored = true;
        const deliveries = await recordNotifications(context, store, result.scanId);
        return { result, deliveries, trend: await readTrend(store, { upToScanId: result.scanId }), exceptions: await listExceptions(store) };
      },
      { signal },
    ),
  ).catch(async (error: unknown) => {
    // a live collection is never thrown away: a scan that could not be stored keeps it on disk
    throw stored || capture === undefined ? error : await keepUnsavedCapture(context, capture, error, scoped);
  });
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
  emit(context, REPORTERS[format](report, reportOptionsFor(context, options)), options.output);
  context.exitCode = exitCodeFor(result.findings.map((f) => f.status), failOn);
  // after the report: a notification never holds the scan or its report back
  if (deliveries.length > 0) await withStore(context, options.db, (store) => sendNotifications(context, store, deliveries));
}
