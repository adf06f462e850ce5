/**
 * The scans `ward serve` runs on request (the API's startScan): one at a time, in the background, with the same
 * steps as `ward scan` (read or collect, normalise, refuse an empty inventory, runScan). A job's progress is kept
 * in memory for the server's lifetime; the scan itself (and its failure, once it reached the store) is in the store.
 */
import { resolve } from 'node:path';
import { readCaptureDir } from '../connectors/azure/read-capture-dir.js';
import { isWardError, WardError } from '../core/errors.js';
import { normaliseCapture } from '../core/inventory/normalise-capture.js';
import type { Control, Inventory } from '../core/model.js';
import { refuseEmptyInventory, runScan } from '../scan/run-scan.js';
import type { Store } from '../store/sql-client.js';
import type { ScanJob, ScanRequest, ScanRunner } from './server-context.js';

export interface ScanRunnerOptions {
  readonly store: Store;
  readonly controls: readonly Control[];
  readonly now: () => Date;
  /** Collects the tenant with the server's own credentials; absent when ward serve has none (live scans are refused). */
  readonly collectLive?: (signal: AbortSignal) => Promise<{ readonly inventory: Inventory; readonly source: string }>;
}

/** One line for a job's `error`: ward's own message, never a stack; an unexpected error by its name only, since its text may carry anything (an ARM body, a header). */
function failureLine(error: unknown): string {
  if (isWardError(error)) return error.message.split('\n')[0]!;
  const name = error instanceof Error ? error.name : typeof error;
  return `the scan failed unexpectedly (${name})`;
}

export function createScanRunner(options: ScanRunnerOptions): ScanRunner {
  const jobs: ScanJob[] = [];
  let running: Promise<void> | undefined;

  const update = (id: string, change: Partial<ScanJob>): void => {
    const index = jobs.findIndex((job) => job.id === id);
    if (index >= 0) jobs[index] = { ...jobs[index]!, ...change };
  };

  const read = async (request: ScanRequest, signal: AbortSignal): Promise<{ inventory: Inventory; source: string }> => {
    if (request.offline !== undefined) {
      const directory = resolve(request.offline);
      return { inventory: normaliseCapture(readCaptureDir(directory)), source: `offline:${directory}` };
    }
    return options.collectLive!(signal);
  };

  const run = async (id: string, request: ScanRequest): Promise<void> => {
    const controller = new AbortController();
    try {
      const { inventory, source } = await read(request, controller.signal);
      update(id, { phase: 'evaluating', source, subscriptions: inventory.connectors.length });
      refuseEmptyInventory(inventory, source);
      const result = await runScan({ store: options.store, controls: options.controls, inventory, source, now: options.now, signal: controller.signal });
      update(id, { state: 'complete', phase: 'stored', scanId: result.scanId, finishedAt: options.now().toISOString() });
    } catch (error) {
      update(id, { state: 'failed', phase: 'failed', error: failureLine(error), finishedAt: options.now().toISOString() });
    }
  };

  return {
    start(request, actor) {
      if (request.offline !== undefined && request.offline.trim() === '') {
        throw new WardError('USAGE', 'offline needs a capture directory', { hint: 'give the path of a directory written by ward capture, on the server machine' });
      }
      if (request.offline === undefined && !options.collectLive) {
        throw new WardError('USAGE', 'this server has no Azure credentials, so it cannot scan live', {
          hint: 'start ward serve with Azure credentials in its environment (as ward scan needs them), or scan a capture directory with offline',
        });
      }
      if (running) {
        const current = jobs.find((job) => job.state === 'running');
        throw new WardError('SCAN_BUSY', `a scan is already running${current ? ` (${current.id}, started by ${current.startedBy})` : ''}`, {
          hint: 'wait for it to finish (scanJob shows its progress), then start another',
        });
      }
      const job: ScanJob = {
        id: `job-${jobs.length + 1}`,
        state: 'running',
        phase: 'collecting',
        source: request.offline === undefined ? 'live' : `offline:${resolve(request.offline)}`,
        startedBy: actor,
        startedAt: options.now().toISOString(),
        finishedAt: null,
        scanId: null,
        subscriptions: null,
        error: null,
      };
      jobs.unshift(job);
      running = run(job.id, request).finally(() => {
        running = undefined;
      });
      return job;
    },
    get: (id) => jobs.find((job) => job.id === id),
    list: () => [...jobs],
    idle: async () => {
      await running;
    },
  };
}
