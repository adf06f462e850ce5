/**
 * Scheduled scans (`ward schedule`), table schedules. The team workers run them (graphile-worker's crontab, UTC);
 * this module only stores them and records each run.
 */
import { WardError } from '../core/errors.js';
import type { SqlClient } from './sql-client.js';
import { toIso as iso } from './row-timestamps.js';

export interface ScheduleRecord {
  /** `s1`, `s2`… or the name given with --name. */
  readonly id: string;
  /** A 5-field cron expression, UTC (src/team/schedule-cron.ts checks it). */
  readonly cron: string;
  /** The configured connectors it scans; null: every configured connector. */
  readonly connectors: readonly string[] | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly lastRunAt: string | null;
  readonly lastScanId: number | null;
}

export interface NewSchedule {
  /** Default: the next free `s<n>`. */
  readonly id?: string;
  readonly cron: string;
  readonly connectors: readonly string[] | null;
  readonly createdAt: string;
  readonly createdBy: string;
}

interface ScheduleRow {
  id: string;
  cron: string;
  connectors: string[] | null;
  created_at: Date | string;
  created_by: string;
  last_run_at: Date | string | null;
  last_scan_id: number | null;
}

/** Schedule ids: as connector names, 1 to 63 lower-case letters, digits and dashes. */
export const SCHEDULE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

const COLUMNS = 'id, cron, connectors, created_at, created_by, last_run_at, last_scan_id';

function toRecord(row: ScheduleRow): ScheduleRecord {
  return {
    id: row.id,
    cron: row.cron,
    connectors: row.connectors,
    createdAt: iso(row.created_at),
    createdBy: row.created_by,
    lastRunAt: row.last_run_at === null ? null : iso(row.last_run_at),
    lastScanId: row.last_scan_id === null ? null : Number(row.last_scan_id),
  };
}

async function insert(client: SqlClient, id: string, schedule: NewSchedule): Promise<ScheduleRecord | undefined> {
  const { rows } = await client.query<ScheduleRow>(
    `INSERT INTO schedules (id, cron, connectors, created_at, created_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
    [id, schedule.cron, schedule.connectors === null ? null : [...schedule.connectors], schedule.createdAt, schedule.createdBy],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Stores a schedule under its given id (refused when taken) or the next free `s<n>`. */
export async function addSchedule(client: SqlClient, schedule: NewSchedule): Promise<ScheduleRecord> {
  if (schedule.id !== undefined) {
    if (!SCHEDULE_ID_PATTERN.test(schedule.id)) {
      throw new WardError('USAGE', `--name ${JSON.stringify(schedule.id)} is not a schedule id`, {
        hint: 'a schedule id is 1 to 63 lower-case letters, digits and dashes, e.g. daily-prod',
      });
    }
    const added = await insert(client, schedule.id, schedule);
    if (!added) {
      throw new WardError('USAGE', `a schedule named ${schedule.id} already exists`, {
        hint: `choose another --name, or remove it first (ward schedule remove ${schedule.id})`,
      });
    }
    return added;
  }
  // another process may take the same number at the same moment: then try the next one
  for (let attempt = 0; attempt < 10; attempt++) {
    const { rows } = await client.query<{ n: number | null }>(`SELECT max(substring(id FROM '^s([0-9]+)$')::integer) AS n FROM schedules`);
    const added = await insert(client, `s${Number(rows[0]?.n ?? 0) + 1 + attempt}`, schedule);
    if (added) return added;
  }
  throw new WardError('STORE_ERROR', 'could not choose a free schedule id', { hint: 'retry, or give one with --name' });
}

/** Every schedule, s1, s2… in number order, then named ones by name. */
export async function listSchedules(client: SqlClient): Promise<ScheduleRecord[]> {
  const { rows } = await client.query<ScheduleRow>(
    `SELECT ${COLUMNS} FROM schedules ORDER BY (id ~ '^s[0-9]+$') DESC, length(id), id`,
  );
  return rows.map(toRecord);
}

export async function getSchedule(client: SqlClient, id: string): Promise<ScheduleRecord | undefined> {
  const { rows } = await client.query<ScheduleRow>(`SELECT ${COLUMNS} FROM schedules WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** False when there was no schedule of that id. */
export async function removeSchedule(client: SqlClient, id: string): Promise<boolean> {
  const { rows } = await client.query<{ id: string }>('DELETE FROM schedules WHERE id = $1 RETURNING id', [id]);
  return rows.length > 0;
}

/**
 * Records a run of the schedule that fired at `at` and the scan it started. True when recorded; false when the
 * schedule is gone or a run at `at` or later is already recorded (so a run that fires twice is recorded once).
 */
export async function markScheduleRun(client: SqlClient, id: string, at: Date, scanId: number | null): Promise<boolean> {
  const { rows } = await client.query<{ id: string }>(
    'UPDATE schedules SET last_run_at = $2, last_scan_id = $3 WHERE id = $1 AND (last_run_at IS NULL OR last_run_at < $2) RETURNING id',
    [id, at, scanId],
  );
  return rows.length > 0;
}
