/**
 * After a scan: one delivery per channel, its body computed now and stored (the exact JSON to POST), so a delivery
 * retried an hour later still says what that scan changed. Sending is deliverNotification's, in a job or after the
 * report: nothing here touches the network, and nothing here can fail a scan (callers run it after the scan is stored).
 */
import { WardError } from '../core/errors.js';
import { channelsWithDelivery, insertDelivery, listChannels, pendingDeliveryIds } from '../store/notification-repository.js';
import { getScan } from '../store/scan-repository.js';
import type { SqlClient } from '../store/sql-client.js';
import { PAYLOAD_BUILDERS } from './notification-payloads.js';
import { scanChanges } from './scan-changes.js';
import { countOf, selectChanges } from './select-changes.js';

/**
 * Records, for every channel without one yet, the delivery of scan `scanId`: `pending` with its payload, or
 * `skipped` (payload `{ "skipped": why }`) when nothing the channel asks about changed. Idempotent: a channel has
 * one delivery per scan (a second call adds nothing). Returns the ids of the scan's pending deliveries. A scan that
 * is not complete (failed, interrupted, still running) has no changes to tell: nothing is recorded.
 */
export async function recordScanNotifications(store: SqlClient, scanId: number, now: Date): Promise<number[]> {
  const scan = await getScan(store, scanId);
  if (!scan) throw new WardError('NOT_FOUND', `no scan ${scanId}`, { hint: 'ward scans lists them' });
  if (scan.status !== 'complete') return [];
  const recorded = await channelsWithDelivery(store, scanId);
  const channels = (await listChannels(store)).filter((c) => !recorded.has(c.id));
  if (channels.length > 0) {
    const changes = await scanChanges(store, scan);
    for (const channel of channels) {
      const selected = selectChanges(changes, channel);
      const delivery =
        countOf(selected) === 0
          ? { status: 'skipped' as const, payload: { skipped: `nothing to tell: no ${channel.events.join(', ')} in scan ${scanId} for this channel's filters` } }
          : { status: 'pending' as const, payload: PAYLOAD_BUILDERS[channel.kind].changes(changes, selected, channel) };
      await insertDelivery(store, { channelId: channel.id, scanId, ...delivery, at: now });
    }
  }
  return pendingDeliveryIds(store, scanId);
}
