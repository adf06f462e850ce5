import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, FindingHistorySummary } from '../core/model.js';
import { withHistory } from './current-findings.js';

const history: FindingHistorySummary = { firstSeen: '2026-01-01T00:00:00.000Z', lastSeen: '2026-01-03T00:00:00.000Z', lastChanged: '2026-01-02T00:00:00.000Z', changes: 1 };
const verdict: Finding = { controlId: 'c', checkId: 'c/check', assetId: '/subscriptions/1', assetName: 'one', status: 'fail', reason: 'no security contact', severity: 'low' };

test('withHistory copies a plain verdict and adds its history, in the order a spread gives', () => {
  const shown = withHistory(verdict, history);
  assert.deepEqual(shown, { ...verdict, history });
  assert.deepEqual(Object.keys(shown), Object.keys({ ...verdict, history }));
});

test('withHistory keeps every field of a finding that has them all (Required<Finding>: a new field must be listed here)', () => {
  const exception = { id: 'EX-1', owner: 'sec', reason: 'accepted', expires: '2027-01-01' };
  const full: Required<Finding> = {
    ...verdict,
    status: 'excepted',
    originalStatus: 'fail',
    originalReason: 'no security contact',
    exception,
    expiredException: { ...exception, id: 'EX-0' },
    history: { ...history, changes: 7 },
    connector: 'prod',
  };
  const shown = withHistory(full, history);
  assert.deepEqual(shown, { ...full, history });
  // each optional field alone (a field added to Finding included) is kept too
  for (const field of Object.keys(full).filter((key) => !(key in verdict)) as (keyof Finding)[]) {
    const one = { ...verdict, [field]: full[field] } as Finding;
    assert.deepEqual(withHistory(one, history), { ...one, history }, field);
  }
});
