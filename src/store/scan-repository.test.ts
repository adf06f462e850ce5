import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from './open-store.js';
import { beginScan, failScan, getScan, holdRunningScan, listScans, markInterruptedScans } from './scan-repository.js';
import { TEST_STORE_KINDS } from './test-store.js';

const at = new Date('2026-03-01T10:00:00Z');

for (const kind of TEST_STORE_KINDS) {
  test(`scan ids are dense: a rolled-back insert and a failed scan leave no gap (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const first = await beginScan(store, 'first', at);
      await failScan(store, first, at, 'boom');
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.query("INSERT INTO scans (started_at, status, source) VALUES (now(), 'running', 'rolled back')");
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      const second = await beginScan(store, 'second', at);
      // an insert that names no id (as older tools and tests do) is numbered the same way
      await store.query("INSERT INTO scans (started_at, status, source) VALUES (now(), 'complete', 'third')");
      assert.deepEqual((await listScans(store)).map((s) => [s.id, s.source]), [[1, 'first'], [2, 'second'], [3, 'third']]);
      assert.equal(second, 2);
    } finally {
      await store.close();
    }
  });
}

test('pglite: a scan left running is marked interrupted, with the reason, and only once', async () => {
  const store = (await TEST_STORE_KINDS[0]!.open())!;
  try {
    const id = await beginScan(store, 'killed', at);
    assert.deepEqual(await markInterruptedScans(store), [id]);
    const scan = (await getScan(store, id))!;
    assert.equal(scan.status, 'interrupted');
    assert.match(scan.error!, /did not finish: its process ended/);
    assert.deepEqual(await markInterruptedScans(store), []);
  } finally {
    await store.close();
  }
});

const postgres = TEST_STORE_KINDS.find((kind) => kind.name === 'postgres')!;

test('postgres: a scan still writing (its transaction holds it) is left running; once that transaction is gone (a killed process: the server drops it) it is interrupted', { skip: postgres.skip }, async () => {
  const store = (await postgres.open())!;
  const other = await openStore({ location: store.location });
  try {
    const id = await beginScan(store, 'live', at);
    let finish: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let holding: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const writing = store.transaction(async (tx) => {
      await holdRunningScan(tx, id);
      holding();
      await gate;
    });
    await held;
    assert.deepEqual(await markInterruptedScans(other), [], 'another process sees the scan alive');
    const reopened = await openStore({ location: store.location });
    assert.equal((await getScan(reopened, id))!.status, 'running', 'opening the store leaves a live scan alone');
    await reopened.close();
    // the writer ends without completing the scan (as if its process died): the scan is interrupted
    finish();
    await writing;
    assert.deepEqual(await markInterruptedScans(other), [id]);
  } finally {
    await other.close();
    await store.close();
  }
});
