import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedupeEmailAddresses, isEmailAddress, splitEmailAddresses } from './email-addresses.js';

test('splitEmailAddresses accepts ; and , and drops empty items', () => {
  assert.deepEqual(splitEmailAddresses('a@x.com;b@x.com'), ['a@x.com', 'b@x.com']);
  assert.deepEqual(splitEmailAddresses(' a@x.com , b@x.com ;; '), ['a@x.com', 'b@x.com']);
  assert.deepEqual(splitEmailAddresses(''), []);
  assert.deepEqual(splitEmailAddresses(' ; , '), []);
  assert.deepEqual(splitEmailAddresses(null), []);
  assert.deepEqual(splitEmailAddresses(undefined), []);
});

test('isEmailAddress rejects what is not one mailbox', () => {
  assert.ok(isEmailAddress('soc@contoso.com'));
  for (const bad of ['', 'soc', 'soc@', '@contoso.com', 'a@b', 'Soc <soc@contoso.com>', 'a@x.com;b@x.com']) {
    assert.equal(isEmailAddress(bad), false, bad);
  }
});

test('dedupeEmailAddresses is case-insensitive and keeps the first spelling', () => {
  assert.deepEqual(dedupeEmailAddresses(['John@x.com', 'john@X.com', 'b@x.com']), ['John@x.com', 'b@x.com']);
});
