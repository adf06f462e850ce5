/**
 * The current state a person asks for (`ward findings`, the server's pages and API): one complete scan's findings,
 * each subscription as the last scan that judged it, with the exceptions on record applied as of `now` and each
 * finding's first sighting and last status change. One composition, so the CLI and the server can never disagree.
 */
import { applyExceptions } from '../core/engine/apply-exceptions.js';
import { WardError } from '../core/errors.js';
import type { ExceptionRecord, Finding, FindingHistorySummary, TrendPoint } from '../core/model.js';
import { listExceptions, recordExpiredExceptions } from '../store/exception-repository.js';
import { judgedStateAt, type JudgedFinding } from '../store/finding-state-repository.js';
import { readTrend } from '../store/report-history-repository.js';
import { getScan, latestCompleteScan, listCompleteScans, type ScanRow } from '../store/scan-repository.js';
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
  /** How many complete scans the trend holds (default 30). */
  readonly trendScans?: number;
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
  const judged = await judgedStateAt(client, scan.id);
  const history = findingHistories(judged, (await listCompleteScans(client)).filter((s) => s.id <= scan.id));
  const findings = applyExceptions(judged.map((j) => j.finding), exceptions, options.now).map((finding, index) => withHistory(finding, history[index]!));
  return { scan, findings, exceptions, trend: await readTrend(client, { upToScanId: scan.id, ...(options.trendScans === undefined ? {} : { limit: options.trendScans }) }) };
}

/**
 * The finding with its history. A finding that is only a verdict (most of them: no exception, no connector) is
 * copied field by field: a spread of 80,000 findings took 70 ms of `ward findings`, this about 6.
 */
export function withHistory(finding: Finding, history: FindingHistorySummary): Finding {
  const onlyVerdict =
    finding.originalStatus === undefined &&
    finding.originalReason === undefined &&
    finding.exception === undefined &&
    finding.expiredException === undefined &&
    finding.history === undefined &&
    finding.connector === undefined;
  if (!onlyVerdict) return { ...finding, history };
  const { controlId, checkId, assetId, assetName, status, reason, severity } = finding;
  return { controlId, checkId, assetId, assetName, status, reason, severity, history };
}

/**
 * Each judged finding's first sighting, last sighting, last status change and number of changes, as the times of
 * the complete scans (oldest first) its state points at. Its last sighting is the latest scan that covered it: a
 * finding still judged was found by that scan.
 */
function findingHistories(judged: readonly JudgedFinding[], scans: readonly ScanRow[]): Finding['history'][] {
  const finished = new Map(scans.map((s) => [s.id, s.finishedAt!.toISOString()]));
  const newestFirst = [...scans].reverse();
  const lastFull = newestFirst.find((s) => s.scope === null && s.controls === null);
  const narrowedSince = newestFirst.filter((s) => lastFull === undefined || s.id > lastFull.id).map((s) => ({
    finishedAt: s.finishedAt!.toISOString(),
    assets: s.scope === null ? null : new Set(s.scope),
    controls: s.controls === null ? null : new Set(s.controls),
  }));
  const at = (id: number): string => finished.get(id) ?? new Date(0).toISOString();
  return judged.map(({ finding, firstSeenScan, statusSinceScan, statusChanges }) => {
    const covering = narrowedSince.find((s) => (s.assets === null || s.assets.has(finding.assetId)) && (s.controls === null || s.controls.has(finding.controlId)));
    const lastSeen = covering?.finishedAt ?? (lastFull ? at(lastFull.id) : at(statusSinceScan));
    return { firstSeen: at(firstSeenScan), lastSeen, lastChanged: at(statusSinceScan), changes: statusChanges };
  });
}
