import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WardError, formatWardError, formatLocation, isWardError } from './errors.js';

test('formatLocation joins file, line, column and field', () => {
  assert.equal(formatLocation({ file: 'a.json', line: 3, column: 7, field: 'value[0]' }), 'a.json:3:7 (value[0])');
  assert.equal(formatLocation({ field: 'severity' }), 'severity');
  assert.equal(formatLocation(undefined), '');
});

test('formatWardError prints location, message and hint', () => {
  const error = new WardError('CAPTURE_INVALID', 'not JSON', { hint: 'fix it', location: { file: 'x.json', line: 1 } });
  assert.equal(formatWardError(error), 'x.json:1: not JSON\n  hint: fix it');
  assert.ok(isWardError(error));
  assert.equal(error.code, 'CAPTURE_INVALID');
});
