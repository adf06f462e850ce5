/**
 * Notifications after a local `ward scan` (a queued scan's are jobs of the workers: src/team/notify-jobs.ts).
 * What each channel is told is recorded in the scan's store; the deliveries are then handed to the workers when
 * the store is a team store with workers' job queue, or tried once each right here after the report is printed
 * (the embedded store has no workers: `ward notify send` retries what failed). A notification problem is a
 * warning on stderr, never a failed scan.
 */
import { deliverNotification } from '../../notify/deliver-notification.js';
import { recordScanNotifications } from '../../notify/record-scan-notifications.js';
import type { Store } from '../../store/sql-client.js';
import { DELIVERY_ATTEMPTS } from '../../team/notify-jobs.js';
import { TASKS, addJob, jobQueueInstalled } from '../../team/team-jobs.js';
import type { CliContext } from '../cli-context.js';

/** Records the scan's deliveries; their ids (none when no channel is configured or nothing changed). */
export async function recordNotifications(context: CliContext, store: Store, scanId: number): Promise<number[]> {
  try {
    return await recordScanNotifications(store, scanId, context.io.now());
  } catch (error) {
    context.io.stderr.write(`ward: warning: the scan is stored, but its notifications could not be prepared: ${(error as Error).message}\n`);
    return [];
  }
}

/** Hands the deliveries to the workers (a team store), or tries each once now. */
export async function sendNotifications(context: CliContext, store: Store, deliveryIds: readonly number[]): Promise<void> {
  try {
    if (store.kind === 'postgres' && (await jobQueueInstalled(store))) {
      for (const deliveryId of deliveryIds) await addJob(store, TASKS.deliverNotification, { deliveryId }, { jobKey: `ward:deliver:${deliveryId}`, maxAttempts: DELIVERY_ATTEMPTS });
      context.io.stderr.write(`ward: ${deliveryIds.length} notification(s) handed to the workers (ward notify log)\n`);
      return;
    }
    const outcomes = [];
    for (const deliveryId of deliveryIds) outcomes.push(await deliverNotification(store, deliveryId, { env: context.io.env, now: context.io.now(), final: false }));
    const failed = outcomes.filter((o) => o !== 'delivered').length;
    context.io.stderr.write(
      failed === 0
        ? `ward: sent ${outcomes.length} notification(s)\n`
        : `ward: warning: ${failed} of ${outcomes.length} notification(s) could not be delivered; ward notify log says why, ward notify send retries\n`,
    );
  } catch (error) {
    context.io.stderr.write(`ward: warning: notifications were not sent: ${(error as Error).message}\n`);
  }
}
