import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, FindingStatus } from '../model.js';
import { diffFindings } from './diff-findings.js';

const f = (asset: string, status: FindingStatus): Finding => ({
  controlId: 'c', checkId: 'c/check', assetId: `/subscriptions/${asset}`, assetName: asset, status, reason: status, severity: 'low',
});

test('drift sorts movements into new, resolved, changed and counts the unchanged', () => {
  const diff = diffFindings(
    [f('fixed', 'fail'), f('gone', 'fail'), f('worse', 'fail'), f('accepted', 'fail'), f('steady', 'fail'), f('ok', 'pass'), f('broke', 'pass'), f('off', 'skipped')],
    [f('fixed', 'pass'), f('worse', 'error'), f('accepted', 'excepted'), f('steady', 'fail'), f('ok', 'pass'), f('broke', 'fail'), f('off', 'pass'), f('arrived', 'fail'), f('arrived-ok', 'pass')],
  );
  const view = (entries: typeof diff.new) => entries.map((e) => [e.assetName, e.status, e.before, e.after]);
  assert.deepEqual(view(diff.new), [['arrived', 'fail', null, 'fail'], ['broke', 'fail', 'pass', 'fail']]);
  assert.deepEqual(view(diff.resolved), [['fixed', 'pass', 'fail', 'pass'], ['gone', 'fail', 'fail', null]]);
  assert.deepEqual(view(diff.changed), [['accepted', 'excepted', 'fail', 'excepted'], ['worse', 'error', 'fail', 'error']]);
  assert.equal(diff.unchanged, 4); // steady, ok, off (skipped -> pass: no problem either side), arrived-ok
});

test('a finding keeps its identity when another of its control checks decides it', () => {
  const base = { controlId: 'c', assetId: '/subscriptions/1', assetName: 'one', severity: 'low' as const };
  const diff = diffFindings(
    [{ ...base, checkId: 'c/check', status: 'fail', reason: 'seed check' }],
    [{ ...base, checkId: 'c/valid-address', status: 'fail', reason: 'stricter check' }],
  );
  assert.deepEqual([diff.new.length, diff.resolved.length, diff.changed.length, diff.unchanged], [0, 0, 0, 1]);
});

test('after a scoped scan, findings outside its scope are out of scope, not resolved', () => {
  const diff = diffFindings([f('1', 'fail'), f('2', 'fail'), f('3', 'fail')], [f('1', 'pass')], ['/subscriptions/1', '/subscriptions/3']);
  assert.deepEqual(diff.resolved.map((e) => e.assetId), ['/subscriptions/1', '/subscriptions/3']);
  assert.equal(diff.outOfScope, 1);
  const full = diffFindings([f('1', 'fail'), f('2', 'fail')], [f('1', 'pass')]);
  assert.deepEqual(full.resolved.map((e) => e.assetId), ['/subscriptions/1', '/subscriptions/2'], 'a full scan that no longer sees an asset resolves it');
});

test('judged states: a subscription no scan in between looked at is out of scope even though its verdict is carried over', () => {
  // as of the earlier scan and the narrowed later one: 2 keeps its last verdict (fail), nobody looked at it again
  const diff = diffFindings([f('1', 'fail'), f('2', 'fail')], [f('1', 'pass'), f('2', 'fail')], ['/subscriptions/1']);
  assert.deepEqual([diff.resolved.map((e) => e.assetId), diff.unchanged, diff.outOfScope], [['/subscriptions/1'], 0, 1]);
});
