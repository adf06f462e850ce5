/**
 * `ward worker`: runs team mode's jobs with graphile-worker on the team's PostgreSQL store. Any number of workers
 * on any number of machines share the work; each runs `concurrency` jobs at once. Besides the scan jobs it runs a
 * tick every minute (graphile-worker's crontab, which runs each tick once across all workers and never backfills)
 * that starts the schedules due at that minute, and it reaps the jobs of workers that died (worker-liveness.ts).
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { Logger, parseCronItems, run, type Job, type JobHelpers, type Runner, type Task, type TaskList } from 'graphile-worker';
import type { Control } from '../core/model.js';
import type { ConnectorConfig } from '../core/team/connector-config.js';
import type { ArmClient } from '../connectors/azure/arm-client.js';
import type { Store } from '../store/sql-client.js';
import type { QueueOptions } from './queued-scan.js';
import { finishScanJob, planScanJob, scanBatchJob, type JobAttempt, type ScanJobRuntime } from './scan-tasks.js';
import { TASKS, JOB_SCHEMA, requireTeamStore, type TaskName } from './team-jobs.js';
import { reapDeadWorkers, registerWorkerProcess } from './worker-liveness.js';
import { scheduleTickJob } from './schedule-tick.js';
import { notifyScanJob, deliverNotificationJob, type NotifyRuntime } from './notify-jobs.js';

export interface RunWorkerOptions {
  /** The store, opened on `url`. */
  readonly store: Store;
  /** The PostgreSQL URL (graphile-worker and the liveness session open their own connections). */
  readonly url: string;
  readonly concurrency: number;
  readonly now: () => Date;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly controlsFor: (options: QueueOptions) => readonly Control[];
  readonly connect: (config: ConnectorConfig) => ArmClient;
  /** Stops the worker: running jobs are given graphile-worker's grace period, then the worker exits. */
  readonly signal: AbortSignal;
  /** One line per event worth a person's attention (stderr). */
  readonly log: (line: string) => void;
  /** How often dead workers are looked for (default 2 s). */
  readonly reapIntervalMs?: number;
  /** graphile-worker's poll interval for jobs in the future (retries; default 1 s). */
  readonly pollIntervalMs?: number;
  readonly batchFailureLimit?: number;
  readonly fetch?: typeof fetch;
}

function attemptOf(job: Job): JobAttempt {
  return { attempts: job.attempts, maxAttempts: job.max_attempts };
}

function numberField(payload: unknown, key: string): number {
  const value = (payload as Record<string, unknown> | null)?.[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`job payload without a whole number ${key}`);
  return value;
}

function stringField(payload: unknown, key: string): string {
  const value = (payload as Record<string, unknown> | null)?.[key];
  if (typeof value !== 'string') throw new Error(`job payload without ${key}`);
  return value;
}

/** graphile-worker's log lines, on ward's log: warnings and errors only, one line each. */
function workerLogger(log: (line: string) => void): Logger {
  return new Logger(() => (level, message) => {
    if (level === 'error' || level === 'warning') log(`worker: ${message}`);
  });
}

/** Runs until `signal` aborts; resolves when the worker has stopped. */
export async function runWorker(options: RunWorkerOptions): Promise<void> {
  requireTeamStore(options.store, 'ward worker');
  const session = new pg.Client({ connectionString: options.url });
  await session.connect();
  const self = await registerWorkerProcess(session, options.concurrency, options.now());
  const runtime: ScanJobRuntime & NotifyRuntime = {
    store: options.store,
    now: options.now,
    env: options.env,
    controlsFor: options.controlsFor,
    connect: options.connect,
    signal: options.signal,
    ...(options.batchFailureLimit === undefined ? {} : { batchFailureLimit: options.batchFailureLimit }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  };
  const tasks: Record<TaskName, Task> = {
    [TASKS.planScan]: (payload, helpers: JobHelpers) => planScanJob(runtime, { scanId: numberField(payload, 'scanId'), connector: stringField(payload, 'connector') }, attemptOf(helpers.job)),
    [TASKS.scanBatch]: (payload) =>
      scanBatchJob(runtime, { scanId: numberField(payload, 'scanId'), connector: stringField(payload, 'connector'), batch: numberField(payload, 'batch') }),
    [TASKS.finishScan]: (payload) => finishScanJob(runtime, { scanId: numberField(payload, 'scanId') }),
    [TASKS.notifyScan]: (payload) => notifyScanJob(runtime, { scanId: numberField(payload, 'scanId') }),
    [TASKS.deliverNotification]: (payload, helpers: JobHelpers) => deliverNotificationJob(runtime, { deliveryId: numberField(payload, 'deliveryId') }, attemptOf(helpers.job)),
    [TASKS.scheduleTick]: (payload) => scheduleTickJob(runtime, payload),
  };
  const events = new EventEmitter() as NonNullable<Parameters<typeof run>[0]['events']>;
  const claims: Promise<void>[] = [];
  // graphile-worker locks jobs and named queues with its pool's id (`pool-…`), not with each worker's
  events.on('pool:create', ({ workerPool }) => {
    claims.push(self.claim(workerPool.id).catch((error: Error) => options.log(`worker: could not record worker pool ${workerPool.id}: ${error.message}`)));
  });
  let runner: Runner | undefined;
  const reap = async (): Promise<void> => {
    try {
      const reaped = await reapDeadWorkers(options.store);
      if (reaped.workerIds.length > 0) options.log(`worker: released the jobs of ${reaped.processes} stopped worker process(es) (${reaped.workerIds.length} worker ids)`);
    } catch (error) {
      if (!options.signal.aborted) options.log(`worker: could not look for stopped workers: ${(error as Error).message}`);
    }
  };
  const reaper = setInterval(() => void reap(), options.reapIntervalMs ?? 2000);
  reaper.unref();
  try {
    runner = await run({
      connectionString: options.url,
      schema: JOB_SCHEMA,
      concurrency: options.concurrency,
      // a pool opens connections as they are needed: this is a bound, not what is held
      maxPoolSize: options.concurrency,
      noHandleSignals: true,
      pollInterval: options.pollIntervalMs ?? 1000,
      taskList: tasks as TaskList,
      parsedCronItems: parseCronItems([{ task: TASKS.scheduleTick, match: '* * * * *', identifier: 'ward-schedule-tick', options: { backfillPeriod: 0, maxAttempts: 1 } }]),
      logger: workerLogger(options.log),
      events,
    });
    await reap();
    const stopped = new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([stopped, runner.promise]);
    if (options.signal.aborted) await runner.stop().catch(() => undefined);
    await runner.promise.catch(() => undefined);
  } finally {
    clearInterval(reaper);
    await Promise.all(claims);
    await self.release();
  }
}
