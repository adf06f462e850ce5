/** Exceptions and their audit trail, on PGlite and on PostgreSQL: every change is stored with its event. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExceptionRecord } from '../core/model.js';
import {
  getException,
  listExceptionEvents,
  listExceptions,
  nextExceptionId,
  recordExpiredExceptions,
  removeException,
  saveException,
} from './exception-repository.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';

const at = new Date('2026-03-01T10:00:00Z');
const cli = { actor: 'alice', at, source: 'cli' };

const exception = (id: string, expires: string): ExceptionRecord => ({
  id,
  controlId: 'azure-defender-security-contact-email',
  assetId: '/subscriptions/00000000-0000-4000-8000-000000000001',
  owner: 'secops@contoso.com',
  reason: 'contact moves to the new SOC mailbox',
  expires,
  createdAt: at.toISOString(),
  createdBy: 'alice',
});

for (const kind of TEST_STORE_KINDS) {
  test(`an exception is added, updated (keeping who created it and when) and removed, each with its event (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      assert.equal(await nextExceptionId(store), 'EX-1');
      assert.equal(await saveException(store, exception('EX-1', '2026-06-30'), cli), 'add');
      const update = { ...exception('EX-1', '2026-09-30'), createdAt: '2026-03-02T00:00:00.000Z', createdBy: 'bob' };
      assert.equal(await saveException(store, update, { ...cli, actor: 'bob' }), 'update');
      const stored = await getException(store, 'EX-1');
      assert.deepEqual(stored, { ...exception('EX-1', '2026-09-30') });
      assert.equal(await saveException(store, exception('EX-2', '2026-06-30'), { ...cli, source: 'import:exceptions.yaml' }), 'add');
      assert.deepEqual((await removeException(store, 'EX-1', cli))?.expires, '2026-09-30');
      assert.equal(await removeException(store, 'EX-1', cli), undefined, 'removing what is gone logs nothing');
      assert.deepEqual((await listExceptions(store)).map((e) => e.id), ['EX-2']);
      assert.equal(await nextExceptionId(store), 'EX-3', 'a removed id is never given out again');

      const events = await listExceptionEvents(store);
      assert.deepEqual(
        events.map((e) => [e.action, e.exceptionId, e.actor, e.source, e.exception.expires, e.at]),
        [
          ['add', 'EX-1', 'alice', 'cli', '2026-06-30', at.toISOString()],
          ['update', 'EX-1', 'bob', 'cli', '2026-09-30', at.toISOString()],
          ['add', 'EX-2', 'alice', 'import:exceptions.yaml', '2026-06-30', at.toISOString()],
          ['remove', 'EX-1', 'alice', 'cli', '2026-09-30', at.toISOString()],
        ],
      );
      assert.equal(events[1]!.exception.createdBy, 'alice');
      assert.deepEqual((await listExceptionEvents(store, 'EX-2')).map((e) => e.action), ['add']);
    } finally {
      await store.close();
    }
  });

  test(`a lapsed exception is logged as expired once per expiry date (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await saveException(store, exception('EX-1', '2026-03-31'), cli);
      await saveException(store, exception('EX-2', '2026-12-31'), cli);
      const scan = { actor: 'ward', source: 'scan' };
      assert.deepEqual(await recordExpiredExceptions(store, new Date('2026-03-15T00:00:00Z'), scan), []);
      const april = new Date('2026-04-02T00:00:00Z');
      assert.deepEqual((await recordExpiredExceptions(store, april, scan)).map((e) => e.id), ['EX-1']);
      assert.deepEqual(await recordExpiredExceptions(store, april, scan), [], 'the same lapse is logged once');
      // renewed, then lapsed again: a new expiry date is a new lapse
      await saveException(store, exception('EX-1', '2026-04-30'), cli);
      assert.deepEqual((await recordExpiredExceptions(store, new Date('2026-05-02T00:00:00Z'), scan)).map((e) => e.id), ['EX-1']);
      const expiries = (await listExceptionEvents(store, 'EX-1')).filter((e) => e.action === 'expire');
      assert.deepEqual(expiries.map((e) => [e.exception.expires, e.actor, e.source]), [['2026-03-31', 'ward', 'scan'], ['2026-04-30', 'ward', 'scan']]);
    } finally {
      await store.close();
    }
  });
}
