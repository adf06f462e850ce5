/**
 * `ward prune`: drops the finding detail of old scans while keeping every scan's summary row.
 *
 * With K the oldest scan whose detail is kept, the state as of any complete scan X >= K reads only the current
 * states and the before-images with scan_id > X (finding-state-repository.ts). So pruning removes the before-images
 * with scan_id <= K (they restore only states before K), the findings gone (`absent`) since before K (no kept scan
 * shows them, and none of their before-images is kept), and marks the scans before K pruned, which readers refuse.
 * Summaries, exception events, remediation runs and notification deliveries stay as they are. K is never after the
 * oldest pinned scan (ward pin): a pin keeps that scan's findings readable.
 */
import { WardError } from '../core/errors.js';
import { listPins, type ScanPin } from './scan-pin-repository.js';
import { markInterruptedScans } from './scan-repository.js';
import { refreshStateSnapshot, vacuumStateSnapshots } from './finding-state-repository.js';
import type { SqlClient, Store } from './sql-client.js';
import { toDate } from './row-timestamps.js';

/** What to keep: the N most recent complete scans, or the complete scans finished in the last N days. */
export type PruneRule = { readonly keepScans: number } | { readonly olderThanDays: number };

export interface CompleteScanTime {
  readonly id: number;
  readonly finishedAt: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The oldest complete scan whose detail `rule` keeps (K), or undefined when there is no complete scan. The latest
 * complete scan is always kept. Pure: `scans` are the complete scans in any order.
 */
export function oldestKeptScan(scans: readonly CompleteScanTime[], rule: PruneRule, now: Date): number | undefined {
  if (scans.length === 0) return undefined;
  const newestFirst = [...scans].sort((a, b) => b.id - a.id);
  const latest = newestFirst[0]!.id;
  if ('keepScans' in rule) return newestFirst[Math.min(rule.keepScans, newestFirst.length) - 1]!.id;
  const cutoff = now.getTime() - rule.olderThanDays * DAY_MS;
  const recent = newestFirst.filter((s) => s.finishedAt.getTime() >= cutoff).map((s) => s.id);
  return recent.length === 0 ? latest : Math.min(...recent);
}

/** Rows a prune removes, and what they hold (sum of pg_column_size of each row). */
export interface PrunedRows {
  readonly rows: number;
  readonly bytes: number;
}

export interface PrunePlan {
  /** The oldest scan whose detail is kept; undefined when the store has no complete scan. */
  readonly keptFrom: number | undefined;
  /** The pinned scan that keeps keptFrom where it is, when the rule alone would have pruned it and later scans. */
  readonly heldByPin: ScanPin | null;
  /** The scans (any status) before keptFrom not pruned yet: how many, and the lowest and highest id. */
  readonly scans: { readonly count: number; readonly fromId: number | null; readonly toId: number | null };
  /** Before-images with scan_id <= keptFrom. */
  readonly beforeImages: PrunedRows;
  /** Findings gone (absent) since a scan before keptFrom. */
  readonly goneFindings: PrunedRows;
  /** Scans not finished (queued, or running with a live process): a real prune refuses while there are any. */
  readonly unfinished: readonly { readonly id: number; readonly status: string }[];
}

export interface PruneResult extends PrunePlan {
  readonly dryRun: boolean;
  /** Whether anything is to be pruned (any count above 0). */
  readonly changes: boolean;
  /** pg_database_size before, and after the prune and its VACUUM (null for a dry run or when nothing changed). */
  readonly databaseBytes: { readonly before: number; readonly after: number | null };
}

/** The lock a new scan's id is taken under (migration 8's ward_next_scan_id): held, no scan begins. */
const SCAN_ID_LOCK = [2002874981, 0] as const;

const count = (value: unknown): number => Number(value ?? 0);

async function databaseBytes(client: SqlClient): Promise<number> {
  const { rows } = await client.query<{ bytes: string | number }>('SELECT pg_database_size(current_database()) AS bytes');
  return count(rows[0]?.bytes);
}

async function planWithin(tx: SqlClient, rule: PruneRule, now: Date): Promise<PrunePlan> {
  const unfinished = (await tx.query<{ id: number; status: string }>("SELECT id, status FROM scans WHERE status IN ('running', 'queued') ORDER BY id")).rows.map((r) => ({
    id: Number(r.id),
    status: r.status,
  }));
  const complete = await tx.query<{ id: number; finished_at: Date | string }>("SELECT id, finished_at FROM scans WHERE status = 'complete' ORDER BY id");
  const byRule = oldestKeptScan(
    complete.rows.map((r) => ({ id: Number(r.id), finishedAt: toDate(r.finished_at) })),
    rule,
    now,
  );
  // a pinned scan keeps its detail: the state as of it is rebuilt from the before-images of every scan after it
  const oldestPin = (await listPins(tx))[0];
  const heldByPin = byRule !== undefined && oldestPin !== undefined && oldestPin.scanId < byRule ? oldestPin : null;
  const keptFrom = heldByPin === null ? byRule : heldByPin.scanId;
  if (keptFrom === undefined) return { keptFrom, heldByPin, scans: { count: 0, fromId: null, toId: null }, beforeImages: { rows: 0, bytes: 0 }, goneFindings: { rows: 0, bytes: 0 }, unfinished };
  const scans = (await tx.query<{ n: number; from_id: number | null; to_id: number | null }>(
    'SELECT count(*)::integer AS n, min(id) AS from_id, max(id) AS to_id FROM scans WHERE id < $1 AND pruned_at IS NULL',
    [keptFrom],
  )).rows[0];
  const sized = async (sql: string): Promise<PrunedRows> => {
    const row = (await tx.query<{ n: number; bytes: string | number }>(sql, [keptFrom])).rows[0];
    return { rows: count(row?.n), bytes: count(row?.bytes) };
  };
  return {
    keptFrom,
    heldByPin,
    scans: { count: count(scans?.n), fromId: scans?.from_id == null ? null : Number(scans.from_id), toId: scans?.to_id == null ? null : Number(scans.to_id) },
    beforeImages: await sized('SELECT count(*)::integer AS n, coalesce(sum(pg_column_size(t.*)), 0)::bigint AS bytes FROM finding_changes t WHERE t.scan_id <= $1'),
    goneFindings: await sized(
      "SELECT count(*)::integer AS n, coalesce(sum(pg_column_size(t.*)), 0)::bigint AS bytes FROM finding_states t WHERE t.status = 'absent' AND t.status_since_scan < $1",
    ),
    unfinished,
  };
}

const hasChanges = (plan: PrunePlan): boolean => plan.scans.count > 0 || plan.beforeImages.rows > 0 || plan.goneFindings.rows > 0;

/**
 * Plans the prune `rule` asks for and, unless `dryRun`, carries it out in one transaction: no scan begins meanwhile
 * (the scan-id lock), scans whose process is gone are marked interrupted first, and a prune refuses (SCAN_BUSY) while
 * a scan is queued or running. After a real prune the two finding tables are vacuumed so that later scans reuse the
 * space (the database files do not shrink).
 */
export async function pruneScans(store: Store, options: { readonly rule: PruneRule; readonly now: Date; readonly dryRun?: boolean }): Promise<PruneResult> {
  const dryRun = options.dryRun === true;
  const before = await databaseBytes(store);
  const plan = await store.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [...SCAN_ID_LOCK]);
    await markInterruptedScans(tx);
    const planned = await planWithin(tx, options.rule, options.now);
    if (dryRun || !hasChanges(planned)) return planned;
    if (planned.unfinished.length > 0) {
      const named = planned.unfinished.map((s) => `#${s.id} (${s.status})`).join(', ');
      throw new WardError('SCAN_BUSY', `cannot prune while scans are not finished: ${named}`, {
        hint: 'run ward prune again once they have ended (ward scans); nothing was changed',
      });
    }
    const k = planned.keptFrom!;
    await tx.query('DELETE FROM finding_changes WHERE scan_id <= $1', [k]);
    await tx.query("DELETE FROM finding_states WHERE status = 'absent' AND status_since_scan < $1", [k]);
    await tx.query('UPDATE scans SET pruned_at = $2 WHERE id < $1 AND pruned_at IS NULL', [k, options.now]);
    // removing absent rows dropped the kept state (the trigger of migration 13); what readers read is unchanged
    await refreshStateSnapshot(tx);
    return planned;
  });
  const changes = hasChanges(plan);
  if (dryRun || !changes) return { ...plan, dryRun, changes, databaseBytes: { before, after: null } };
  // outside the transaction (VACUUM cannot run in one): the freed space is reused by later writes
  await store.exec('VACUUM finding_changes');
  await store.exec('VACUUM finding_states');
  await vacuumStateSnapshots(store);
  return { ...plan, dryRun, changes, databaseBytes: { before, after: await databaseBytes(store) } };
}
