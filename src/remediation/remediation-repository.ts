/**
 * Remediation runs in the store: one row per `ward remediate --apply`, one per request it made, each with the
 * contact exactly as GET returned it before the change (or that it did not exist), so that a rollback restores it.
 * A run records the process applying it (pid on host) and a heartbeat, so that a run whose process died is seen as
 * interrupted rather than running forever.
 */
import type { SqlClient } from '../store/sql-client.js';

export type RunStatus = 'running' | 'complete' | 'stopped' | 'failed' | 'interrupted' | 'rolled-back' | 'partly-rolled-back' | 'rollback-failed';

/**
 * pending: recorded before the request was sent, outcome not known yet (in flight, or the process died);
 * applied: Azure answered success, or the contact read back as the request; not-applied: a pending request read
 * back as never having taken effect; failed: Azure answered an error (nothing was written); rolled-back; rollback-failed;
 * rollback-refused: the contact changed after the run and rollback left it alone.
 */
export type ChangeStatus = 'pending' | 'applied' | 'not-applied' | 'failed' | 'rolled-back' | 'rollback-failed' | 'rollback-refused';

export const CHANGE_STATUSES: readonly ChangeStatus[] = ['pending', 'applied', 'not-applied', 'failed', 'rolled-back', 'rollback-failed', 'rollback-refused'];

/** The process that applies a run. */
export interface RunOwner {
  readonly pid: number;
  readonly host: string;
}

export interface RemediationRun {
  readonly id: number;
  readonly controlId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly status: RunStatus;
  readonly armEndpoint: string;
  readonly addresses: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
  readonly message: string | null;
  /** null for runs recorded by a ward without owners. */
  readonly owner: RunOwner | null;
  readonly heartbeatAt: Date | null;
}

export interface RemediationChange {
  readonly runId: number;
  readonly seq: number;
  readonly batch: number;
  readonly assetId: string;
  readonly contactName: string;
  readonly method: 'PUT' | 'DELETE';
  readonly path: string;
  readonly apiVersion: string;
  readonly requestBody: unknown;
  /** null while unknown (the GET has not answered). */
  readonly beforeExists: boolean | null;
  readonly beforeBody: unknown;
  readonly afterBody: unknown;
  readonly status: ChangeStatus;
  readonly error: string | null;
  readonly note: string | null;
}

const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const toDateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : toDate(value));

export async function createRun(
  client: SqlClient,
  run: { controlId: string; startedAt: Date; armEndpoint: string; addresses: readonly string[]; options: Record<string, unknown>; owner?: RunOwner },
): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO remediation_runs (control_id, started_at, status, arm_endpoint, addresses, options, owner_pid, owner_host, heartbeat_at)
     VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $2) RETURNING id`,
    [run.controlId, run.startedAt.toISOString(), run.armEndpoint, [...run.addresses], JSON.stringify(run.options), run.owner?.pid ?? null, run.owner?.host ?? null],
  );
  return Number(rows[0]!.id);
}

export async function finishRun(client: SqlClient, id: number, status: RunStatus, at: Date, message: string | null): Promise<void> {
  await client.query(`UPDATE remediation_runs SET status = $2, finished_at = $3, message = $4 WHERE id = $1`, [id, status, at.toISOString(), message]);
}

/** The owner of a running run says it is alive. */
export async function touchRun(client: SqlClient, id: number, at: Date): Promise<void> {
  await client.query(`UPDATE remediation_runs SET heartbeat_at = $2 WHERE id = $1 AND status = 'running'`, [id, at.toISOString()]);
}

/** Records that a run's process ended without finishing it; true when this call did (the run was still `running`). */
export async function markInterrupted(client: SqlClient, id: number, message: string): Promise<boolean> {
  const { rows } = await client.query<{ id: number }>(`UPDATE remediation_runs SET status = 'interrupted', message = $2 WHERE id = $1 AND status = 'running' RETURNING id`, [
    id,
    message,
  ]);
  return rows.length > 0;
}

function runOf(row: Record<string, unknown>): RemediationRun {
  return {
    id: Number(row.id),
    controlId: String(row.control_id),
    startedAt: toDate(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
    status: row.status as RunStatus,
    armEndpoint: String(row.arm_endpoint),
    addresses: (row.addresses as string[]) ?? [],
    options: (row.options as Record<string, unknown>) ?? {},
    message: (row.message as string | null) ?? null,
    owner: row.owner_pid === null || row.owner_pid === undefined ? null : { pid: Number(row.owner_pid), host: String(row.owner_host ?? '') },
    heartbeatAt: toDateOrNull(row.heartbeat_at),
  };
}

export async function getRun(client: SqlClient, id: number): Promise<RemediationRun | undefined> {
  const { rows } = await client.query<Record<string, unknown>>(`SELECT * FROM remediation_runs WHERE id = $1`, [id]);
  return rows[0] ? runOf(rows[0]) : undefined;
}

/** Every run, oldest first. */
export async function listRuns(client: SqlClient): Promise<RemediationRun[]> {
  const { rows } = await client.query<Record<string, unknown>>(`SELECT * FROM remediation_runs ORDER BY id`);
  return rows.map(runOf);
}

/** run id → change status → how many. */
export async function countChanges(client: SqlClient): Promise<Map<number, Partial<Record<ChangeStatus, number>>>> {
  const { rows } = await client.query<{ run_id: number; status: ChangeStatus; n: number }>(
    `SELECT run_id, status, count(*)::integer AS n FROM remediation_changes GROUP BY run_id, status`,
  );
  const counts = new Map<number, Partial<Record<ChangeStatus, number>>>();
  for (const row of rows) {
    const id = Number(row.run_id);
    counts.set(id, { ...counts.get(id), [row.status]: Number(row.n) });
  }
  return counts;
}

export async function insertChange(
  client: SqlClient,
  change: Pick<RemediationChange, 'runId' | 'seq' | 'batch' | 'assetId' | 'contactName' | 'method' | 'path' | 'apiVersion' | 'requestBody' | 'beforeExists' | 'beforeBody'>,
): Promise<void> {
  await client.query(
    `INSERT INTO remediation_changes (run_id, seq, batch, asset_id, contact_name, method, path, api_version, request_body, before_exists, before_body, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending')`,
    [
      change.runId,
      change.seq,
      change.batch,
      change.assetId,
      change.contactName,
      change.method,
      change.path,
      change.apiVersion,
      change.requestBody === null || change.requestBody === undefined ? null : JSON.stringify(change.requestBody),
      change.beforeExists,
      change.beforeBody === null || change.beforeBody === undefined ? null : JSON.stringify(change.beforeBody),
    ],
  );
}

const ROLLBACK_STATUSES: readonly ChangeStatus[] = ['rolled-back', 'rollback-failed', 'rollback-refused'];

export async function updateChange(
  client: SqlClient,
  runId: number,
  seq: number,
  update: { status: ChangeStatus; at: Date; afterBody?: unknown; error?: string | null; note?: string | null },
): Promise<void> {
  const column = ROLLBACK_STATUSES.includes(update.status) ? 'rolled_back_at' : 'applied_at';
  await client.query(
    `UPDATE remediation_changes SET status = $3, ${column} = $4, after_body = COALESCE($5, after_body), error = $6, note = COALESCE($7, note) WHERE run_id = $1 AND seq = $2`,
    [
      runId,
      seq,
      update.status,
      update.at.toISOString(),
      update.afterBody === undefined || update.afterBody === null ? null : JSON.stringify(update.afterBody),
      update.error ?? null,
      update.note ?? null,
    ],
  );
}

export async function listChanges(client: SqlClient, runId: number): Promise<RemediationChange[]> {
  const { rows } = await client.query<Record<string, unknown>>(`SELECT * FROM remediation_changes WHERE run_id = $1 ORDER BY seq`, [runId]);
  return rows.map((row) => ({
    runId: Number(row.run_id),
    seq: Number(row.seq),
    batch: Number(row.batch),
    assetId: String(row.asset_id),
    contactName: String(row.contact_name),
    method: row.method as 'PUT' | 'DELETE',
    path: String(row.path),
    apiVersion: String(row.api_version),
    requestBody: row.request_body ?? null,
    beforeExists: row.before_exists === null ? null : Boolean(row.before_exists),
    beforeBody: row.before_body ?? null,
    afterBody: row.after_body ?? null,
    status: row.status as ChangeStatus,
    error: (row.error as string | null) ?? null,
    note: (row.note as string | null) ?? null,
  }));
}
