import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, FindingStatus } from '../model.js';
import { combineCheckFindings } from './combine-check-findings.js';
import { encodeExplanation } from './explain-failure.js';
import { splitFailureReason } from './failure-reason.js';

const finding = (checkId: string, assetId: string, status: FindingStatus, reason = `${checkId} ${status}`): Finding => ({
  controlId: 'c',
  checkId,
  assetId,
  assetName: null,
  status,
  reason,
  severity: 'low',
});

test('one finding per control and asset: error over fail over pass, failing reasons joined', () => {
  const combined = combineCheckFindings([
    finding('c/a', 's1', 'pass'),
    finding('c/a', 's2', 'fail'),
    finding('c/a', 's3', 'fail'),
    finding('c/b', 's1', 'fail'),
    finding('c/b', 's2', 'pass'),
    finding('c/b', 's3', 'fail'),
  ]);
  assert.deepEqual(
    combined.map((f) => [f.assetId, f.checkId, f.status, f.reason]),
    [
      ['s1', 'c/b', 'fail', 'c/b fail'],
      ['s2', 'c/a', 'fail', 'c/a fail'],
      ['s3', 'c/a', 'fail', 'c/a fail; c/b fail'],
    ],
  );
  const withError = combineCheckFindings([finding('c/a', 's1', 'fail'), finding('c/b', 's1', 'error')]);
  assert.deepEqual(withError.map((f) => [f.checkId, f.status]), [['c/b', 'error']]);
  assert.equal(combineCheckFindings([finding('c/a', 's1', 'skipped'), finding('c/b', 's1', 'skipped')]).length, 1);
});

test('a failure gives each plain reason once across the checks, then what each check matched', () => {
  const explained = (checkId: string, reasons: string[], matched: string[]): Finding => ({
    ...finding(checkId, 's1', 'fail'),
    reason: `${checkId} name: ${encodeExplanation({ reasons, matched })}`,
  });
  const [combined] = combineCheckFindings([
    explained('c/check', ['no security contact'], ['{securityContacts_SOME: null}']),
    explained('c/valid-address', ['no security contact'], ['{securityContacts_SOME: null}']),
  ]);
  assert.equal(combined!.checkId, 'c/check');
  assert.deepEqual(splitFailureReason(combined!.reason), {
    text: 'no security contact',
    matched: ['check: {securityContacts_SOME: null}', 'valid-address: {securityContacts_SOME: null}'],
  });
  const [two] = combineCheckFindings([explained('c/check', ['a', 'b'], ['{x: 1}', '{y: 2}']), finding('c/other', 's1', 'pass'), explained('c/valid', ['b', 'c'], ['{z: 3}'])]);
  assert.equal(splitFailureReason(two!.reason).text, 'a; b; c');
  const [single] = combineCheckFindings([explained('c/check', ['only'], ['{x: 1}'])]);
  assert.equal(single!.reason, 'only (matched ["check: {x: 1}"])', 'a single check is put in the same form');
});
