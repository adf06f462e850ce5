/**
 * Team mode's jobs on graphile-worker: their names, and how ward adds them. Jobs are added with graphile-worker's
 * own SQL function `add_job` inside ward's store transactions, so a job exists exactly when the data it acts on
 * was committed (a batch stored and the finish job it enabled, or neither).
 */
import { WardError } from '../core/errors.js';
import type { SqlClient, Store } from '../store/sql-client.js';

/** The graphile-worker schema team mode uses (graphile-worker's default). */
export const JOB_SCHEMA = 'graphile_worker';

/** Every task a ward worker runs: one name per job kind. */
export const TASKS = {
  planScan: 'ward_scan_plan',
  scanBatch: 'ward_scan_batch',
  finishScan: 'ward_scan_finish',
  notifyScan: 'ward_notify_scan',
  deliverNotification: 'ward_notify_deliver',
  scheduleTick: 'ward_schedule_tick',
} as const;
export type TaskName = (typeof TASKS)[keyof typeof TASKS];

export interface JobSpec {
  /** Jobs of one named queue run one at a time across every worker. */
  readonly queueName?: string;
  /** A job with the same key that is still queued or running is not added again (graphile-worker's unsafe_dedupe). */
  readonly jobKey?: string;
  readonly maxAttempts?: number;
  readonly runAt?: Date;
}

/** Adds a job in the caller's transaction: it becomes visible to workers when that transaction commits. */
export async function addJob(client: SqlClient, task: TaskName, payload: Record<string, unknown>, spec: JobSpec = {}): Promise<void> {
  await client.query(
    `SELECT ${JOB_SCHEMA}.add_job($1, $2::json, queue_name => $3, run_at => $4, max_attempts => $5, job_key => $6, job_key_mode => $7)`,
    [task, JSON.stringify(payload), spec.queueName ?? null, spec.runAt ?? null, spec.maxAttempts ?? null, spec.jobKey ?? null, spec.jobKey ? 'unsafe_dedupe' : null],
  );
}

/**
 * Installs or upgrades graphile-worker's schema on the store (what a worker does when it starts), so that a scan
 * can be queued before any worker ever ran.
 */
export async function installJobQueue(url: string): Promise<void> {
  const { Logger, runMigrations } = await import('graphile-worker');
  await runMigrations({ connectionString: url, schema: JOB_SCHEMA, logger: new Logger(() => () => undefined) });
}

/** Team mode needs a PostgreSQL server: workers on other machines share it, and graphile-worker runs on it. */
export function requireTeamStore(store: Store, what: string): void {
  if (store.kind === 'postgres') return;
  throw new WardError('TEAM_NEEDS_POSTGRES', `${what} needs a PostgreSQL store; ${store.location} is the embedded one`, {
    hint: 'team mode (workers, queued scans, schedules) runs on a PostgreSQL server: pass --db postgres://… or set WARD_DB; the embedded store scans in one process with ward scan',
  });
}

/** Whether graphile-worker's schema is installed (a worker has started once against this store). */
export async function jobQueueInstalled(client: SqlClient): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proname = 'add_job') AS ok",
    [JOB_SCHEMA],
  );
  return rows[0]?.ok === true;
}
