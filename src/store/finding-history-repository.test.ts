import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../scan/run-scan.js';
import { seedControls, subscription, tinyTenant } from '../scan/test-support/tiny-tenant.js';
import { buildFindingTimelines, readFindingTimelines } from './finding-history-repository.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';

for (const kind of TEST_STORE_KINDS) {
  test(`history across three scans: first seen, last seen, status changes and resolved at (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const scan = (verdicts: Parameters<typeof tinyTenant>[0], at: string) =>
        runScan({ store, controls: seedControls(), inventory: tinyTenant(verdicts), source: 'test', now: () => new Date(at) });
      await scan({ a: 'fail', b: 'fail', c: 'pass' }, '2026-03-01T00:00:00Z');
      await store.query("INSERT INTO scans (started_at, finished_at, status, source, error) VALUES (now(), now(), 'failed', 'x', 'boom')");
      await scan({ a: 'pass', b: 'error', c: 'pass', d: 'fail' }, '2026-03-02T00:00:00Z');
      await scan({ a: 'pass', b: 'error', d: 'fail' }, '2026-03-03T00:00:00Z');
      const timelines = [...(await readFindingTimelines(store)).values()];
      const of = (key: string) => timelines.find((t) => t.assetId === subscription(key))!;

      assert.deepEqual(
        { ...of('a'), changes: of('a').changes.map((c) => [c.from, c.to, c.at]) },
        {
          controlId: 'azure-defender-security-contact-email',
          checkId: 'azure-defender-security-contact-email/check',
          assetId: subscription('a'),
          firstSeen: '2026-03-01T00:00:00.000Z',
          lastSeen: '2026-03-03T00:00:00.000Z',
          lastChanged: '2026-03-02T00:00:00.000Z',
          status: 'pass',
          changes: [['fail', 'pass', '2026-03-02T00:00:00.000Z']],
          resolvedAt: '2026-03-02T00:00:00.000Z',
        },
      );
      assert.deepEqual(of('b').changes.map((c) => [c.from, c.to]), [['fail', 'error']]);
      assert.equal(of('b').resolvedAt, null, 'fail to error is still a problem');
      assert.equal(of('c').status, 'absent');
      assert.equal(of('c').lastSeen, '2026-03-02T00:00:00.000Z');
      assert.equal(of('c').resolvedAt, null, 'a passing asset that disappears was never a problem');
      assert.equal(of('d').firstSeen, '2026-03-02T00:00:00.000Z');
      assert.equal(of('d').changes.length, 0);
      // up to a scan: the history as it stood then
      const earlier = await readFindingTimelines(store, 1);
      assert.equal([...earlier.values()].find((t) => t.assetId === subscription('a'))!.status, 'fail');
    } finally {
      await store.close();
    }
  });
}

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

for (const kind of TEST_STORE_KINDS) {
  test(`a narrowed scan keeps first seen and last change of the subscriptions outside its scope (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const scan = (verdicts: Parameters<typeof tinyTenant>[0], at: string, narrowed = false) =>
        runScan({
          store, controls: seedControls(), inventory: tinyTenant(verdicts), source: 'test', now: () => new Date(at),
          ...(narrowed ? { scope: Object.keys(verdicts).map(subscription) } : {}),
        });
      await scan({ a: 'fail', b: 'fail', c: 'pass' }, '2026-05-01T00:00:00Z');
      await scan({ a: 'pass' }, '2026-05-02T00:00:00Z', true);
      await scan({ a: 'pass', b: 'pass', c: 'pass' }, '2026-05-03T00:00:00Z');
      const timelines = [...(await readFindingTimelines(store)).values()];
      const of = (key: string) => timelines.find((t) => t.assetId === subscription(key))!;
      assert.deepEqual(of('a').changes.map((c) => [c.from, c.to, c.at]), [['fail', 'pass', '2026-05-02T00:00:00.000Z']]);
      assert.deepEqual(of('b').changes.map((c) => [c.from, c.to, c.at]), [['fail', 'pass', '2026-05-03T00:00:00.000Z']], 'fail to pass, never absent');
      assert.equal(of('b').resolvedAt, '2026-05-03T00:00:00.000Z');
      assert.deepEqual([of('c').firstSeen, of('c').lastChanged, of('c').changes.length], ['2026-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z', 0]);
      // as of the narrowed scan: b and c still stand as the first scan judged them
      const then = [...(await readFindingTimelines(store, 2)).values()].find((t) => t.assetId === subscription('b'))!;
      assert.deepEqual([then.status, then.lastChanged, then.lastSeen], ['fail', '2026-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z']);
    } finally {
      await store.close();
    }
  });
}

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
