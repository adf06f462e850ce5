import { applyExceptions } from '../core/engine/apply-exceptions.js';
import { WardError } from '../core/errors.js';
import type { Control, Finding, Inventory } from '../core/model.js';
import type { OnScanPhase } from '../core/scan-phases.js';
import { listExceptions, recordExpiredExceptions } from '../store/exception-repository.js';
import { replaceInventory } from '../store/inventory-repository.js';
import { storeScanFindings, vacuumStateSnapshots } from '../store/finding-state-repository.js';
import { beginScan, completeScan, failScan, holdRunningScan, interruptScan, summariseFindings, type ScanSummary } from '../store/scan-repository.js';
import type { SqlClient, Store } from '../store/sql-client.js';
import { evaluateControls } from './evaluate-controls.js';

export { evaluateControls } from './evaluate-controls.js';

export interface RunScanOptions {
  readonly store: Store;
  readonly controls: readonly Control[];
  readonly inventory: Inventory;
  /** Where the data came from, stored with the scan: `offline:<dir>`, `live:<endpoint>`. */
  readonly source: string;
  readonly now: () => Date;
  /**
   * The connector ids a scoped scan (--subscription, --management-group) covers: only their inventory is
   * replaced, and drift does not count the others as gone. Default: everything.
   */
  readonly scope?: readonly string[];
  /**
   * The control ids a scan narrowed with --control judges: drift does not count the other controls' findings as
   * resolved. Default: every control.
   */
  readonly controlScope?: readonly string[];
  /** Record a scan that found no subscriptions (scripted use). Without it such a scan is refused: an empty tenant is not a pass. */
  readonly allowEmpty?: boolean;
  /**
   * Stops the scan (Ctrl-C, SIGTERM): the store transaction rolls back at its next statement, the scan is recorded
   * as interrupted at once, and runScan rejects with the signal's reason.
   */
  readonly signal?: AbortSignal;
  /** Told when the inventory is written, the checks are evaluated and the scan is stored (`--timings`). */
  readonly onPhase?: OnScanPhase;
}

/**
 * A scan with no subscriptions would store "everything passed" and replace the stored inventory and findings
 * with nothing (drift would then call every old failure resolved). Refused before anything is written.
 */
export function refuseEmptyInventory(inventory: Inventory, source: string, allowEmpty = false): void {
  if (inventory.connectors.length > 0 || allowEmpty) return;
  throw new WardError('NOT_FOUND', `the scan found no subscriptions in ${source}: nothing was judged, and nothing stored was changed`, {
    hint:
      'an empty tenant is not a pass: check the identity can list subscriptions (Reader), the --subscription / --management-group scope, ' +
      'or the capture directory; pass --allow-empty to record an empty scan on purpose',
  });
}

export interface ScanResult {
  readonly scanId: number;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly findings: readonly Finding[];
  readonly summary: ScanSummary;
}

/** A transaction that stops at its next statement once the signal is aborted. */
function stoppable(tx: SqlClient, signal: AbortSignal | undefined): SqlClient {
  if (!signal) return tx;
  return {
    query: async (sql, params) => {
      signal.throwIfAborted();
      return tx.query(sql, params);
    },
    exec: async (sql) => {
      signal.throwIfAborted();
      return tx.exec(sql);
    },
    copyRows: async (table, columns, rows) => {
      signal.throwIfAborted();
      return tx.copyRows(table, columns, rows);
    },
    transaction: (work) => tx.transaction((inner) => work(stoppable(inner, signal))),
  };
}

/**
 * One scan, stored atomically: the inventory, the findings and the scan's completion are written in one
 * transaction. A scan that fails or is stopped midway leaves the previous inventory and findings as they were,
 * and the scan itself is recorded as failed or interrupted (or, if the process died, marked interrupted when
 * the store is next opened).
 */
export async function runScan(options: RunScanOptions): Promise<ScanResult> {
  const { store, controls, inventory, source, now } = options;
  const onPhase = options.onPhase ?? (() => undefined);
  refuseEmptyInventory(inventory, source, options.allowEmpty);
  const startedAt = now();
  const scanId = await beginScan(store, source, startedAt, options.scope ?? null, options.controlScope ?? null);
  try {
    const result = await store.transaction(async (transaction) => {
      await holdRunningScan(transaction, scanId);
      const tx = stoppable(transaction, options.signal);
      await replaceInventory(tx, inventory, { collectedAt: startedAt, scanId, scope: options.scope ?? 'all' });
      onPhase('inventory-written');
      const evaluated = await evaluateControls(tx, controls, inventory);
      onPhase('evaluated');
      // exceptions apply as of the scan's start; lapsed ones are logged once, in the same transaction
      const findings = applyExceptions(evaluated, await listExceptions(tx), startedAt);
      await recordExpiredExceptions(tx, startedAt, { actor: 'ward', source: `scan:${scanId}` });
      // only what changed is written: the findings are folded into the current state (finding-state-repository.ts)
      await storeScanFindings(tx, { id: scanId, scope: options.scope ?? null, controls: options.controlScope ?? null }, findings);
      const finishedAt = now();
      const summary = summariseFindings(findings);
      await completeScan(tx, scanId, finishedAt, summary);
      return { scanId, startedAt, finishedAt, findings, summary };
    });
    await vacuumStateSnapshots(store);
    onPhase('stored');
    return result;
  } catch (error) {
    if (options.signal?.aborted) {
      const reason = options.signal.reason as unknown;
      await interruptScan(store, scanId, now(), reason instanceof Error ? reason.message : 'interrupted').catch(() => undefined);
      throw reason;
    }
    await failScan(store, scanId, now(), (error as Error).message).catch(() => undefined);
    throw error;
  }
}
