/**
 * A finding's history per (control, check, asset), derived from the findings of complete scans: the findings
 * table already holds every verdict of every scan, so the history cannot disagree with it. Failed and
 * interrupted scans never count.
 */
import type { FindingStatus } from '../core/model.js';
import type { SqlClient } from './sql-client.js';
import { toIso as iso } from './row-timestamps.js';

/** `absent`: a scan that covered the asset did not find it (deleted, moved out of the tenant or the management group). */
export type TimelineStatus = FindingStatus | 'absent';

export interface StatusChange {
  readonly scanId: number;
  readonly at: string;
  readonly from: TimelineStatus;
  readonly to: TimelineStatus;
}

export interface FindingTimeline {
  readonly controlId: string;
  readonly checkId: string;
  readonly assetId: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** When the current status began (the first sighting when it never changed). */
  readonly lastChanged: string;
  readonly status: TimelineStatus;
  readonly changes: readonly StatusChange[];
  /** When it stopped being a problem (fail, error, excepted → pass, skipped or absent); null while it still is one or never was. */
  readonly resolvedAt: string | null;
}

export interface ScanPoint {
  readonly id: number;
  readonly finishedAt: string;
  /** The asset ids a narrowed scan covered; null or absent: every asset. */
  readonly scope?: readonly string[] | null;
  /** The controls a scan narrowed with --control evaluated; null or absent: every control. */
  readonly controls?: readonly string[] | null;
}

export interface VerdictRow {
  readonly scanId: number;
  readonly controlId: string;
  readonly checkId: string;
  readonly assetId: string;
  readonly status: FindingStatus;
}

export const PROBLEM_STATUSES: ReadonlySet<TimelineStatus> = new Set(['fail', 'error', 'excepted']);

/** A finding's identity across scans: one per (control, asset), whichever of the control's checks decided it. */
export const findingKey = (f: { controlId: string; assetId: string }): string => `${f.controlId}\u0000${f.assetId}`;

/**
 * Builds every timeline from scans (oldest first) and their verdicts (pure). A narrowed scan that did not cover a
 * finding's asset or control says nothing about it: it keeps its status, first sighting and last change (it is not
 * `absent`).
 */
export function buildFindingTimelines(scans: readonly ScanPoint[], verdicts: readonly VerdictRow[]): Map<string, FindingTimeline> {
  const scanIndex = new Map(scans.map((scan, index) => [scan.id, index]));
  const setOf = (ids: readonly string[] | null | undefined) => (ids === null || ids === undefined ? undefined : new Set(ids));
  const scopes = scans.map((scan) => setOf(scan.scope));
  const controls = scans.map((scan) => setOf(scan.controls));
  const byKey = new Map<string, { head: VerdictRow; statuses: (TimelineStatus | undefined)[] }>();
  for (const verdict of verdicts) {
    const index = scanIndex.get(verdict.scanId);
    if (index === undefined) continue;
    const key = findingKey(verdict);
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { head: verdict, statuses: new Array(scans.length).fill(undefined) }));
    entry.statuses[index] = verdict.status;
  }
  const timelines = new Map<string, FindingTimeline>();
  for (const [key, { head, statuses }] of byKey) {
    const first = statuses.findIndex((s) => s !== undefined);
    let last = first;
    let current: TimelineStatus = statuses[first]!;
    let changedAt = scans[first]!.finishedAt;
    let resolvedAt: string | null = null;
    const changes: StatusChange[] = [];
    for (let i = first + 1; i < scans.length; i += 1) {
      if ((scopes[i] !== undefined && !scopes[i]!.has(head.assetId)) || (controls[i] !== undefined && !controls[i]!.has(head.controlId))) continue;
      const next: TimelineStatus = statuses[i] ?? 'absent';
      if (statuses[i] !== undefined) last = i;
      if (next === current) continue;
      const at = scans[i]!.finishedAt;
      changes.push({ scanId: scans[i]!.id, at, from: current, to: next });
      if (PROBLEM_STATUSES.has(current) && !PROBLEM_STATUSES.has(next)) resolvedAt = at;
      if (PROBLEM_STATUSES.has(next)) resolvedAt = null;
      current = next;
      changedAt = at;
    }
    timelines.set(key, {
      controlId: head.controlId,
      checkId: head.checkId,
      assetId: head.assetId,
      firstSeen: scans[first]!.finishedAt,
      lastSeen: scans[last]!.finishedAt,
      lastChanged: changedAt,
      status: current,
      changes,
      resolvedAt,
    });
  }
  return timelines;
}


/** Every finding's timeline over the complete scans up to `upToScanId` (all of them by default). */
export async function readFindingTimelines(client: SqlClient, upToScanId?: number): Promise<Map<string, FindingTimeline>> {
  const limit = upToScanId ?? 2 ** 31 - 1;
  const scanRows = await client.query<{ id: number; finished_at: Date | string; scope: string[] | null; controls: string[] | null }>(
    "SELECT id, finished_at, scope, controls FROM scans WHERE status = 'complete' AND id <= $1 ORDER BY id",
    [limit],
  );
  const verdictRows = await client.query<{ scan_id: number; control_id: string; check_id: string; asset_id: string; status: FindingStatus }>(
    `SELECT f.scan_id, f.control_id, f.check_id, f.asset_id, f.status
     FROM findings f JOIN scans s ON s.id = f.scan_id
     WHERE s.status = 'complete' AND s.id <= $1
     ORDER BY f.scan_id`,
    [limit],
  );
  return buildFindingTimelines(
    scanRows.rows.map((r) => ({ id: Number(r.id), finishedAt: iso(r.finished_at), scope: r.scope ?? null, controls: r.controls ?? null })),
    verdictRows.rows.map((r) => ({ scanId: Number(r.scan_id), controlId: r.control_id, checkId: r.check_id, assetId: r.asset_id, status: r.status })),
  );
}
