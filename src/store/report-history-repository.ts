import type { FindingStatus, TrendPoint } from '../core/model.js';
import type { SqlClient } from './sql-client.js';
import { toIso } from './row-timestamps.js';

/**
 * The last `limit` complete scans (up to `upToScanId`), oldest first, with their status counts: a report's trend.
 * A scan narrowed to some subscriptions or controls is marked `narrowed`, for the report to leave out.
 */
export async function readTrend(client: SqlClient, options: { limit?: number; upToScanId?: number } = {}): Promise<TrendPoint[]> {
  const { rows } = await client.query<{ id: number; finished_at: Date | string; summary: { byStatus: Record<FindingStatus, number> } | null; narrowed: boolean }>(
    `SELECT id, finished_at, summary, (scope IS NOT NULL OR controls IS NOT NULL) AS narrowed FROM scans WHERE status = 'complete' AND id <= $1 ORDER BY id DESC LIMIT $2`,
    [options.upToScanId ?? 2 ** 31 - 1, options.limit ?? 30],
  );
  return rows.reverse().map((r) => ({
    scanId: Number(r.id),
    finishedAt: toIso(r.finished_at),
    counts: { pass: 0, fail: 0, error: 0, excepted: 0, skipped: 0, ...(r.summary?.byStatus ?? {}) },
    narrowed: r.narrowed === true,
  }));
}
