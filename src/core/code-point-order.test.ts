import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareCodePoints, sortByCodePoints } from './code-point-order.js';

const byteOrder = (a: string, b: string): number => Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

// strings drawn from the ranges where UTF-16 and UTF-8 orders part: ASCII, U+E000–U+FFFF and beyond the BMP
const text = fc.string({ unit: fc.oneof(fc.constantFrom('a', 'b', '/', '-', '\uE000', '\uFFFF', '\uFB01'), fc.constantFrom('😀', '𝄞', '\u{10FFFF}'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 6 });

test('compareCodePoints is the order of the strings’ UTF-8 bytes (the C collation), surrogates included', () => {
  fc.assert(fc.property(text, text, (a, b) => Math.sign(compareCodePoints(a, b)) === byteOrder(a, b)), { numRuns: 2000 });
  assert.ok(compareCodePoints('😀', '\uFFFF') > 0, 'U+1F600 sorts after U+FFFF, though its first UTF-16 unit is smaller');
  assert.ok('😀' < '\uFFFF', 'which is where JavaScript’s own comparison differs');
  assert.equal(compareCodePoints('ab', 'ab'), 0);
  assert.ok(compareCodePoints('ab', 'abc') < 0);
});

test('sortByCodePoints sorts by each key in turn in byte order, keeps the input, and breaks no tie', () => {
  const row = fc.tuple(text, text, fc.nat(3));
  fc.assert(
    fc.property(fc.array(row, { maxLength: 40 }), (rows) => {
      const before = rows.map((r) => [...r]);
      const sorted = sortByCodePoints(rows, ([a, b]) => [a, b]);
      assert.deepEqual(rows, before, 'the input is left as it was');
      const expected = [...rows].sort((x, y) => byteOrder(x[0], y[0]) || byteOrder(x[1], y[1]));
      assert.deepEqual(sorted, expected, 'Array.prototype.sort is stable: equal keys keep their input order');
    }),
    { numRuns: 500 },
  );
});
