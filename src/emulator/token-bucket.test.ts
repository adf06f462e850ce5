import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenBuckets } from './token-bucket.js';

test('token buckets allow a burst, then answer with a Retry-After until refilled, per key', () => {
  let now = 0;
  const buckets = createTokenBuckets({ capacity: 2, refillPerSecond: 0.5, now: () => now });
  assert.deepEqual(buckets.take('a'), { ok: true, remaining: 1 });
  assert.deepEqual(buckets.take('a'), { ok: true, remaining: 0 });
  assert.deepEqual(buckets.take('a'), { ok: false, retryAfterSeconds: 2 });
  assert.equal(buckets.take('b').ok, true, 'another subscription has its own bucket');
  now = 2000;
  assert.equal(buckets.take('a').ok, true);
});
