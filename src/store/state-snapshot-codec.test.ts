import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { decodeStateSnapshot, encodeStateSnapshot } from './state-snapshot-codec.js';

const NAMES = ['id', 'status', 'details', 'count'];

test('a snapshot decodes to the columns it was made of, whatever the values', () => {
  const value = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('pass', 'fail', '\u2028', '\u0000', '\uD800', '\u{1F600}'), fc.integer(), fc.constant(null));
  fc.assert(
    fc.property(fc.array(fc.tuple(value, fc.constantFrom('pass', 'fail', 'error'), fc.option(fc.dictionary(fc.string(), fc.string()).map((o) => ({ ...o }))), fc.nat()), { maxLength: 60 }), (rows) => {
      const columns = NAMES.map((_, c) => rows.map((r) => r[c]));
      assert.deepEqual(decodeStateSnapshot(encodeStateSnapshot(NAMES, columns), NAMES), columns);
    }),
    { numRuns: 300 },
  );
});

test('repeated values are stored once; decoded rows share them; unique ones stay as they are', () => {
  const rows = 1000;
  const columns = [Array.from({ length: rows }, (_, i) => `/subscriptions/${i}`), Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 'fail' : 'pass'))];
  const stored = JSON.parse(gunzipSync(encodeStateSnapshot(['asset', 'status'], columns)).toString('utf8')) as { columns: unknown[] };
  assert.ok(Array.isArray(stored.columns[0]), 'asset ids: plain');
  assert.deepEqual((stored.columns[1] as { values: string[] }).values, ['fail', 'pass'], 'statuses: a dictionary');
  assert.deepEqual(decodeStateSnapshot(encodeStateSnapshot(['asset', 'status'], columns), ['asset', 'status']), columns);
});

test('a damaged snapshot, one of another format or of other columns is refused, never read as a state', () => {
  const columns = [['a', 'b'], ['fail', 'fail'], [null, null], [1, 2]];
  const good = encodeStateSnapshot(NAMES, columns);
  const flipped = Uint8Array.from(good);
  flipped[Math.floor(flipped.length / 2)]! ^= 0x40;
  assert.equal(decodeStateSnapshot(flipped, NAMES), null, 'gzip checksum');
  assert.equal(decodeStateSnapshot(good.subarray(0, good.length - 4), NAMES), null, 'truncated');
  assert.equal(decodeStateSnapshot(new Uint8Array(), NAMES), null, 'empty');
  assert.equal(decodeStateSnapshot(good, ['id', 'status', 'details']), null, 'fewer columns');
  assert.equal(decodeStateSnapshot(good, ['id', 'status', 'count', 'details']), null, 'other order');
  const forged = (body: unknown) => gzipSync(JSON.stringify(body));
  assert.equal(decodeStateSnapshot(forged({ format: 'ward-state-columns/2', names: NAMES, columns }), NAMES), null, 'a later format');
  assert.equal(decodeStateSnapshot(forged({ format: 'ward-state-columns/1', names: NAMES, columns: [['a'], ['fail', 'x'], [null], [1]] }), NAMES), null, 'columns of different lengths');
  const dictionary = (at: unknown[]) => forged({ format: 'ward-state-columns/1', names: ['s'], columns: [{ values: ['fail'], at }] });
  assert.deepEqual(decodeStateSnapshot(dictionary([0, 0]), ['s']), [['fail', 'fail']]);
  for (const at of [[1], [-1], [0.5], ['0'], [null]]) assert.equal(decodeStateSnapshot(dictionary(at), ['s']), null, `index ${JSON.stringify(at)}`);
  assert.equal(decodeStateSnapshot(forged([1, 2]), NAMES), null, 'not an object');
  assert.throws(() => encodeStateSnapshot(['a', 'b'], [[1], [1, 2]]), /parallel/);
});
