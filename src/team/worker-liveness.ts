/**
 * Knowing at once that a worker died. graphile-worker unlocks the jobs of a worker that vanished only after four
 * hours; ward cannot wait that long for a scan. So every `ward worker` process holds, on a connection of its own, a
 * session advisory lock on its row in `worker_processes` for as long as it lives, and records there the
 * graphile-worker pool ids it runs. PostgreSQL drops the lock the moment the process's connection goes (SIGKILL, a
 * machine lost), and any live worker then unlocks that process's jobs with graphile-worker's own
 * `force_unlock_workers`: they run again on the next free worker, and their work, stored at most once, is done once.
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import type { SqlClient } from '../store/sql-client.js';
import { JOB_SCHEMA } from './team-jobs.js';

/** Namespace of the session advisory locks held by live worker processes, keyed by their worker_processes id. */
export const WORKER_LOCK_NAMESPACE = 2002874983;

/**
 * A job still locked by a pool id no process has claimed (its process died between taking a job and recording its
 * pool, or ran an older ward) is released after this long: well past the moment a claim is made.
 */
const UNCLAIMED_AFTER_SECONDS = 600;

export interface WorkerProcess {
  readonly id: number;
  /** Records a graphile-worker pool id this process runs (the id graphile-worker locks jobs and queues with). */
  claim(workerId: string): Promise<void>;
  /** Releases the lock and the connection (the row is removed by the next reap). */
  release(): Promise<void>;
}

/** Registers this process and takes its liveness lock on `session`, a connection kept for the process's life. */
export async function registerWorkerProcess(session: pg.Client, concurrency: number, now: Date): Promise<WorkerProcess> {
  // the row and its lock appear together: the row is invisible to reapers until the commit, and the session lock
  // taken inside the transaction outlives it, so no reaper ever sees this process's row unlocked
  await session.query('BEGIN');
  let id: number;
  try {
    const { rows } = await session.query<{ id: number }>('INSERT INTO worker_processes (host, pid, concurrency, started_at) VALUES ($1, $2, $3, $4) RETURNING id', [
      hostname(),
      process.pid,
      concurrency,
      now,
    ]);
    id = Number(rows[0]!.id);
    await session.query('SELECT pg_advisory_lock($1, $2)', [WORKER_LOCK_NAMESPACE, id]);
    await session.query('COMMIT');
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  // one query at a time on the session: claims made together wait for each other
  let queue: Promise<unknown> = Promise.resolve();
  return {
    id,
    claim(workerId) {
      const next = queue.then(() => session.query('INSERT INTO worker_ids (worker_id, process_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [workerId, id]));
      queue = next.catch(() => undefined);
      return next.then(() => undefined);
    },
    async release() {
      await queue;
      await session.query('DELETE FROM worker_processes WHERE id = $1', [id]).catch(() => undefined);
      await session.end().catch(() => undefined);
    },
  };
}

export interface ReapResult {
  readonly processes: number;
  readonly workerIds: readonly string[];
}

/**
 * Unlocks the jobs of every worker process whose liveness lock is free (it is gone), and of worker ids no process
 * claimed that have held a job for over a minute. Safe to run from any number of workers at once.
 */
export async function reapDeadWorkers(client: SqlClient): Promise<ReapResult> {
  return client.transaction(async (tx) => {
    // a free lock is taken here for the rest of this transaction, so two reapers never both reap one process
    const { rows: dead } = await tx.query<{ id: number }>(
      'SELECT id FROM worker_processes WHERE pg_try_advisory_xact_lock($1, id) ORDER BY id',
      [WORKER_LOCK_NAMESPACE],
    );
    const deadIds = dead.map((row) => Number(row.id));
    const { rows: orphans } = await tx.query<{ worker_id: string }>(
      `SELECT worker_id FROM worker_ids WHERE process_id = ANY ($1::integer[])
       UNION
       SELECT DISTINCT locked_by FROM ${JOB_SCHEMA}.jobs
       WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $2)
         AND NOT EXISTS (SELECT 1 FROM worker_ids w WHERE w.worker_id = locked_by)`,
      [deadIds, UNCLAIMED_AFTER_SECONDS],
    );
    const workerIds = orphans.map((row) => row.worker_id);
    if (workerIds.length > 0) await tx.query(`SELECT ${JOB_SCHEMA}.force_unlock_workers($1::text[])`, [workerIds]);
    if (deadIds.length > 0) await tx.query('DELETE FROM worker_processes WHERE id = ANY ($1::integer[])', [deadIds]);
    return { processes: deadIds.length, workerIds };
  });
}
