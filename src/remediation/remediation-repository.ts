/**
 * Remediation runs in the store: one row per `ward remediate --apply`, one per request it made, each with the
 * contact exactly as GET returned it before the change (or that it did not exist), so that a rollback restores it.
 */
import type { SqlClient } from '../store/sql-client.js';

export type RunStatus = 'running' | 'complete' | 'stopped' | 'failed' | 'rolled-back' | 'rollback-failed';
export type ChangeStatus = 'pending' | 'applied' | 'failed' | 'rolled-back' | 'rollback-failed';

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
}

const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

export async function createRun(
  client: SqlClient,
  run: { controlId: string; startedAt: Date; armEndpoint: string; addresses: readonly string[]; options: Record<string, unknown> },
): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO remediation_runs (control_id, started_at, status, arm_endpoint, addresses, options) VALUES ($1, $2, 'running', $3, $4, $5) RETURNING id`,
    [run.controlId, run.startedAt.toISOString(), run.armEndpoint, [...run.addresses], JSON.stringify(run.options)],
  );
  return Number(rows[0]!.id);
}

export async function finishRun(client: SqlClient, id: number, status: RunStatus, at: Date, message: string | null): Promise<void> {
  await client.query(`UPDATE remediation_runs SET status = $2, finished_at = $3, message = $4 WHERE id = $1`, [id, status, at.toISOString(), message]);
}

export async function getRun(client: SqlClient, id: number): Promise<RemediationRun | undefined> {
  const { rows } = await client.query<Record<string, unknown>>(`SELECT * FROM remediation_runs WHERE id = $1`, [id]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: Number(row.id),
    controlId: String(row.control_id),
    startedAt: toDate(row.started_at),
    finishedAt: row.finished_at === null ? null : toDate(row.finished_at),
    status: row.status as RunStatus,
    armEndpoint: String(row.arm_endpoint),
    addresses: (row.addresses as string[]) ?? [],
    options: (row.options as Record<string, unknown>) ?? {},
    message: (row.message as string | null) ?? null,
  };
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

export async function updateChange(
  client: SqlClient,
  runId: number,
  seq: number,
  update: { status: ChangeStatus; at: Date; afterBody?: unknown; error?: string | null },
): Promise<void> {
  const column = update.status === 'rolled-back' || update.status === 'rollback-failed' ? 'rolled_back_at' : 'applied_at';
  await client.query(
    `UPDATE remediation_changes SET status = $3, ${column} = $4, after_body = COALESCE($5, after_body), error = $6 WHERE run_id = $1 AND seq = $2`,
    [
      runId,
      seq,
      update.status,
      update.at.toISOString(),
      update.afterBody === undefined || update.afterBody === null ? null : JSON.stringify(update.afterBody),
      update.error ?? null,
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
  }));
}
