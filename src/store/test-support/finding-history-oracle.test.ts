import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFindingTimelines } from './finding-history-oracle.js';

test('a problem that disappears is resolved when it goes; one that comes back is open again', () => {
  const scans = [1, 2, 3].map((id) => ({ id, finishedAt: `2026-03-0${id}T00:00:00.000Z` }));
  const row = (scanId: number, status: 'fail' | 'pass') => ({ scanId, controlId: 'c', checkId: 'c/check', assetId: '/subscriptions/x', status });
  const gone = [...buildFindingTimelines(scans, [row(1, 'fail')]).values()][0]!;
  assert.equal(gone.status, 'absent');
  assert.equal(gone.resolvedAt, '2026-03-02T00:00:00.000Z');
  const back = [...buildFindingTimelines(scans, [row(1, 'fail'), row(3, 'fail')]).values()][0]!;
  assert.deepEqual(back.changes.map((c) => [c.from, c.to]), [['fail', 'absent'], ['absent', 'fail']]);
  assert.equal(back.resolvedAt, null);
});

test('a narrowed scan that did not cover an asset leaves its timeline alone; one that covered it and found nothing makes it absent', () => {
  const scans = [
    { id: 1, finishedAt: '2026-03-01T00:00:00.000Z', scope: null },
    { id: 2, finishedAt: '2026-03-02T00:00:00.000Z', scope: ['/subscriptions/other'] },
    { id: 3, finishedAt: '2026-03-03T00:00:00.000Z', scope: ['/subscriptions/x'] },
  ];
  const row = (scanId: number) => ({ scanId, controlId: 'c', checkId: 'c/check', assetId: '/subscriptions/x', status: 'fail' as const });
  const kept = [...buildFindingTimelines(scans.slice(0, 2), [row(1)]).values()][0]!;
  assert.deepEqual([kept.status, kept.changes.length, kept.lastChanged], ['fail', 0, '2026-03-01T00:00:00.000Z']);
  const gone = [...buildFindingTimelines(scans, [row(1)]).values()][0]!;
  assert.deepEqual(gone.changes.map((c) => [c.from, c.to, c.scanId]), [['fail', 'absent', 3]]);
});

test('a scan narrowed to other controls leaves a finding timeline alone', () => {
  const scans = [
    { id: 1, finishedAt: '2026-03-01T00:00:00.000Z' },
    { id: 2, finishedAt: '2026-03-02T00:00:00.000Z', controls: ['other'] },
    { id: 3, finishedAt: '2026-03-03T00:00:00.000Z', controls: ['c'] },
  ];
  const row = (scanId: number, status: 'fail' | 'pass') => ({ scanId, controlId: 'c', checkId: 'c/check', assetId: '/subscriptions/x', status });
  const timeline = [...buildFindingTimelines(scans, [row(1, 'fail'), row(3, 'pass')]).values()][0]!;
  assert.deepEqual(timeline.changes.map((c) => [c.from, c.to, c.scanId]), [['fail', 'pass', 3]]);
});
