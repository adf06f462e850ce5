/**
 * The minute tick of `ward worker` (graphile-worker's crontab runs it once per minute across all workers and does
 * not backfill: a minute when no worker ran is skipped, never run twice later). It starts the stored schedules
 * (`ward schedule add`) due at that minute: each schedule's last run is moved forward in the same transaction that
 * enqueues its scan, so a tick run twice starts nothing twice.
 */
import { listSchedules, markScheduleRun } from '../store/schedule-repository.js';
import type { Store } from '../store/sql-client.js';
import { enqueueScanIn } from './queued-scan.js';
import { cronMatches, parseScheduleCron } from './schedule-cron.js';

export interface ScheduleRuntime {
  readonly store: Store;
  readonly now: () => Date;
  readonly log?: (line: string) => void;
}

function tickOf(payload: unknown, now: Date): Date {
  const ts = (payload as { _cron?: { ts?: unknown } } | null)?._cron?.ts;
  const at = typeof ts === 'string' ? new Date(ts) : now;
  const minute = Number.isNaN(at.getTime()) ? now : at;
  return new Date(Math.floor(minute.getTime() / 60_000) * 60_000);
}

export async function scheduleTickJob(runtime: ScheduleRuntime, payload: unknown): Promise<void> {
  const tick = tickOf(payload, runtime.now());
  for (const schedule of await listSchedules(runtime.store)) {
    let due: boolean;
    try {
      due = cronMatches(parseScheduleCron(schedule.cron), tick);
    } catch (error) {
      runtime.log?.(`worker: schedule ${schedule.id} has an unreadable cron expression (${(error as Error).message}); skipped`);
      continue;
    }
    if (!due) continue;
    try {
      await runtime.store.transaction(async (tx) => {
        const scan = await enqueueScanIn(tx, { ...(schedule.connectors ? { connectors: schedule.connectors } : {}), origin: `schedule:${schedule.id}`, now: () => tick });
        // this minute's run was started already: roll the enqueue back
        if (!(await markScheduleRun(tx, schedule.id, tick, scan.scanId))) throw new AlreadyStarted();
      });
    } catch (error) {
      if (error instanceof AlreadyStarted) continue;
      // one schedule that cannot start (its connector was removed) never keeps the others from starting
      runtime.log?.(`worker: schedule ${schedule.id} could not start a scan: ${(error as Error).message}`);
    }
  }
}

/** Rolls back a tick's enqueue when the schedule's run for that minute is already recorded. */
class AlreadyStarted extends Error {}
