/** A report's trend, read from the scans table, on PGlite and on PostgreSQL. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTrend } from './report-history-repository.js';
import { beginScan, completeScan, failScan } from './scan-repository.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';

const day = (n: number): Date => new Date(Date.UTC(2026, 2, n, 10));

for (const kind of TEST_STORE_KINDS) {
  test(`the trend lists complete scans oldest first with every status counted and narrowed scans marked, up to a scan and a limit (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      assert.deepEqual(await readTrend(store), []);
      const ids: number[] = [];
      for (let n = 1; n <= 4; n += 1) {
        const id = await beginScan(store, `scan ${n}`, day(n), n === 2 ? ['/subscriptions/00000000-0000-4000-8000-000000000001'] : null);
        ids.push(id);
        if (n === 3) await failScan(store, id, day(n), 'boom');
        else await completeScan(store, id, day(n), { total: n, byStatus: { pass: n, fail: 1, error: 0, excepted: 0, skipped: 0 }, controls: 1, assets: n + 1 });
      }
      const running = await beginScan(store, 'still running', day(5));
      const trend = await readTrend(store);
      assert.deepEqual(trend.map((point) => point.scanId), [ids[0], ids[1], ids[3]], 'failed and running scans are not in the trend');
      assert.deepEqual(trend[0], { scanId: ids[0], finishedAt: day(1).toISOString(), counts: { pass: 1, fail: 1, error: 0, excepted: 0, skipped: 0 }, narrowed: false });
      assert.deepEqual(trend.map((point) => point.narrowed), [false, true, false], 'a scan narrowed to some subscriptions is marked, for the report to leave out');
      assert.deepEqual((await readTrend(store, { limit: 2 })).map((point) => point.scanId), [ids[1], ids[3]], 'the latest scans, still oldest first');
      assert.deepEqual((await readTrend(store, { upToScanId: ids[1]! })).map((point) => point.scanId), [ids[0], ids[1]]);
      assert.ok(running > ids[3]!);
    } finally {
      await store.close();
    }
  });

  test(`a stored summary without some status counts reads them as zero (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const id = await beginScan(store, 'old summary', day(1));
      await store.query("UPDATE scans SET status = 'complete', finished_at = $2, summary = $3 WHERE id = $1", [id, day(1), JSON.stringify({ total: 2, byStatus: { pass: 2 } })]);
      assert.deepEqual((await readTrend(store))[0]?.counts, { pass: 2, fail: 0, error: 0, excepted: 0, skipped: 0 });
    } finally {
      await store.close();
    }
  });
}
