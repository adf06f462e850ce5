import { coveredAssets } from '../core/engine/covered-assets.js';
import { applyExceptions } from '../core/engine/apply-exceptions.js';
import { evaluateCheck, type CheckOutcome } from '../core/engine/evaluate-check.js';
import { failureExplainer } from '../core/engine/explain-failure.js';
import { combineCheckFindings } from '../core/engine/combine-check-findings.js';
import type { Control, Finding, Inventory } from '../core/model.js';
import { executeQuery } from '../core/query/execute-query.js';
import { listExceptions, recordExpiredExceptions } from '../store/exception-repository.js';
import { replaceInventory } from '../store/inventory-repository.js';
import { beginScan, completeScan, failScan, insertFindings, summariseFindings, type ScanSummary } from '../store/scan-repository.js';
import type { SqlClient, Store } from '../store/sql-client.js';

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
}

export interface ScanResult {
  readonly scanId: number;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly findings: readonly Finding[];
  readonly summary: ScanSummary;
}

async function runCheckQuery(client: SqlClient, query: string, source: string, rootField: string): Promise<CheckOutcome> {
  try {
    const result = await executeQuery(client, query, { source });
    if (result.errors?.length) return { ok: false, message: result.errors.map((e) => e.message).join('; ') };
    const items = (result.data as Record<string, unknown> | null | undefined)?.[rootField];
    if (!Array.isArray(items)) return { ok: false, message: `the query returned no ${rootField} list` };
    return { ok: true, items };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** Evaluates every control's checks on an inventory that is already in the store: one finding per (control, asset). */
export async function evaluateControls(client: SqlClient, controls: readonly Control[], inventory: Inventory): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const control of controls) {
    const perCheck: Finding[] = [];
    for (const check of control.checks) {
      const outcome = await runCheckQuery(client, check.query, check.file, check.rootField);
      perCheck.push(...evaluateCheck(control, check, coveredAssets(inventory, check.assetType), outcome, failureExplainer(check, inventory)));
    }
    findings.push(...combineCheckFindings(perCheck));
  }
  return findings;
}

/**
 * One scan, stored atomically: the inventory, the findings and the scan's completion are written in one
 * transaction. A scan that fails or is killed midway leaves the previous inventory and findings as they were,
 * and the scan itself is recorded as failed (or, if the process died, marked interrupted by the next scan).
 */
export async function runScan(options: RunScanOptions): Promise<ScanResult> {
  const { store, controls, inventory, source, now } = options;
  const startedAt = now();
  const scanId = await beginScan(store, source, startedAt, options.scope ?? null);
  try {
    return await store.transaction(async (tx) => {
      await replaceInventory(tx, inventory, { collectedAt: startedAt, scanId, scope: options.scope ?? 'all' });
      const evaluated = await evaluateControls(tx, controls, inventory);
      // exceptions apply as of the scan's start; lapsed ones are logged once, in the same transaction
      const findings = applyExceptions(evaluated, await listExceptions(tx), startedAt);
      await recordExpiredExceptions(tx, startedAt, { actor: 'ward', source: `scan:${scanId}` });
      await insertFindings(tx, scanId, findings);
      const finishedAt = now();
      const summary = summariseFindings(findings);
      await completeScan(tx, scanId, finishedAt, summary);
      return { scanId, startedAt, finishedAt, findings, summary };
    });
  } catch (error) {
    await failScan(store, scanId, now(), (error as Error).message).catch(() => undefined);
    throw error;
  }
}
