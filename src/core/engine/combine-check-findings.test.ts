import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, FindingStatus } from '../model.js';
import { combineCheckFindings } from './combine-check-findings.js';

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
