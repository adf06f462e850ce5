import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeExplanation, encodeExplanation } from './explain-failure.js';
import { formatFailureReason, splitFailureReason } from './failure-reason.js';

test('a failure reason says each plain reason once, then the matched filters; split reads both back', () => {
  const matched = ['check: {securityContacts_SOME: {email: ""}}', 'valid-address: {securityContacts_SOME: {emails: []}}'];
  const text = formatFailureReason(['the address is empty', 'no usable address', 'the address is empty'], matched);
  assert.equal(text, 'the address is empty; no usable address (matched ["check: {securityContacts_SOME: {email: \\"\\"}}","valid-address: {securityContacts_SOME: {emails: []}}"])');
  assert.deepEqual(splitFailureReason(text), { text: 'the address is empty; no usable address', matched });
  assert.equal(formatFailureReason(['no security contact'], []), 'no security contact');
  assert.deepEqual(splitFailureReason('could not read the data: AuthorizationFailed'), { text: 'could not read the data: AuthorizationFailed', matched: [] });
});

test('split finds the matched list wherever it sits, even when a filter value holds `])`', () => {
  const odd = ['check: {name_IN: ["a])", "b"]}'];
  const reason = `${formatFailureReason(['bad name'], odd)} (exception EX-2 expired on 2026-03-01: counted as a failure again)`;
  assert.deepEqual(splitFailureReason(reason), { text: 'bad name (exception EX-2 expired on 2026-03-01: counted as a failure again)', matched: odd });
  assert.deepEqual(splitFailureReason('text (matched [not json'), { text: 'text (matched [not json', matched: [] });
});

test('an explanation travels behind the check name and is read back', () => {
  const explanation = { reasons: ['no security contact'], matched: ['{securityContacts_SOME: null}'] };
  assert.deepEqual(decodeExplanation(`Some check: ${encodeExplanation(explanation)}`), explanation);
  assert.equal(decodeExplanation('Some check'), undefined);
});
