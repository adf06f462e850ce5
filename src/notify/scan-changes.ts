/**
 * What changed with a scan, as notifications tell it: the drift between the scan and the complete scan before it
 * (the same picking and composition as `ward diff`: scan/scan-diff.ts), each entry with its connector, and the
 * scan's findings in error. The first complete scan ever is compared with nothing: every problem in it is new.
 */
import { diffFindings, type DriftEntry, type FindingsDiff } from '../core/engine/diff-findings.js';
import type { Finding } from '../core/model.js';
import { listCompleteScans, type ScanRow } from '../store/scan-repository.js';
import { connectorsOfAssets, findingsOfScan, judgedFindingsAt } from '../store/finding-state-repository.js';
import type { SqlClient } from '../store/sql-client.js';
import { diffBetween } from '../scan/scan-diff.js';

/** One drift entry (or finding in error) with the configured connector that judged it (null: a local scan). */
export interface ChangeItem extends DriftEntry {
  readonly connector: string | null;
}

export interface ScanChanges {
  readonly scan: ScanRow;
  /** The complete scan compared with (null: the first complete scan). */
  readonly previous: ScanRow | null;
  readonly new: readonly ChangeItem[];
  readonly resolved: readonly ChangeItem[];
  readonly changed: readonly ChangeItem[];
  /** Every finding of the scan in error, moved or not (`before` says whether it was in error already). */
  readonly errors: readonly ChangeItem[];
}

const keyOf = (e: Pick<Finding, 'controlId' | 'assetId'>): string => `${e.controlId}\u0000${e.assetId}`;

/** The changes a complete scan brings (for a scan that is not complete, there is nothing to tell: see recordScanNotifications). */
export async function scanChanges(client: SqlClient, scan: ScanRow): Promise<ScanChanges> {
  const previous = (await listCompleteScans(client)).filter((s) => s.id < scan.id).at(-1) ?? null;
  const diff: FindingsDiff = previous === null ? diffFindings([], await judgedFindingsAt(client, scan.id), null) : (await diffBetween(client, previous, scan)).diff;
  const errorFindings = await findingsOfScan(client, scan.id, { status: 'error' });
  const moved = new Map([...diff.new, ...diff.changed].map((e) => [keyOf(e), e]));
  const errorEntries: DriftEntry[] = errorFindings.map(
    (f) =>
      moved.get(keyOf(f)) ?? {
        controlId: f.controlId,
        checkId: f.checkId,
        assetId: f.assetId,
        assetName: f.assetName,
        status: f.status,
        severity: f.severity,
        reason: f.reason,
        // not among the moved: a problem of the same status before
        before: 'error',
        after: 'error',
      },
  );
  const entries = [...diff.new, ...diff.resolved, ...diff.changed, ...errorEntries];
  const known = new Map(errorFindings.filter((f) => f.connector !== undefined).map((f) => [f.assetId, f.connector!]));
  for (const entry of entries) {
    const own = (entry as { connector?: string | null }).connector;
    if (own) known.set(entry.assetId, own);
  }
  const looked = await connectorsOfAssets(client, scan.id, entries.map((e) => e.assetId).filter((id) => !known.has(id)));
  const withConnector = (e: DriftEntry): ChangeItem => ({ ...e, connector: (e as { connector?: string | null }).connector ?? known.get(e.assetId) ?? looked.get(e.assetId) ?? null });
  return {
    scan,
    previous,
    new: diff.new.map(withConnector),
    resolved: diff.resolved.map(withConnector),
    changed: diff.changed.map(withConnector),
    errors: errorEntries.map(withConnector),
  };
}
