/** The remediation record on both stores: owners and heartbeats, interrupted runs, every change status, counts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_STORE_KINDS } from '../store/test-support/test-store.js';
import { countChanges, createRun, finishRun, getRun, insertChange, listChanges, listRuns, markInterrupted, touchRun, updateChange, CHANGE_STATUSES } from './remediation-repository.js';

const at = new Date('2026-01-10T09:00:00Z');
const later = new Date('2026-01-10T09:05:00Z');

for (const kind of TEST_STORE_KINDS) {
  test(`runs record their owner and heartbeat; a dead one is marked interrupted once; changes take every status (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const run = { controlId: 'c', startedAt: at, armEndpoint: 'https://arm', addresses: ['soc@contoso.com'], options: { controls: ['c'] } };
      const id = await createRun(store, { ...run, owner: { pid: 4242, host: 'build-7' } });
      const old = await createRun(store, run); // a ward without owners
      assert.deepEqual((await getRun(store, id))?.owner, { pid: 4242, host: 'build-7' });
      assert.deepEqual((await getRun(store, id))?.heartbeatAt, at, 'the start is the first heartbeat');
      assert.equal((await getRun(store, old))?.owner, null);

      await touchRun(store, id, later);
      assert.deepEqual((await getRun(store, id))?.heartbeatAt, later);
      assert.equal(await markInterrupted(store, id, 'interrupted: process 4242 on build-7 ended without finishing it'), true);
      assert.equal(await markInterrupted(store, id, 'again'), false, 'only a running run is marked');
      await touchRun(store, id, new Date('2026-01-10T10:00:00Z'));
      const interrupted = await getRun(store, id);
      assert.deepEqual([interrupted?.status, interrupted?.message, interrupted?.heartbeatAt], ['interrupted', 'interrupted: process 4242 on build-7 ended without finishing it', later]);

      for (const [seq, status] of CHANGE_STATUSES.entries()) {
        await insertChange(store, {
          runId: id,
          seq,
          batch: 1,
          assetId: '/subscriptions/s',
          contactName: 'default',
          method: 'PUT',
          path: `/p/${seq}`,
          apiVersion: 'v',
          requestBody: { properties: { emails: 'soc@contoso.com' } },
          beforeExists: false,
          beforeBody: null,
        });
        await updateChange(store, id, seq, { status, at, note: `note ${seq}` });
      }
      assert.deepEqual((await listChanges(store, id)).map((c) => [c.status, c.note]), CHANGE_STATUSES.map((status, seq) => [status, `note ${seq}`]));
      assert.deepEqual((await countChanges(store)).get(id), Object.fromEntries(CHANGE_STATUSES.map((status) => [status, 1])));
      for (const status of ['partly-rolled-back', 'rolled-back'] as const) {
        await finishRun(store, id, status, later, status);
        assert.equal((await getRun(store, id))?.status, status);
      }
      assert.deepEqual((await listRuns(store)).map((r) => r.id), [id, old]);
    } finally {
      await store.close();
    }
  });
}
