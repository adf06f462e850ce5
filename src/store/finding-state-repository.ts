/**
 * Finding history kept in proportion to change (migration 11).
 *
 * - `finding_states`: one row per (control, asset) ever judged: the verdict of the last complete scan that covered
 *   it (status `absent` once a covering scan no longer found the asset), the scan it was first seen in, the scan its
 *   current status began with and how many times its status changed.
 * - `finding_changes`: before-images. When scan N changes anything a finding says, the row it had just before N is
 *   kept with `scan_id` N. A first sighting keeps none (`first_seen_scan` says when it began).
 *
 * A scan writes only what changed, and the state as of complete scan X is the current state with every finding
 * changed after X put back to its first before-image after X (and without those first seen after X). Reading the
 * latest state costs what the current state costs, whatever the length of the history.
 */
import { WardError } from '../core/errors.js';
import type { Finding, FindingStatus } from '../core/model.js';
import type { CopyColumn } from '../core/sql-client.js';
import type { SqlClient } from './sql-client.js';
import { inKeyOrder } from './copy-rows.js';
import { sortByCodePoints } from '../core/code-point-order.js';
import { decodeStateSnapshot, encodeStateSnapshot } from './state-snapshot-codec.js';

/** What a narrowed scan covered: its subscriptions (null: all) and its controls (null: all). */
export interface ScanCoverageRow {
  readonly id: number;
  readonly scope: readonly string[] | null;
  readonly controls: readonly string[] | null;
}

/** A finding as judged at a scan, with the scans its history points at. */
export interface JudgedFinding {
  readonly finding: Finding;
  readonly firstSeenScan: number;
  /** The scan the finding's current status began with (its first sighting when it never changed). */
  readonly statusSinceScan: number;
  /** How many times its status changed (to `absent` and back included). */
  readonly statusChanges: number;
}

const VALUE_COLUMNS = ['check_id', 'asset_name', 'status', 'reason', 'severity', 'details', 'connector_name'] as const;
const STATE_COLUMNS = ['control_id', 'asset_id', ...VALUE_COLUMNS, 'first_seen_scan', 'status_since_scan', 'status_changes'] as const;
const STATE_LIST = STATE_COLUMNS.join(', ');
const stateOf = (alias: string): string => STATE_COLUMNS.map((c) => `${alias}.${c}`).join(', ');
const valuesOf = (alias: string): string => `(${VALUE_COLUMNS.map((c) => `${alias}.${c}`).join(', ')})`;
/** The finding `v` says something the stored state `s` does not (any value, not only the status). */
const DIFFERS = `${valuesOf('v')} IS DISTINCT FROM ${valuesOf('s')}`;
const SAME_KEY = 'v.control_id = s.control_id AND v.asset_id = s.asset_id';
/** The state row `s` is inside the coverage bound as $2 (subscriptions) and $3 (controls). */
const COVERED = '($2::text[] IS NULL OR s.asset_id = ANY ($2::text[])) AND ($3::text[] IS NULL OR s.control_id = ANY ($3::text[]))';

/**
 * Where a scan's verdicts are read from when they are folded into the state: a local scan's temporary table, or a
 * queued scan's staged rows (`staged_findings`, written batch by batch). Names come only from here.
 */
const VERDICT_SOURCES = {
  scan: { table: 'pg_temp.ward_scan_findings', filter: '' },
  staged: { table: 'staged_findings', filter: 'v.scan_id = $1 AND ' },
} as const;
type VerdictSource = keyof typeof VERDICT_SOURCES;

/** The temporary table a local scan copies its findings into (test support waits on it by name). */
export const SCAN_FINDINGS_TABLE = 'ward_scan_findings';

/** The columns of a verdict in a bulk load, in the order verdictValues gives them. */
export const VERDICT_COPY: readonly CopyColumn[] = [
  { name: 'control_id', type: 'text' },
  { name: 'asset_id', type: 'text' },
  { name: 'check_id', type: 'text' },
  { name: 'asset_name', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'reason', type: 'text' },
  { name: 'severity', type: 'text' },
  { name: 'details', type: 'jsonb' },
  { name: 'connector_name', type: 'text' },
];

/** What a finding carries beyond the columns: the exception state (null when there is none). */
type FindingDetails = Pick<Finding, 'originalStatus' | 'originalReason' | 'exception' | 'expiredException'>;

export function findingDetails(f: Finding): FindingDetails | null {
  if (f.originalStatus === undefined && f.exception === undefined && f.expiredException === undefined) return null;
  const details: { -readonly [K in keyof FindingDetails]: FindingDetails[K] } = {};
  if (f.originalStatus !== undefined) details.originalStatus = f.originalStatus;
  if (f.originalReason !== undefined) details.originalReason = f.originalReason;
  if (f.exception !== undefined) details.exception = f.exception;
  if (f.expiredException !== undefined) details.expiredException = f.expiredException;
  return details;
}

/**
 * Folds scan `scan.id`'s verdicts into the state, inside the caller's transaction: before-images of what the scan
 * changes, then the changed values, `absent` for covered findings it no longer found, and its first sightings.
 * Findings outside the scan's coverage keep their verdict.
 */
async function foldVerdicts(tx: SqlClient, scan: ScanCoverageRow, source: VerdictSource): Promise<void> {
  const { table, filter } = VERDICT_SOURCES[source];
  const coverage = [scan.id, scan.scope === null ? null : [...scan.scope], scan.controls === null ? null : [...scan.controls]];
  await tx.query(
    `INSERT INTO finding_changes (scan_id, ${STATE_LIST})
     SELECT $1::integer, ${stateOf('s')} FROM finding_states s LEFT JOIN ${table} v ON ${filter}${SAME_KEY}
     WHERE ${COVERED} AND CASE WHEN v.asset_id IS NULL THEN s.status <> 'absent' ELSE ${DIFFERS} END`,
    coverage,
  );
  await tx.query(
    `UPDATE finding_states s SET ${VALUE_COLUMNS.map((c) => `${c} = v.${c}`).join(', ')},
       status_since_scan = CASE WHEN s.status = v.status THEN s.status_since_scan ELSE $1::integer END,
       status_changes = s.status_changes + CASE WHEN s.status = v.status THEN 0 ELSE 1 END
     FROM ${table} v WHERE ${filter}${SAME_KEY} AND ${DIFFERS}`,
    [scan.id],
  );
  await tx.query(
    `UPDATE finding_states s SET status = 'absent', status_since_scan = $1::integer, status_changes = s.status_changes + 1
     WHERE ${COVERED} AND s.status <> 'absent' AND NOT EXISTS (SELECT 1 FROM ${table} v WHERE ${filter}${SAME_KEY})`,
    coverage,
  );
  await tx.query(
    `INSERT INTO finding_states (${STATE_LIST})
     SELECT v.control_id, v.asset_id, ${VALUE_COLUMNS.map((c) => `v.${c}`).join(', ')}, $1::integer, $1::integer, 0 FROM ${table} v
     WHERE ${filter}NOT EXISTS (SELECT 1 FROM finding_states s WHERE ${SAME_KEY})`,
    [scan.id],
  );
}

/** A finding's values in VERDICT_COPY's order. */
export function verdictValues(f: Finding): unknown[] {
  const details = findingDetails(f);
  return [f.controlId, f.assetId, f.checkId, f.assetName ?? null, f.status, f.reason, f.severity, details === null ? null : JSON.stringify(details), f.connector ?? null];
}

/** A scan's verdicts in the order of the temporary table's key, (control, asset): see inKeyOrder. */
function* scanFindingRows(findings: readonly Finding[]): Generator<unknown[]> {
  for (const f of inKeyOrder(findings, (finding) => `${finding.controlId}\u0000${finding.assetId}`)) yield verdictValues(f);
}

/**
 * Stores a local scan's findings in the caller's transaction: they are copied into a temporary table (no WAL, gone
 * at commit) and folded into the state, so only what changed is written to the store. One finding per (control,
 * asset): a second one fails the scan rather than overwrite the first.
 */
export async function storeScanFindings(tx: SqlClient, scan: ScanCoverageRow, findings: readonly Finding[]): Promise<void> {
  await tx.exec(
    `CREATE TEMPORARY TABLE ${SCAN_FINDINGS_TABLE} (
       control_id text NOT NULL, asset_id text NOT NULL, check_id text NOT NULL, asset_name text, status text NOT NULL,
       reason text NOT NULL, severity text NOT NULL, details jsonb, connector_name text, PRIMARY KEY (control_id, asset_id)
     ) ON COMMIT DROP`,
  );
  await tx.copyRows(SCAN_FINDINGS_TABLE, VERDICT_COPY, scanFindingRows(findings));
  // without statistics the planner joins the temporary table row by row: measured 1.7 s slower at 80,000 findings
  await tx.exec(`ANALYZE pg_temp.${SCAN_FINDINGS_TABLE}`);
  await foldVerdicts(tx, scan, 'scan');
  await tx.exec(`DROP TABLE pg_temp.${SCAN_FINDINGS_TABLE}`);
}

/** Folds a queued scan's staged findings into the state and removes them (the scan's finish, in its transaction). */
export async function foldStagedFindings(tx: SqlClient, scan: ScanCoverageRow): Promise<void> {
  await foldVerdicts(tx, scan, 'staged');
  await tx.query('DELETE FROM staged_findings WHERE scan_id = $1', [scan.id]);
}

interface StateRow {
  control_id: string;
  asset_id: string;
  check_id: string;
  asset_name: string | null;
  status: FindingStatus | 'absent';
  reason: string;
  severity: Finding['severity'];
  details: FindingDetails | null;
  connector_name: string | null;
  first_seen_scan: number;
  status_since_scan: number;
  status_changes: number;
}

/** The state rows as the read gives them: one JSON array per column, in STATE_COLUMNS' order, all of one length. */
type StateColumns = { readonly [K in keyof StateRow]: readonly StateRow[K][] };

/** `json_build_array(json_agg(c1), json_agg(c2), …)`: the aggregates of one query level see the rows in one order. */
const STATE_COLUMNS_JSON = `json_build_array(${STATE_COLUMNS.map((c) => `json_agg(${c})`).join(', ')})`;

/** Parallel arrays in STATE_COLUMNS' order as one object of arrays (a missing or null one: empty). */
function namedColumns(arrays: readonly (readonly unknown[] | null | undefined)[]): StateColumns {
  return Object.fromEntries(STATE_COLUMNS.map((c, i) => [c, arrays[i] ?? []])) as unknown as StateColumns;
}

/** The columns of a read back as one object of arrays (no rows: every array empty, json_agg's null). */
function stateColumns(text: string | null): StateColumns {
  return namedColumns(text === null ? [] : (JSON.parse(text) as (unknown[] | null)[]));
}

/**
 * The rows in the order readers give them: control, check and asset, in code point order (the embedded store's C
 * collation) whatever the engine's collation. Sorted here, not by the database: PGlite's sort of 80,000 rows by
 * three text keys took 1.3 s (the control ids share long prefixes), this 40–90 ms.
 */
function inReadOrder(c: StateColumns): StateColumns {
  const order = sortByCodePoints(c.control_id.map((_, i) => i), (i) => [c.control_id[i]!, c.check_id[i]!, c.asset_id[i]!]);
  return namedColumns(STATE_COLUMNS.map((name) => order.map((i) => c[name][i])));
}

function toJudged(r: StateRow): JudgedFinding {
  const finding: Finding = { controlId: r.control_id, checkId: r.check_id, assetId: r.asset_id, assetName: r.asset_name, status: r.status as FindingStatus, reason: r.reason, severity: r.severity };
  // no spread in the common case: this runs once per finding (80,000 in a large tenant's read), and few have details or a connector
  const withExtras = r.details === null && !r.connector_name ? finding : { ...finding, ...(r.details ?? {}), ...(r.connector_name ? { connector: r.connector_name } : {}) };
  return { finding: withExtras, firstSeenScan: Number(r.first_seen_scan), statusSinceScan: Number(r.status_since_scan), statusChanges: Number(r.status_changes) };
}

/** The id of the latest complete scan, as a subquery: the scan whose state finding_states holds as it is. */
const LATEST_COMPLETE_SCAN = "(SELECT max(id) FROM scans WHERE status = 'complete')";

/** The whole judged state of the latest scan as judgedStateAt reads it: one JSON text (STATE_COLUMNS_JSON). */
const LATEST_STATE_SQL = `SELECT ${STATE_COLUMNS_JSON}::text AS state FROM (${stateAtSql(true, "status <> 'absent'", 'true')}) judged`;

/**
 * Keeps the latest complete scan's state as its readers read it (migration 14), in the transaction that changed it
 * (a scan's completion, after its findings are folded; a prune): the columns judgedStateAt reads for the latest
 * scan, built by the same statement and put in the same order, encoded by state-snapshot-codec.ts. The trigger on
 * finding_states removes it at the next change; the space of the one it replaces is reused after a VACUUM
 * (vacuumStateSnapshots). Nothing is kept while no scan is complete.
 */
export async function refreshStateSnapshot(tx: SqlClient): Promise<void> {
  await tx.query('DELETE FROM state_snapshots');
  const latest = (await tx.query<{ id: number | null }>(`SELECT ${LATEST_COMPLETE_SCAN} AS id`)).rows[0]?.id ?? null;
  if (latest === null) return;
  const { rows } = await tx.query<{ state: string | null }>(LATEST_STATE_SQL, [latest]);
  const columns = inReadOrder(stateColumns(rows[0]?.state ?? null));
  const bytes = encodeStateSnapshot(STATE_COLUMNS, STATE_COLUMNS.map((c) => columns[c]));
  // as base64 text both ways: PGlite converts a bytea value to and from JavaScript 10 times slower (0.1 s for 1 MB)
  await tx.query("INSERT INTO state_snapshots (scan_id, state, findings) VALUES ($1, decode($2, 'base64'), $3)", [
    latest,
    Buffer.from(bytes).toString('base64'),
    columns.control_id.length,
  ]);
}

/**
 * Outside any transaction, once a scan has committed: lets the space of the snapshot it replaced (4 MB compressed at
 * 80,000 findings) be reused, as PGlite has no autovacuum. Failing to reclaim the space never fails the scan, which is stored.
 */
export async function vacuumStateSnapshots(store: Pick<SqlClient, 'exec'>): Promise<void> {
  await store.exec('VACUUM state_snapshots').catch(() => undefined);
}

/**
 * The kept state of complete scan $1 when it is still the latest, in read order (null: none kept, no longer the
 * latest, or not readable as a state: the caller builds it).
 */
async function stateSnapshot(client: SqlClient, scanId: number): Promise<StateColumns | null> {
  const { rows } = await client.query<{ state: string }>(
    `SELECT encode(state, 'base64') AS state FROM state_snapshots WHERE scan_id = $1 AND scan_id = ${LATEST_COMPLETE_SCAN}`,
    [scanId],
  );
  const columns = rows[0] === undefined ? null : decodeStateSnapshot(Buffer.from(rows[0].state, 'base64'), STATE_COLUMNS);
  return columns === null ? null : namedColumns(columns);
}

/** A complete scan whose state can be read: NOT_FOUND for an unknown, unfinished or pruned one. */
async function readableScan(client: SqlClient, scanId: number): Promise<{ latest: boolean }> {
  const { rows } = await client.query<{ status: string; pruned_at: unknown; latest: boolean }>(
    `SELECT status, pruned_at, id = ${LATEST_COMPLETE_SCAN} AS latest FROM scans WHERE id = $1`,
    [scanId],
  );
  const row = rows[0];
  if (!row || row.status !== 'complete') throw new WardError('NOT_FOUND', `scan ${scanId} is ${row ? row.status : 'unknown'}: it has no findings`, { hint: 'pick a complete scan (ward scans)' });
  if (row.pruned_at !== null) {
    throw new WardError('NOT_FOUND', `the findings of scan ${scanId} were pruned; its summary stays in ward scans`, { hint: 'pick a later scan (ward scans), or keep more with ward prune' });
  }
  return { latest: row.latest === true };
}

/**
 * The state rows as of complete scan $1, absent ones included, restricted by `where` (over the row's columns, with
 * parameters from $2 on). `keyWhere` may only test the key (control_id, asset_id): it is applied before the versions
 * of a key are compared, so a diff reads only the keys it names. The latest scan reads the state as it is.
 */
function stateAtSql(latest: boolean, where: string, keyWhere: string): string {
  if (latest) return `SELECT ${STATE_LIST} FROM finding_states WHERE $1::integer IS NOT NULL AND (${keyWhere}) AND (${where})`;
  return `SELECT ${STATE_LIST} FROM (
      SELECT DISTINCT ON (control_id, asset_id) ${STATE_LIST} FROM (
        SELECT scan_id AS version, ${STATE_LIST} FROM finding_changes WHERE scan_id > $1::integer AND (${keyWhere})
        UNION ALL SELECT 2147483647, ${STATE_LIST} FROM finding_states WHERE first_seen_scan <= $1::integer AND (${keyWhere})
      ) versions ORDER BY control_id, asset_id, version
    ) at_scan WHERE first_seen_scan <= $1::integer AND (${where})`;
}

/**
 * The row's key is one of the (control, asset) pairs of two parallel text arrays. Written only where keys are given,
 * without an `IS NULL OR` around it: then the planner can look each pair up in the primary key (a diff reads a few
 * thousand keys of 80,000 findings) instead of testing every row.
 */
const KEY_IN_ARRAYS = (controls: string, assets: string): string => `(control_id, asset_id) IN (SELECT * FROM unnest(${controls}::text[], ${assets}::text[]))`;

export interface JudgedStateQuery {
  /** Only these statuses (default: every status a finding can have). */
  readonly status?: FindingStatus;
  /** Only the findings of these (control, asset) keys. */
  readonly keys?: readonly { readonly controlId: string; readonly assetId: string }[];
  /** Only what this scan covered (its subscriptions and controls). */
  readonly coverage?: ScanCoverageRow;
}

/**
 * The judged state of the tenant as of complete scan `scanId`: for every (control, asset), the verdict of the last
 * complete scan up to `scanId` that covered it (a full scan covers all; a narrowed one, the subscriptions in its
 * scope and the controls it evaluated). An asset a covering scan no longer found is gone. After
 * `scan --subscription A`, the other subscriptions keep their verdicts from the last scan that judged them, so
 * drift, `ward findings` and reports see the whole tenant. Ordered by control, check and asset, in code point order
 * (the embedded store's C collation) whatever the engine's collation.
 */
export async function judgedStateAt(client: SqlClient, scanId: number, query: JudgedStateQuery = {}): Promise<JudgedFinding[]> {
  const { latest } = await readableScan(client, scanId);
  const keys = query.keys;
  const coverage = query.coverage;
  // one row of JSON text, parsed natively: decoding 80,000 rows of 12 columns through PGlite's protocol took 2.4 s,
  // a JSON array per row 1.4 s, and one array per column (fewer JSON values for PGlite to build) about 0.2 s less.
  // Put in read order here, not by the database (inReadOrder).
  const read = (asLatest: boolean) =>
    client.query<{ state: string | null }>(
      // The latest scan's state is finding_states as it is, but a scan can complete (on a server, from another
      // process) after readableScan said $1 is the latest: the statement checks it again in its own snapshot and
      // returns no state when it no longer is, and the state is then rebuilt as of $1 like any earlier scan's.
      `SELECT CASE WHEN ${asLatest ? `${LATEST_COMPLETE_SCAN} = $1::integer` : 'true'}
         THEN ${STATE_COLUMNS_JSON}::text END AS state FROM (${stateAtSql(
        asLatest,
        `status <> 'absent' AND ($2::text IS NULL OR status = $2)`,
        `${keys === undefined ? '$3::text[] IS NULL AND $4::text[] IS NULL' : KEY_IN_ARRAYS('$3', '$4')}
         AND ($5::boolean IS NOT TRUE OR (($6::text[] IS NULL OR asset_id = ANY ($6::text[])) AND ($7::text[] IS NULL OR control_id = ANY ($7::text[]))))`,
      )}) judged`,
      [
        scanId,
        query.status ?? null,
        keys === undefined ? null : keys.map((k) => k.controlId),
        keys === undefined ? null : keys.map((k) => k.assetId),
        coverage !== undefined,
        coverage?.scope === undefined || coverage.scope === null ? null : [...coverage.scope],
        coverage?.controls === undefined || coverage.controls === null ? null : [...coverage.controls],
      ],
    );
  const whole = query.status === undefined && keys === undefined && coverage === undefined;
  let c = latest && whole ? await stateSnapshot(client, scanId) : null;
  if (c === null) {
    let state = (await read(latest)).rows[0]?.state ?? null;
    if (state === null && latest) state = (await read(false)).rows[0]?.state ?? null;
    c = inReadOrder(stateColumns(state));
  }
  const judged = new Array<JudgedFinding>(c.control_id.length);
  for (let i = 0; i < judged.length; i += 1) {
    judged[i] = toJudged({
      control_id: c.control_id[i]!,
      asset_id: c.asset_id[i]!,
      check_id: c.check_id[i]!,
      asset_name: c.asset_name[i] ?? null,
      status: c.status[i]!,
      reason: c.reason[i]!,
      severity: c.severity[i]!,
      details: c.details[i] ?? null,
      connector_name: c.connector_name[i] ?? null,
      first_seen_scan: c.first_seen_scan[i]!,
      status_since_scan: c.status_since_scan[i]!,
      status_changes: c.status_changes[i]!,
    });
  }
  return judged;
}

/** The findings of the judged state as of complete scan `scanId` (see judgedStateAt). */
export async function judgedFindingsAt(client: SqlClient, scanId: number, query: JudgedStateQuery = {}): Promise<Finding[]> {
  return (await judgedStateAt(client, scanId, query)).map((j) => j.finding);
}

/**
 * What a scan itself judged: the state as of the scan within what it covered, or only one status of it (a
 * notification's errors). Nothing for a scan that did not complete.
 */
export async function findingsOfScan(client: SqlClient, scanId: number, options: { readonly status?: FindingStatus } = {}): Promise<Finding[]> {
  const { rows } = await client.query<{ status: string; scope: string[] | null; controls: string[] | null }>('SELECT status, scope, controls FROM scans WHERE id = $1', [scanId]);
  const scan = rows[0];
  if (!scan || scan.status !== 'complete') return [];
  return judgedFindingsAt(client, scanId, { ...(options.status === undefined ? {} : { status: options.status }), coverage: { id: scanId, scope: scan.scope ?? null, controls: scan.controls ?? null } });
}

/** The (control, asset) keys whose state may differ between complete scans `fromId` < `toId`: changed or first seen in between. */
export async function keysChangedBetween(client: SqlClient, fromId: number, toId: number): Promise<{ controlId: string; assetId: string }[]> {
  const { rows } = await client.query<{ control_id: string; asset_id: string }>(
    `SELECT control_id, asset_id FROM finding_changes WHERE scan_id > $1 AND scan_id <= $2
     UNION SELECT control_id, asset_id FROM finding_states WHERE first_seen_scan > $1 AND first_seen_scan <= $2`,
    [fromId, toId],
  );
  return rows.map((r) => ({ controlId: r.control_id, assetId: r.asset_id }));
}

/**
 * The (control, asset) keys present in the state as of complete scan `scanId` other than `except`: what a diff
 * counts as unchanged or out of scope without reading the findings.
 */
export async function otherJudgedKeys(
  client: SqlClient,
  scanId: number,
  except: readonly { readonly controlId: string; readonly assetId: string }[],
): Promise<{ controlId: string; assetId: string }[]> {
  const { latest } = await readableScan(client, scanId);
  const { rows } = await client.query<{ control_id: string; asset_id: string }>(
    `SELECT control_id, asset_id FROM (${stateAtSql(latest, `status <> 'absent'`, '(control_id, asset_id) NOT IN (SELECT * FROM unnest($2::text[], $3::text[]))')}) judged`,
    [scanId, except.map((k) => k.controlId), except.map((k) => k.assetId)],
  );
  return rows.map((r) => ({ controlId: r.control_id, assetId: r.asset_id }));
}

/**
 * How many findings the state as of complete scan `scanId` holds, other than the `except` keys: all of them less
 * those of the keys, in one statement (one snapshot). Counting the others directly tested every row against the
 * keys (NOT IN cannot use an index): 80–100 ms on PGlite at 80,000 findings against 30–40 ms this way.
 */
export async function countOtherJudgedKeys(client: SqlClient, scanId: number, except: readonly { readonly controlId: string; readonly assetId: string }[]): Promise<number> {
  const { latest } = await readableScan(client, scanId);
  const { rows } = await client.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM (${stateAtSql(latest, `status <> 'absent'`, '$2::text[] IS NOT NULL AND $3::text[] IS NOT NULL')}) judged)
          - (SELECT count(*) FROM (${stateAtSql(latest, `status <> 'absent'`, KEY_IN_ARRAYS('$2', '$3'))}) excepted)::integer AS n`,
    [scanId, except.map((k) => k.controlId), except.map((k) => k.assetId)],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * How many findings the state as of complete scan `scanId` holds, when its state is kept (it is the latest and
 * nothing changed since; else null): without reading them, where counting finding_states took a full scan of the
 * table (60–110 ms at 80,000 findings on PGlite). It may be put together with a read of the same scan's state made
 * by another statement: a complete scan's state never changes (a prune removes only older scans' detail).
 */
export async function keptStateSize(client: SqlClient, scanId: number): Promise<number | null> {
  const { rows } = await client.query<{ findings: number }>(`SELECT findings FROM state_snapshots WHERE scan_id = $1 AND scan_id = ${LATEST_COMPLETE_SCAN}`, [scanId]);
  return rows[0] === undefined ? null : Number(rows[0].findings);
}

/** For each asset id given, the configured connector of its last verdict as of complete scan `scanId` (absent: none). */
export async function connectorsOfAssets(client: SqlClient, scanId: number, assetIds: readonly string[]): Promise<Map<string, string>> {
  if (assetIds.length === 0) return new Map();
  const { latest } = await readableScan(client, scanId);
  const { rows } = await client.query<{ asset_id: string; connector_name: string }>(
    `SELECT DISTINCT ON (asset_id) asset_id, connector_name FROM (${stateAtSql(latest, 'connector_name IS NOT NULL', 'asset_id = ANY ($2::text[])')}) judged
     ORDER BY asset_id, status_since_scan DESC, control_id`,
    [scanId, [...new Set(assetIds)]],
  );
  return new Map(rows.map((r) => [r.asset_id, r.connector_name]));
}

/**
 * Migration 11's carry-over: replays the complete scans of a store written before it, oldest first, from their
 * per-scan rows (already in `staged_findings`), then removes those rows. Queued scans keep their staged rows.
 */
export async function foldStoredHistory(tx: SqlClient): Promise<void> {
  const { rows } = await tx.query<{ id: number; scope: string[] | null; controls: string[] | null }>(
    "SELECT id, scope, controls FROM scans WHERE status = 'complete' ORDER BY id",
  );
  for (const row of rows) {
    await foldVerdicts(tx, { id: Number(row.id), scope: row.scope ?? null, controls: row.controls ?? null }, 'staged');
  }
  await tx.query("DELETE FROM staged_findings WHERE scan_id IN (SELECT id FROM scans WHERE status <> 'queued')");
}
