/**
 * The current state a person asks for (`ward findings`, the server's pages and API): one complete scan's findings,
 * each subscription as the last scan that judged it, with the exceptions on record applied as of `now` and each
 * finding's first sighting and last status change. One composition, so the CLI and the server can never disagree.
 */
import { applyExceptions } from '../core/engine/apply-exceptions.js';
import { WardError } from '../core/errors.js';
import type { ExceptionRecord, Finding, TrendPoint } from '../core/model.js';
import { listExceptions, recordExpiredExceptions } from '../store/exception-repository.js';
import { findingKey, readFindingTimelines } from '../store/finding-history-repository.js';
import { readTrend } from '../store/report-history-repository.js';
import { getScan, judgedFindingsAt, latestCompleteScan, type ScanRow } from '../store/scan-repository.js';
import type { SqlClient } from '../store/sql-client.js';

export interface CurrentFindings {
  readonly scan: ScanRow;
  readonly findings: readonly Finding[];
  readonly exceptions: readonly ExceptionRecord[];
  readonly trend: readonly TrendPoint[];
}

export interface CurrentFindingsOptions {
  /** A complete scan to read instead of the latest. */
  readonly scanId?: number;
  readonly now: Date;
  /** Who is recorded when reading marks exceptions expired (the audit log gets one `expire` line per exception). */
  readonly actor: string;
  /** The audit source of those lines: `findings`, `serve`… */
  readonly source: string;
}

/** The scan a reader means: `scanId`, else the latest complete one. A NOT_FOUND WardError when there is none. */
export async function completeScanFor(client: SqlClient, scanId?: number): Promise<ScanRow> {
  const scan = scanId === undefined ? await latestCompleteScan(client) : await getScan(client, scanId);
  if (!scan) throw new WardError('NOT_FOUND', scanId === undefined ? 'no complete scan yet' : `no scan ${scanId}`, { hint: 'run ward scan first (ward scans lists them)' });
  if (scan.status !== 'complete') throw new WardError('NOT_FOUND', `scan ${scan.id} is ${scan.status}: it has no findings`, { hint: 'pick a complete scan (ward scans)' });
  return scan;
}

export async function readCurrentFindings(client: SqlClient, options: CurrentFindingsOptions): Promise<CurrentFindings> {
  const scan = await completeScanFor(client, options.scanId);
  await recordExpiredExceptions(client, options.now, { actor: options.actor, source: options.source });
  const exceptions = await listExceptions(client);
  const timelines = await readFindingTimelines(client, scan.id);
  const findings = applyExceptions(await judgedFindingsAt(client, scan.id), exceptions, options.now).map((finding): Finding => {
    const timeline = timelines.get(findingKey(finding));
    return timeline
      ? { ...finding, history: { firstSeen: timeline.firstSeen, lastSeen: timeline.lastSeen, lastChanged: timeline.lastChanged, changes: timeline.changes.length } }
      : finding;
  });
  return { scan, findings, exceptions, trend: await readTrend(client, { upToScanId: scan.id }) };
}
