import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, FindingStatus } from '../model.js';
import { coverageWarning } from './coverage-warning.js';

const f = (asset: string, status: FindingStatus, extra: Partial<Finding> = {}): Finding => ({
  controlId: 'c', checkId: 'c/check', assetId: `/subscriptions/${asset}`, assetName: asset, status, reason: status, severity: 'low', ...extra,
});
const findings = [f('pass', 'pass'), f('fail', 'fail'), f('error', 'error'), f('off', 'skipped'), f('accepted', 'excepted', { originalStatus: 'fail' })];

test('an exception on a failing subscription gives no warning; on a passing, skipped or error one it says why it changes nothing', () => {
  const on = (asset: string) => coverageWarning({ controlId: 'c', assetId: asset }, findings, 7);
  assert.equal(on('/subscriptions/fail'), undefined);
  assert.equal(on('/subscriptions/accepted'), undefined, 'already excepted: it is a failure underneath');
  assert.equal(on('/subscriptions/PASS'), 'c on /subscriptions/PASS is passing in scan #7: the exception accepts nothing unless it fails');
  assert.match(on('/subscriptions/off')!, /is skipped in scan #7/);
  assert.match(on('/subscriptions/error')!, /^c on \/subscriptions\/error is an error in scan #7; an exception never covers an error/);
  assert.equal(on('/subscriptions/unknown'), undefined, 'an asset not scanned yet has its own warning');
  assert.equal(coverageWarning({ controlId: 'other', assetId: '/subscriptions/pass' }, findings, 7), undefined);
});

test('a prefix warns about the errors it covers, and when none of its findings fails', () => {
  assert.match(coverageWarning({ controlId: 'c', assetId: '/subscriptions/*' }, findings, 3)!, /^1 of the 5 findings of c on \/subscriptions\/\* are errors in scan #3;/);
  assert.equal(coverageWarning({ controlId: 'c', assetId: '/subscriptions/pa*' }, findings, 3), 'none of the 1 findings of c on /subscriptions/pa* fails in scan #3: the exception accepts nothing unless one fails');
  assert.equal(coverageWarning({ controlId: 'c', assetId: '/subscriptions/f*' }, findings, 3), undefined);
});
