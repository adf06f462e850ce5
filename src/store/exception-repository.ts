/**
 * Exceptions (risk acceptances) and their audit trail. Every change goes through here together with its
 * audit event, in the caller's transaction: a stored exception never changes without a line in the log.
 */
import { exceptionIsActive } from '../core/engine/apply-exceptions.js';
import type { ExceptionRecord } from '../core/model.js';
import type { SqlClient } from './sql-client.js';
import { toIso as iso } from './row-timestamps.js';

export type ExceptionAction = 'add' | 'update' | 'remove' | 'expire';

export interface ExceptionEvent {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: ExceptionAction;
  readonly exceptionId: string;
  /** `cli`, `import:<file>` or `scan`. */
  readonly source: string | null;
  /** The exception as it was after the change (before it, for a removal). */
  readonly exception: ExceptionRecord;
}

export interface ChangeContext {
  readonly actor: string;
  readonly at: Date;
  readonly source: string;
}

interface ExceptionRow {
  id: string;
  control_id: string;
  asset_id: string;
  owner: string;
  reason: string;
  expires: string;
  created_at: Date | string;
  created_by: string;
}


function toRecord(row: ExceptionRow): ExceptionRecord {
  return {
    id: row.id,
    controlId: row.control_id,
    assetId: row.asset_id,
    owner: row.owner,
    reason: row.reason,
    expires: row.expires,
    createdAt: iso(row.created_at),
    createdBy: row.created_by,
  };
}

const COLUMNS = 'id, control_id, asset_id, owner, reason, expires, created_at, created_by';

export async function listExceptions(client: SqlClient): Promise<ExceptionRecord[]> {
  const { rows } = await client.query<ExceptionRow>(`SELECT ${COLUMNS} FROM exceptions ORDER BY length(id), id`);
  return rows.map(toRecord);
}

export async function getException(client: SqlClient, id: string): Promise<ExceptionRecord | undefined> {
  const { rows } = await client.query<ExceptionRow>(`SELECT ${COLUMNS} FROM exceptions WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** The next free `EX-<n>` id (one above the highest number in use or ever logged, so a removed id is never reused). */
export async function nextExceptionId(client: SqlClient): Promise<string> {
  const { rows } = await client.query<{ n: number | null }>(
    `SELECT max(substring(id FROM '^EX-([0-9]+)$')::integer) AS n FROM (SELECT id FROM exceptions UNION ALL SELECT exception_id FROM exception_events) ids`,
  );
  return `EX-${Number(rows[0]?.n ?? 0) + 1}`;
}

async function logEvent(client: SqlClient, action: ExceptionAction, exception: ExceptionRecord, context: ChangeContext): Promise<void> {
  await client.query('INSERT INTO exception_events (at, actor, action, exception_id, source, exception) VALUES ($1, $2, $3, $4, $5, $6)', [
    context.at,
    context.actor,
    action,
    exception.id,
    context.source,
    JSON.stringify(exception),
  ]);
}

/** Stores a new exception or replaces the one with its id, and logs it (`add` or `update`). */
export async function saveException(client: SqlClient, exception: ExceptionRecord, context: ChangeContext): Promise<'add' | 'update'> {
  const existing = await getException(client, exception.id);
  await client.query(
    `INSERT INTO exceptions (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET control_id = $2, asset_id = $3, owner = $4, reason = $5, expires = $6`,
    [exception.id, exception.controlId, exception.assetId, exception.owner, exception.reason, exception.expires, exception.createdAt, exception.createdBy],
  );
  const action = existing ? 'update' : 'add';
  await logEvent(client, action, existing ? { ...exception, createdAt: existing.createdAt, createdBy: existing.createdBy } : exception, context);
  return action;
}

/** Deletes an exception and logs the removal; undefined when there is no such exception. */
export async function removeException(client: SqlClient, id: string, context: ChangeContext): Promise<ExceptionRecord | undefined> {
  const existing = await getException(client, id);
  if (!existing) return undefined;
  await client.query('DELETE FROM exceptions WHERE id = $1', [id]);
  await logEvent(client, 'remove', existing, context);
  return existing;
}

/**
 * Logs an `expire` event for every stored exception that has lapsed at `now` and whose lapse (for that expiry
 * date) is not logged yet. Called by scans and by the commands that show exceptions; returns the newly expired.
 */
export async function recordExpiredExceptions(client: SqlClient, now: Date, context: Omit<ChangeContext, 'at'>): Promise<ExceptionRecord[]> {
  const lapsed = (await listExceptions(client)).filter((e) => !exceptionIsActive(e, now));
  if (lapsed.length === 0) return [];
  const { rows } = await client.query<{ exception_id: string; expires: string }>(
    "SELECT exception_id, exception->>'expires' AS expires FROM exception_events WHERE action = 'expire'",
  );
  const logged = new Set(rows.map((r) => `${r.exception_id}\u0000${r.expires}`));
  const fresh = lapsed.filter((e) => !logged.has(`${e.id}\u0000${e.expires}`));
  for (const exception of fresh) await logEvent(client, 'expire', exception, { ...context, at: now });
  return fresh;
}

/**
 * The last logged change of an exception id, stored or not: for an id that is not stored, its removal. Ids are never
 * reused, so an import that names a removed id is refused rather than bringing it back.
 */
export async function lastExceptionEvent(client: SqlClient, exceptionId: string): Promise<ExceptionEvent | undefined> {
  const events = await listExceptionEvents(client, exceptionId);
  return events.at(-1);
}

export async function listExceptionEvents(client: SqlClient, exceptionId?: string): Promise<ExceptionEvent[]> {
  const { rows } = await client.query<{
    id: number; at: Date | string; actor: string; action: ExceptionAction; exception_id: string; source: string | null; exception: ExceptionRecord;
  }>(
    `SELECT id, at, actor, action, exception_id, source, exception FROM exception_events ${exceptionId ? 'WHERE exception_id = $1' : ''} ORDER BY id`,
    exceptionId ? [exceptionId] : [],
  );
  return rows.map((r) => ({ id: Number(r.id), at: iso(r.at), actor: r.actor, action: r.action, exceptionId: r.exception_id, source: r.source, exception: r.exception }));
}
