import type { ScanCoverage } from '../core/engine/diff-findings.js';
import type { Finding, FindingStatus } from '../core/model.js';
import type { CopyColumn } from '../core/sql-client.js';
import type { SqlClient, Store } from './sql-client.js';
import { VERDICT_COPY, refreshStateSnapshot, verdictValues } from './finding-state-repository.js';
import { toDate } from './row-timestamps.js';

export type ScanStatus = 'queued' | 'running' | 'complete' | 'failed' | 'interrupted';

export interface ScanSummary {
  readonly total: number;
  readonly byStatus: Readonly<Record<FindingStatus, number>>;
  readonly controls: number;
  readonly assets: number;
}

export interface ScanRow {
  readonly id: number;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly status: ScanStatus;
  readonly source: string;
  readonly error: string | null;
  readonly summary: ScanSummary | null;
  /** The asset ids a scoped scan covered; null when it covered everything it could read. */
  readonly scope: readonly string[] | null;
  /** The control ids a scan narrowed with --control evaluated; null when it evaluated every control it loaded. */
  readonly controls: readonly string[] | null;
  /** The configured connectors a queued scan covers (`ward scan --queue`); null for a local scan. */
  readonly connectors: readonly string[] | null;
  /**
   * A scan narrowed with --subscription / --management-group or --control (`scope` or `controls` is not null): its
   * summary counts only what it covered, so a trend must not read it as the state of the whole tenant.
   */
  readonly narrowed: boolean;
  /** When `ward prune` removed the scan's finding detail (its summary stays); null while it has it. */
  readonly prunedAt: Date | null;
  /** Why and by whom the scan is pinned (`ward pin`: its inventory and findings are kept); null when it is not. */
  readonly pin: { readonly reason: string; readonly pinnedBy: string; readonly pinnedAt: Date } | null;
}

interface ScanRecord {
  id: number;
  started_at: Date | string;
  finished_at: Date | string | null;
  status: ScanStatus;
  source: string;
  error: string | null;
  summary: ScanSummary | null;
  scope: string[] | null;
  controls: string[] | null;
  connectors?: string[] | null;
  pruned_at?: Date | string | null;
  pin_reason?: string | null;
  pinned_by?: string | null;
  pinned_at?: Date | string | null;
}

/** A scan row with its pin (scan_pins has no column named like one of scans'). */
const SCAN_COLUMNS = 'id, started_at, finished_at, status, source, error, summary, scope, controls, connectors, pruned_at, scan_pins.reason AS pin_reason, pinned_by, pinned_at';
const SCANS = 'scans LEFT JOIN scan_pins ON scan_pins.scan_id = scans.id';


function toScanRow(row: ScanRecord): ScanRow {
  return {
    id: Number(row.id),
    startedAt: toDate(row.started_at),
    finishedAt: row.finished_at === null ? null : toDate(row.finished_at),
    status: row.status,
    source: row.source,
    error: row.error,
    summary: row.summary,
    scope: row.scope ?? null,
    controls: row.controls ?? null,
    connectors: row.connectors ?? null,
    narrowed: (row.scope ?? null) !== null || (row.controls ?? null) !== null,
    prunedAt: row.pruned_at === null || row.pruned_at === undefined ? null : toDate(row.pruned_at),
    pin: row.pin_reason === null || row.pin_reason === undefined ? null : { reason: row.pin_reason, pinnedBy: row.pinned_by ?? '', pinnedAt: toDate(row.pinned_at!) },
  };
}

export function summariseFindings(findings: readonly Finding[]): ScanSummary {
  const byStatus: Record<FindingStatus, number> = { pass: 0, fail: 0, error: 0, excepted: 0, skipped: 0 };
  for (const finding of findings) byStatus[finding.status] += 1;
  return {
    total: findings.length,
    byStatus,
    controls: new Set(findings.map((f) => f.controlId)).size,
    assets: new Set(findings.map((f) => f.assetId)).size,
  };
}

/**
 * Advisory-lock namespace of running scans: a scan holds `(SCAN_LOCK_NAMESPACE, scan id)` for as long as its store
 * transaction is open, and the server drops it when the connection goes, so a scan whose process died is told
 * from one still writing on PostgreSQL too (on the embedded store the store lock already keeps other processes out).
 */
export const SCAN_LOCK_NAMESPACE = 2002874980;

const NOT_FINISHED = 'the scan did not finish: its process ended (killed, or its machine stopped) before the results were stored';

/**
 * Marks interrupted the scans recorded as running whose process is gone, and returns their ids. Run when a store is
 * opened and when a scan begins: a scan killed during its store write is listed as interrupted from then on.
 */
export async function markInterruptedScans(store: SqlClient): Promise<number[]> {
  const { rows } = await store.query<{ id: number }>(
    "UPDATE scans SET status = 'interrupted', error = $2 WHERE status = 'running' AND pg_try_advisory_xact_lock($1, id) RETURNING id",
    [SCAN_LOCK_NAMESPACE, NOT_FINISHED],
  );
  return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
}

/**
 * Records a scan as running, in its own transaction, so that a scan that dies midway stays visible as such.
 * Scan ids are dense: the store numbers scans max + 1 (migration 8), where a sequence would skip ids after a crash.
 */
export async function beginScan(
  store: Store,
  source: string,
  startedAt: Date,
  scope: readonly string[] | null = null,
  controls: readonly string[] | null = null,
): Promise<number> {
  await markInterruptedScans(store);
  const { rows } = await store.query<{ id: number }>(
    "INSERT INTO scans (started_at, status, source, scope, controls) VALUES ($1, 'running', $2, $3, $4) RETURNING id",
    [startedAt, source, scope === null ? null : [...scope], controls === null ? null : [...controls]],
  );
  return Number(rows[0]!.id);
}

/** The first statement of a scan's store transaction: the scan is known to be alive until that transaction ends. */
export async function holdRunningScan(tx: SqlClient, scanId: number): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [SCAN_LOCK_NAMESPACE, scanId]);
}

/**
 * Marks a scan complete, in the transaction that folded its findings (last: the state it keeps is then final), and
 * keeps the latest complete scan's state as readers read it (refreshStateSnapshot).
 */
export async function completeScan(client: SqlClient, scanId: number, finishedAt: Date, summary: ScanSummary): Promise<void> {
  await client.query("UPDATE scans SET status = 'complete', finished_at = $2, summary = $3, error = NULL WHERE id = $1", [
    scanId,
    finishedAt,
    JSON.stringify(summary),
  ]);
  await refreshStateSnapshot(client);
}

/** A scan stopped on purpose (Ctrl-C, SIGTERM): nothing of it was stored. */
export async function interruptScan(client: SqlClient, scanId: number, finishedAt: Date, reason: string): Promise<void> {
  await client.query("UPDATE scans SET status = 'interrupted', finished_at = $2, error = $3 WHERE id = $1", [scanId, finishedAt, reason]);
}

export async function failScan(client: SqlClient, scanId: number, finishedAt: Date, error: string): Promise<void> {
  await client.query("UPDATE scans SET status = 'failed', finished_at = $2, error = $3 WHERE id = $1", [scanId, finishedAt, error]);
}

/** The columns of a staged finding, in the order findingRows gives them. */
const FINDING_COPY: readonly CopyColumn[] = [{ name: 'scan_id', type: 'integer' }, ...VERDICT_COPY];
const FINDING_COLUMNS = FINDING_COPY.map((column) => column.name).join(', ');

function* findingRows(scanId: number, findings: readonly Finding[]): Generator<unknown[]> {
  for (const f of findings) yield [scanId, ...verdictValues(f)];
}

/**
 * Stages a queued scan's findings (one batch at a time) with COPY (`SqlClient.copyRows`) until the scan completes and
 * folds them into the state (finding-state-repository.ts). `ignoreExisting` keeps a finding already stored for the scan:
 * COPY has no ON CONFLICT, so those rows are copied into a temporary table first and moved over with one
 * INSERT … ON CONFLICT DO NOTHING, in the caller's transaction (or one of its own).
 */
export async function insertFindings(client: SqlClient, scanId: number, findings: readonly Finding[], options: { readonly ignoreExisting?: boolean } = {}): Promise<void> {
  if (findings.length === 0) return;
  if (!options.ignoreExisting) {
    await client.copyRows('staged_findings', FINDING_COPY, findingRows(scanId, findings));
    return;
  }
  // a queued scan's batch retried after a crash finds its findings already stored: one finding per (scan, control, check, asset)
  await client.transaction(async (tx) => {
    await tx.exec('CREATE TEMPORARY TABLE ward_findings_load (LIKE staged_findings INCLUDING DEFAULTS) ON COMMIT DROP');
    await tx.copyRows('ward_findings_load', FINDING_COPY, findingRows(scanId, findings));
    await tx.exec(`INSERT INTO staged_findings (${FINDING_COLUMNS}) SELECT ${FINDING_COLUMNS} FROM pg_temp.ward_findings_load ON CONFLICT DO NOTHING`);
    await tx.exec('DROP TABLE pg_temp.ward_findings_load');
  });
}

export async function listScans(client: SqlClient): Promise<ScanRow[]> {
  const { rows } = await client.query<ScanRecord>(`SELECT ${SCAN_COLUMNS} FROM ${SCANS} ORDER BY id`);
  return rows.map(toScanRow);
}

export async function getScan(client: SqlClient, scanId: number): Promise<ScanRow | undefined> {
  const { rows } = await client.query<ScanRecord>(`SELECT ${SCAN_COLUMNS} FROM ${SCANS} WHERE id = $1`, [scanId]);
  return rows[0] ? toScanRow(rows[0]) : undefined;
}

/** Complete scans, oldest first. */
export async function listCompleteScans(client: SqlClient): Promise<ScanRow[]> {
  const { rows } = await client.query<ScanRecord>(
    `SELECT ${SCAN_COLUMNS} FROM ${SCANS} WHERE status = 'complete' ORDER BY id`,
  );
  return rows.map(toScanRow);
}

export async function latestCompleteScan(client: SqlClient): Promise<ScanRow | undefined> {
  const { rows } = await client.query<ScanRecord>(
    `SELECT ${SCAN_COLUMNS} FROM ${SCANS} WHERE status = 'complete' ORDER BY id DESC LIMIT 1`,
  );
  return rows[0] ? toScanRow(rows[0]) : undefined;
}

/**
 * What the complete scans after `fromId` up to `toId` looked at: null when one of them was a full scan (everything
 * was looked at), else each one's coverage (none when there is no scan in between: nothing was looked at).
 */
export async function coverageBetween(client: SqlClient, fromId: number, toId: number): Promise<ScanCoverage[] | null> {
  const { rows } = await client.query<{ scope: string[] | null; controls: string[] | null }>(
    "SELECT scope, controls FROM scans WHERE status = 'complete' AND id > $1 AND id <= $2 ORDER BY id",
    [Math.min(fromId, toId), Math.max(fromId, toId)],
  );
  if (rows.some((row) => row.scope === null && row.controls === null)) return null;
  return rows.map((row) => ({ assets: row.scope, controls: row.controls }));
}
