import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meetsExpectation, parseExpectation } from './parse-expectation.js';
import { WardError } from '../errors.js';

test('eq takes any JSON value and compares deeply', () => {
  const empty = parseExpectation('eq []');
  assert.deepEqual(empty, { kind: 'eq', value: [], source: 'eq []' });
  assert.ok(meetsExpectation(empty, []));
  assert.equal(meetsExpectation(empty, [{ id: 'x' }]), false);
  const some = parseExpectation('eq [{"id": "a", "n": [1, 2]}]');
  assert.ok(meetsExpectation(some, [{ id: 'a', n: [1, 2] }]));
  assert.equal(meetsExpectation(some, [{ id: 'a', n: [2, 1] }]), false);
  assert.equal(meetsExpectation(some, [{ id: 'a', n: [1, 2], extra: 1 }]), false);
});

test('eq compares a graphql-js result (objects without a prototype) with the parsed JSON it is written as', () => {
  const expected = parseExpectation('eq [{"id": "a", "email": null}]');
  const row = Object.assign(Object.create(null) as Record<string, unknown>, { id: 'a', email: null });
  assert.ok(meetsExpectation(expected, [row]));
  assert.equal(meetsExpectation(expected, [Object.assign(Object.create(null) as Record<string, unknown>, { id: 'a', email: '' })]), false, 'null is not an empty string');
  assert.equal(meetsExpectation(expected, [{ id: 'a' }]), false, 'a missing field is not null');
});

test('count compares the number of results', () => {
  assert.ok(meetsExpectation(parseExpectation('count lte 2'), [1, 2]));
  assert.equal(meetsExpectation(parseExpectation('count lt 2'), [1, 2]), false);
  assert.ok(meetsExpectation(parseExpectation('count eq 0'), []));
  assert.ok(meetsExpectation(parseExpectation('count gte 1'), [1]));
  assert.ok(meetsExpectation(parseExpectation('count gt 0'), [1]));
});

test('anything else is refused with the grammar in the hint', () => {
  for (const bad of ['', 'eq', 'eq [', 'equals []', 'count about 3', 'count lt -1', 'count lt 1.5']) {
    assert.throws(() => parseExpectation(bad, { file: 'c.yaml', field: 'checks[0].expect' }), (error: unknown) => {
      assert.ok(error instanceof WardError);
      assert.equal(error.code, 'CONTROL_INVALID');
      assert.equal(error.location?.field, 'checks[0].expect');
      assert.match(error.hint ?? '', /eq <json>/);
      return true;
    });
  }
});
