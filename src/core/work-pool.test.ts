import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorkPool, mapWithConcurrency } from './work-pool.js';

const tick = (ms = 1): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('mapWithConcurrency keeps the input order and never runs more than the limit at once', async () => {
  let running = 0;
  let widest = 0;
  const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 6], 3, async (ms, index) => {
    running += 1;
    widest = Math.max(widest, running);
    await tick(ms);
    running -= 1;
    return `${index}:${ms}`;
  });
  assert.deepEqual(results, ['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:6']);
  assert.equal(widest, 3);
  assert.deepEqual(await mapWithConcurrency([], 4, async () => 1), []);
  assert.deepEqual(await mapWithConcurrency([1, 2], 0, async (n) => n * 2), [2, 4], 'a limit below 1 still runs one at a time');
});

test('mapWithConcurrency stops starting items after a failure, lets the running ones finish, then throws it', async () => {
  const started: number[] = [];
  const finished: number[] = [];
  await assert.rejects(
    mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('boom');
      await tick(5);
      finished.push(n);
      return n;
    }),
    /boom/,
  );
  assert.deepEqual(started, [0, 1], 'nothing starts once an item failed');
  assert.deepEqual(finished, [0], 'the running one was let finish before the failure was thrown');
});

test('a work pool takes items while it runs; drain waits for all, cancel drops the waiting ones', async () => {
  const done: string[] = [];
  const pool = createWorkPool<string>(1, async (item) => {
    await tick();
    done.push(item);
  });
  await pool.drain();
  pool.push('a');
  pool.push('b');
  const waiters = [pool.drain(), pool.drain()];
  pool.push('c');
  await Promise.all(waiters);
  assert.deepEqual(done, ['a', 'b', 'c']);

  pool.push('d');
  pool.push('e');
  await pool.cancel();
  assert.deepEqual(done, ['a', 'b', 'c', 'd'], 'the running item finishes; the waiting one is dropped');
});
