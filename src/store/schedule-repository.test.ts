/** Schedules on PGlite and on PostgreSQL: generated and given ids, listing, removal, and each run recorded once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWardError } from '../core/errors.js';
import { addSchedule, getSchedule, listSchedules, markScheduleRun, removeSchedule } from './schedule-repository.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';

const base = { cron: '0 6 * * *', connectors: null, createdAt: '2026-12-01T10:00:00.000Z', createdBy: 'alice' };

for (const kind of TEST_STORE_KINDS) {
  test(`schedules get s1, s2… or their given name; listed in order; removed (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const first = await addSchedule(store, base);
      assert.deepEqual(first, { id: 's1', ...base, lastRunAt: null, lastScanId: null });
      assert.equal((await addSchedule(store, { ...base, cron: '*/15 * * * 1-5', connectors: ['contoso-prod', 'fabrikam'] })).id, 's2');
      await addSchedule(store, { ...base, id: 'nightly' });
      for (let i = 0; i < 8; i++) await addSchedule(store, base);
      assert.deepEqual(
        (await listSchedules(store)).map((s) => s.id),
        ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 'nightly'],
      );
      assert.deepEqual((await getSchedule(store, 's2'))?.connectors, ['contoso-prod', 'fabrikam']);
      await assert.rejects(addSchedule(store, { ...base, id: 'nightly' }), (error: unknown) => {
        assert.ok(isWardError(error) && error.code === 'USAGE');
        assert.match(error.message, /a schedule named nightly already exists/);
        assert.match(error.hint ?? '', /ward schedule remove nightly/);
        return true;
      });
      await assert.rejects(addSchedule(store, { ...base, id: 'Bad Name' }), /is not a schedule id/);
      assert.equal(await removeSchedule(store, 's2'), true);
      assert.equal(await removeSchedule(store, 's2'), false);
      assert.equal(await getSchedule(store, 's2'), undefined);
      assert.equal((await listSchedules(store)).length, 10);
    } finally {
      await store.close();
    }
  });

  test(`a run is recorded once: the same or an earlier firing is not recorded again (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await addSchedule(store, base);
      const six = new Date('2026-12-02T06:00:00Z');
      assert.equal(await markScheduleRun(store, 's1', six, 7), true);
      assert.equal(await markScheduleRun(store, 's1', six, 8), false, 'the same firing twice');
      assert.equal(await markScheduleRun(store, 's1', new Date('2026-12-01T06:00:00Z'), 9), false, 'an older firing');
      assert.deepEqual(await getSchedule(store, 's1'), { id: 's1', ...base, lastRunAt: six.toISOString(), lastScanId: 7 });
      assert.equal(await markScheduleRun(store, 's1', new Date('2026-12-03T06:00:00Z'), null), true);
      assert.equal((await getSchedule(store, 's1'))?.lastScanId, null);
      assert.equal(await markScheduleRun(store, 'gone', six, 1), false);
    } finally {
      await store.close();
    }
  });
}
