/**
 * `ward scan --queue`: the scan is queued for the workers (src/team), waited for, and reported exactly as a local
 * scan is (the same reporters, exit codes and --fail-on). `--no-wait` prints the scan id and returns.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WardError } from '../../core/errors.js';
import type { Control } from '../../core/model.js';
import { READS_ASSETS, REPORTERS, type ReportFormat } from '../../reporters/index.js';
import { WARD_VERSION, type ScanReport } from '../../reporters/scan-report.js';
import { listExceptions } from '../../store/exception-repository.js';
import { listInventoryAssets } from '../../store/inventory-repository.js';
import { readTrend } from '../../store/report-history-repository.js';
import { findingsOfScan } from '../../store/finding-state-repository.js';
import type { Store } from '../../store/sql-client.js';
import { enqueueScan, queuedScanProgress, type QueuedScanProgress } from '../../team/queued-scan.js';
import { installJobQueue, requireTeamStore } from '../../team/team-jobs.js';
import { positiveInteger } from '../azure-options.js';
import { usageError, type CliContext } from '../cli-context.js';
import { emit, exitCodeFor, reportOptionsFor, storeLocation, withStore, type FailOn } from '../command-options.js';
import { parameterOverrides } from '../control-options.js';

/** The options of `ward scan` a queued scan reads (ScanFlags in scan-actions.ts extends them). */
export interface QueuedScanFlags {
  readonly offline?: string | undefined;
  readonly subscription?: string[] | undefined;
  readonly managementGroup?: string | undefined;
  readonly control?: string[] | undefined;
  readonly connector?: string[] | undefined;
  readonly db?: string | undefined;
  readonly output?: string | undefined;
  readonly all?: boolean | undefined;
  readonly config?: string | undefined;
  readonly param?: string[] | undefined;
  readonly wait?: boolean | undefined;
  readonly batchSize?: string | undefined;
}

const POLL_MS = 500;

function progressLine(progress: QueuedScanProgress): string {
  const planned = progress.connectors.filter((c) => c.status !== 'pending').length;
  return `scan ${progress.scan.id}: ${planned}/${progress.connectors.length} connectors listed, ${progress.batches.stored + progress.batches.failed}/${progress.batches.total} batches stored`;
}

/** Waits until the scan is no longer queued, writing progress on stderr when it changes. */
async function waitForScan(context: CliContext, store: Store, scanId: number): Promise<QueuedScanProgress> {
  let last = '';
  let warned = false;
  for (;;) {
    const progress = await queuedScanProgress(store, scanId);
    if (!progress) throw new WardError('NOT_FOUND', `scan ${scanId} is no longer in the store`);
    if (progress.scan.status !== 'queued') return progress;
    const line = progressLine(progress);
    if (line !== last) {
      context.io.stderr.write(`${line}\n`);
      last = line;
    }
    if (!warned) {
      const { rows } = await store.query<{ n: number }>('SELECT count(*)::integer AS n FROM worker_processes');
      if (Number(rows[0]?.n) === 0) context.io.stderr.write(`ward: no ward worker is running on this store yet; scan ${scanId} waits for one (ward worker --db …)\n`);
      warned = true;
    }
    await sleep(POLL_MS);
  }
}

export async function runQueuedScan(context: CliContext, options: QueuedScanFlags, controls: readonly Control[], format: ReportFormat, failOn: FailOn): Promise<void> {
  if (options.offline !== undefined) throw usageError('--queue and --offline cannot be combined', 'a queued scan reads through the configured connectors (ward connectors list)');
  if (options.subscription !== undefined || options.managementGroup !== undefined) {
    throw usageError('--queue scans what the connectors configure; --subscription and --management-group do not apply', 'narrow a connector with ward connectors add … --subscription / --management-group');
  }
  const batchSize = positiveInteger('--batch-size', options.batchSize, 50);
  await withStore(context, options.db, async (store) => {
    requireTeamStore(store, 'ward scan --queue');
    await installJobQueue(storeLocation(context, options.db));
    const queued = await enqueueScan(store, {
      ...(options.connector ? { connectors: options.connector } : {}),
      controlIds: options.control ? controls.map((c) => c.id) : null,
      parameters: parameterOverrides(context, options),
      batchSize,
      now: context.io.now,
    });
    context.io.stderr.write(
      queued.reused
        ? `ward: scan ${queued.scanId} of ${queued.connectors.join(', ')} was already queued; following it\n`
        : `ward: queued scan ${queued.scanId} of ${queued.connectors.join(', ')}\n`,
    );
    if (options.wait === false) {
      context.io.stdout.write(`${queued.scanId}\n`);
      return;
    }
    const done = await waitForScan(context, store, queued.scanId);
    if (done.scan.status !== 'complete') {
      throw new WardError('STORE_ERROR', `scan ${done.scan.id} ${done.scan.status}: ${done.scan.error ?? 'no reason recorded'}`, { hint: 'ward scans lists it; the previous complete scan is still the current state' });
    }
    for (const connector of done.connectors.filter((c) => c.status === 'failed')) context.io.stderr.write(`ward: ${connector.error}\n`);
    const findings = await findingsOfScan(store, done.scan.id);
    const report: ScanReport = {
      tool: { name: 'ward', version: WARD_VERSION },
      scan: { id: done.scan.id, source: done.scan.source, startedAt: done.scan.startedAt.toISOString(), finishedAt: (done.scan.finishedAt ?? done.scan.startedAt).toISOString() },
      controls,
      findings,
      asOf: done.scan.startedAt.toISOString(),
      trend: await readTrend(store, { upToScanId: done.scan.id }),
      exceptions: await listExceptions(store),
      ...(READS_ASSETS[format] ? { assets: await listInventoryAssets(store) } : {}),
    };
    emit(context, REPORTERS[format](report, reportOptionsFor(context, options)), options.output);
    context.exitCode = exitCodeFor(findings.map((f) => f.status), failOn);
  });
}
