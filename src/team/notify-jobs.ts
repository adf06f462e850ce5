/**
 * Notifications as jobs: when a queued scan completes, `notify` computes what changed for every channel and adds
 * one `deliver` job per delivery. A delivery that fails is retried by graphile-worker with its exponential backoff;
 * after the last attempt it is recorded as failed, visible in `ward notify log`. A scan never waits for any of it.
 */
import { deliverNotification } from '../notify/deliver-notification.js';
import { recordScanNotifications } from '../notify/record-scan-notifications.js';
import type { Store } from '../store/sql-client.js';
import type { JobAttempt } from './scan-tasks.js';
import { TASKS, addJob } from './team-jobs.js';

export interface NotifyRuntime {
  readonly store: Store;
  readonly now: () => Date;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch?: typeof fetch;
}

/** Attempts per delivery: with graphile-worker's backoff (e^attempt seconds) the last is about 20 minutes after the first. */
export const DELIVERY_ATTEMPTS = 8;

export async function notifyScanJob(runtime: NotifyRuntime, payload: { scanId: number }): Promise<void> {
  const ids = await recordScanNotifications(runtime.store, payload.scanId, runtime.now());
  for (const deliveryId of ids) {
    await addJob(runtime.store, TASKS.deliverNotification, { deliveryId }, { jobKey: `ward:deliver:${deliveryId}`, maxAttempts: DELIVERY_ATTEMPTS });
  }
}

export async function deliverNotificationJob(runtime: NotifyRuntime, payload: { deliveryId: number }, attempt: JobAttempt): Promise<void> {
  const outcome = await deliverNotification(runtime.store, payload.deliveryId, {
    env: runtime.env,
    now: runtime.now(),
    final: attempt.attempts >= attempt.maxAttempts,
    ...(runtime.fetch === undefined ? {} : { fetch: runtime.fetch }),
  });
  // graphile-worker retries a job that throws, later and later; the delivery row says why
  if (outcome === 'retry') throw new Error(`delivery ${payload.deliveryId} failed; it will be retried (ward notify log)`);
}
