/** Notification channels and deliveries, on PGlite and on PostgreSQL. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  beginDeliveryAttempt,
  channelsWithDelivery,
  getChannel,
  getDelivery,
  insertChannel,
  insertDelivery,
  listChannels,
  listDeliveries,
  nextChannelId,
  pendingDeliveryIds,
  recordDeliveryOutcome,
  removeChannel,
  type NotificationChannel,
} from './notification-repository.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';

const at = new Date('2026-03-01T10:00:00Z');
const later = new Date('2026-03-01T10:05:00Z');

const slack: NotificationChannel = {
  id: 'slack-1',
  kind: 'slack',
  url: 'https://hooks.slack.com/services/T000/B000/XXXX',
  events: ['new-failures', 'resolved'],
  connectors: ['contoso', 'fabrikam'],
  minSeverity: 'high',
  secretEnv: null,
  createdAt: at.toISOString(),
  createdBy: 'alice',
};
const hook: NotificationChannel = { ...slack, id: 'webhook-1', kind: 'webhook', url: 'https://example.com/hook', events: ['drift'], connectors: null, minSeverity: null, secretEnv: 'WARD_SECRET' };

for (const kind of TEST_STORE_KINDS) {
  test(`channels are added once, listed, read and removed; ids are not reused while deliveries remember them (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      assert.equal(await nextChannelId(store, 'slack'), 'slack-1');
      assert.equal(await insertChannel(store, slack), true);
      assert.equal(await insertChannel(store, { ...slack, url: 'https://other.example/x' }), false, 'an existing id is not overwritten');
      assert.equal(await insertChannel(store, hook), true);
      assert.deepEqual(await getChannel(store, 'slack-1'), slack);
      assert.deepEqual(await listChannels(store), [slack, hook]);
      assert.equal(await nextChannelId(store, 'slack'), 'slack-2');
      await insertDelivery(store, { channelId: 'slack-1', scanId: 1, status: 'pending', payload: { text: 'x' }, at });
      assert.equal(await removeChannel(store, 'slack-1'), true);
      assert.equal(await removeChannel(store, 'slack-1'), false);
      assert.equal(await getChannel(store, 'slack-1'), undefined);
      assert.equal(await nextChannelId(store, 'slack'), 'slack-2', 'the removed id still names deliveries in the log');
      assert.equal((await listDeliveries(store)).length, 1, 'deliveries stay after their channel');
    } finally {
      await store.close();
    }
  });

  test(`deliveries: one per (channel, scan), attempts counted, outcomes recorded only while pending, newest first (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const payload = { type: 'scan.changes', nested: { list: [1, 'two', null] }, text: 'ü <b> "q"' };
      const first = await insertDelivery(store, { channelId: 'a', scanId: 7, status: 'pending', payload, at });
      assert.ok(first !== undefined);
      assert.equal(await insertDelivery(store, { channelId: 'a', scanId: 7, status: 'pending', payload: {}, at }), undefined, 'idempotent');
      const skipped = await insertDelivery(store, { channelId: 'b', scanId: 7, status: 'skipped', payload: { skipped: 'nothing' }, at });
      const other = await insertDelivery(store, { channelId: 'a', scanId: 8, status: 'pending', payload, at });
      assert.deepEqual(await pendingDeliveryIds(store, 7), [first]);
      assert.deepEqual([...(await channelsWithDelivery(store, 7))].sort(), ['a', 'b']);

      assert.equal(await beginDeliveryAttempt(store, first!, later), 1);
      await recordDeliveryOutcome(store, first!, { status: 'pending', lastStatus: 503, lastError: 'HTTP 503', at: later });
      assert.equal(await beginDeliveryAttempt(store, first!, later), 2);
      await recordDeliveryOutcome(store, first!, { status: 'delivered', lastStatus: 200, lastError: null, at: later });
      await recordDeliveryOutcome(store, first!, { status: 'failed', lastStatus: 500, lastError: 'late', at: later });
      assert.equal(await beginDeliveryAttempt(store, first!, later), undefined, 'a delivered one takes no attempt');
      const row = (await getDelivery(store, first!))!;
      assert.deepEqual(
        { status: row.status, attempts: row.attempts, lastStatus: row.lastStatus, lastError: row.lastError, payload: row.payload, deliveredAt: row.deliveredAt, createdAt: row.createdAt },
        { status: 'delivered', attempts: 2, lastStatus: 200, lastError: null, payload, deliveredAt: later, createdAt: at },
      );
      assert.deepEqual((await listDeliveries(store)).map((d) => d.id), [other, skipped, first]);
      assert.deepEqual((await listDeliveries(store, { channelId: 'a', limit: 1 })).map((d) => d.id), [other]);
    } finally {
      await store.close();
    }
  });
}
