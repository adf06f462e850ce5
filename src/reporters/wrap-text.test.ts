import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wrapText, wrapUnits } from './wrap-text.js';

test('wrapText breaks between words only, with an indent and a hanging indent', () => {
  assert.deepEqual(wrapText('one two three four', 9), ['one two', 'three', 'four']);
  assert.deepEqual(wrapText('one two three', 12, '- ', '  '), ['- one two', '  three']);
  const id = '/subscriptions/00000000-0000-4000-8000-000000000001';
  assert.deepEqual(wrapText(`in ${id} now`, 20), ['in', id, 'now'], 'a word longer than the line stays whole');
  for (const line of wrapText('a '.repeat(200), 30, '    ')) assert.ok(line.length <= 30);
  assert.deepEqual(wrapText('first\nsecond', 80, '> '), ['> first', '> second']);
});

test('wrapUnits keeps a unit on one line when it fits, and wraps one longer than a line by its words', () => {
  assert.deepEqual(wrapUnits(['sub-1', '/subscriptions/abc', '(exception EX-1 expired on 2026-03-31)'], 40, '- ', '  '), [
    '- sub-1 /subscriptions/abc',
    '  (exception EX-1 expired on 2026-03-31)',
  ]);
  assert.deepEqual(wrapUnits(['a', 'one two three four'], 10), ['a one two', 'three four']);
});
