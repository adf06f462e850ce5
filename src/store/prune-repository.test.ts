import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WardError } from '../core/errors.js';
import { readCurrentFindings } from '../scan/current-findings.js';
import { runScan } from '../scan/run-scan.js';
import { scanDiff } from '../scan/scan-diff.js';
import { seedControls, subscription, tinyTenant } from '../scan/test-support/tiny-tenant.js';
import { findingsOfScan, judgedFindingsAt } from './finding-state-repository.js';
import { oldestKeptScan, pruneScans, type PruneRule } from './prune-repository.js';
import { readTrend } from './report-history-repository.js';
import { beginScan, failScan, getScan, holdRunningScan } from './scan-repository.js';
import type { Store } from './sql-client.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';

const day = (n: number) => new Date(Date.UTC(2026, 2, n));
const scans = (...days: number[]) => days.map((d, i) => ({ id: i + 1, finishedAt: day(d) }));

test('oldestKeptScan: the N-th most recent complete scan, or the oldest finished since now - N days, never after the latest', () => {
  const now = day(20);
  const kept = (list: ReturnType<typeof scans>, rule: PruneRule) => oldestKeptScan(list, rule, now);
  assert.equal(kept([], { keepScans: 3 }), undefined);
  assert.equal(kept([], { olderThanDays: 3 }), undefined);
  const five = scans(1, 5, 10, 15, 19);
  assert.equal(kept(five, { keepScans: 1 }), 5);
  assert.equal(kept(five, { keepScans: 2 }), 4);
  assert.equal(kept(five, { keepScans: 5 }), 1);
  assert.equal(kept(five, { keepScans: 100 }), 1, 'fewer scans than N: all are kept');
  assert.equal(kept([...five].reverse(), { keepScans: 2 }), 4, 'any order');
  assert.equal(kept(five, { olderThanDays: 1 }), 5);
  assert.equal(kept(five, { olderThanDays: 5 }), 4, 'finished exactly at now - 5 days: kept');
  assert.equal(kept(five, { olderThanDays: 6 }), 4);
  assert.equal(kept(five, { olderThanDays: 36500 }), 1);
  assert.equal(kept(scans(1, 2, 3), { olderThanDays: 7 }), 3, 'nothing recent: the latest is still kept');
  // ids in the store's order; a scan that finished late (a queued scan) does not let a later one go
  assert.equal(kept([{ id: 1, finishedAt: day(1) }, { id: 2, finishedAt: day(19) }, { id: 3, finishedAt: day(18) }], { olderThanDays: 3 }), 2);
});

/** Scans 1..7 over subscriptions a..e, with a failed scan (4) and a narrowed one (7); c is gone from scan 3 on. */
async function buildHistory(store: Store): Promise<void> {
  const scan = (verdicts: Parameters<typeof tinyTenant>[0], d: number, scope?: string[]) =>
    runScan({ store, controls: seedControls(), inventory: tinyTenant(verdicts), source: 'test', now: () => day(d), ...(scope ? { scope } : {}) });
  await scan({ a: 'fail', b: 'fail', c: 'pass' }, 1);
  await scan({ a: 'pass', b: 'fail', c: 'pass', d: 'fail', e: 'fail' }, 2);
  await scan({ a: 'pass', b: 'error', d: 'fail' }, 3);
  await failScan(store, await beginScan(store, 'test', day(4)), day(4), 'planned failure');
  await scan({ a: 'fail', b: 'pass', d: 'pass', e: 'skipped' }, 5);
  await scan({ a: 'fail', b: 'pass', e: 'pass' }, 6);
  await scan({ b: 'fail' }, 7, [subscription('b')]);
}

const count = async (store: Store, table: string): Promise<number> => Number((await store.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${table}`)).rows[0]!.n);

/** Everything a reader shows for a kept scan. */
async function viewOf(store: Store, ids: readonly number[]): Promise<unknown> {
  const view: Record<string, unknown> = {};
  for (const id of ids) {
    view[`judged ${id}`] = await judgedFindingsAt(store, id);
    view[`own ${id}`] = await findingsOfScan(store, id);
    view[`current ${id}`] = (await readCurrentFindings(store, { scanId: id, now: day(30), actor: 'test', source: 'test' })).findings;
  }
  for (const [from, to] of [[5, 6], [6, 7], [5, 7], [7, 5]] as const) view[`diff ${from}-${to}`] = (await scanDiff(store, from, to)).diff;
  view['diff latest'] = (await scanDiff(store)).diff;
  view.trend = await readTrend(store);
  return view;
}

const notFound = (error: unknown) => error instanceof WardError && error.code === 'NOT_FOUND' && /pruned/.test(error.message);

for (const kind of TEST_STORE_KINDS) {
  test(`prune keeps what kept scans answer: findings, history, diff and trend are the same; a pruned scan is NOT_FOUND (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await buildHistory(store);
      const kept = [5, 6, 7];
      const before = await viewOf(store, kept);
      const changes = await count(store, 'finding_changes');
      const oldChanges = Number((await store.query<{ n: number }>('SELECT count(*)::integer AS n FROM finding_changes WHERE scan_id <= 5')).rows[0]!.n);
      assert.ok(oldChanges > 0 && oldChanges < changes, 'the history has before-images on both sides of the kept window');

      const result = await pruneScans(store, { rule: { keepScans: 3 }, now: day(30) });
      assert.equal(result.keptFrom, 5);
      assert.deepEqual(result.scans, { count: 4, fromId: 1, toId: 4 }, 'every scan before 5 is pruned, the failed one too');
      assert.equal(result.beforeImages.rows, oldChanges);
      assert.ok(result.beforeImages.bytes > 0);
      assert.deepEqual(result.goneFindings.rows, 1, 'c, gone since scan 3');
      assert.ok(result.goneFindings.bytes > 0);
      assert.ok(result.databaseBytes.before > 0 && result.databaseBytes.after !== null && result.databaseBytes.after > 0);
      assert.equal(result.changes, true);
      assert.equal(await count(store, 'finding_changes'), changes - oldChanges);
      assert.equal(await count(store, "finding_states WHERE asset_id = '/subscriptions/c'"), 0);
      const pruned = (await store.query<{ id: number }>('SELECT id FROM scans WHERE pruned_at IS NOT NULL ORDER BY id')).rows.map((r) => Number(r.id));
      assert.deepEqual(pruned, [1, 2, 3, 4]);
      assert.equal(await count(store, 'scans'), 7, 'every scan row stays');
      assert.ok((await getScan(store, 2))!.summary, 'with its summary');

      assert.deepEqual(await viewOf(store, kept), before, 'kept scans answer exactly as before');
      for (const id of [1, 2, 3]) {
        await assert.rejects(judgedFindingsAt(store, id), notFound, `scan ${id}`);
        await assert.rejects(readCurrentFindings(store, { scanId: id, now: day(30), actor: 'test', source: 'test' }), notFound);
      }
      await assert.rejects(scanDiff(store, 3, 5), notFound, 'a diff from a pruned scan');

      const again = await pruneScans(store, { rule: { keepScans: 3 }, now: day(31) });
      assert.equal(again.changes, false, 'a second prune has nothing to do');
      assert.deepEqual([again.scans.count, again.beforeImages.rows, again.goneFindings.rows], [0, 0, 0]);
      assert.equal(again.databaseBytes.after, null);
      const lessKept = await pruneScans(store, { rule: { keepScans: 6 }, now: day(31) });
      assert.equal(lessKept.changes, false, 'keeping more than is left changes nothing');
    } finally {
      await store.close();
    }
  });

  test(`--dry-run plans the same prune and changes nothing; --older-than picks by finish time (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await buildHistory(store);
      const snapshot = async () => ({
        changes: await count(store, 'finding_changes'),
        states: await count(store, 'finding_states'),
        scans: (await store.query('SELECT id, pruned_at, status FROM scans ORDER BY id')).rows,
      });
      const before = await snapshot();
      const plan = await pruneScans(store, { rule: { olderThanDays: 25 }, now: day(31), dryRun: true });
      assert.equal(plan.dryRun, true);
      assert.equal(plan.keptFrom, 6, 'scan 6 finished on day 6, exactly 25 days before day 31');
      assert.equal(plan.databaseBytes.after, null);
      assert.deepEqual(await snapshot(), before, 'nothing changed');
      const done = await pruneScans(store, { rule: { olderThanDays: 25 }, now: day(31) });
      assert.deepEqual([done.keptFrom, done.scans, done.beforeImages, done.goneFindings], [plan.keptFrom, plan.scans, plan.beforeImages, plan.goneFindings], 'the plan was what it did');
      assert.equal(done.dryRun, false);
      const nothing = await pruneScans(store, { rule: { olderThanDays: 1 }, now: day(31) });
      assert.equal(nothing.keptFrom, 7, 'nothing finished in the last day: the latest is kept');
    } finally {
      await store.close();
    }
  });

  test(`prune leaves summaries, exception events, remediation runs and notification deliveries alone; the trend is the same (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await buildHistory(store);
      await store.query(
        "INSERT INTO exception_events (at, actor, action, exception_id, source, exception) VALUES ($1, 'sec', 'add', 'EX-1', 'test', '{\"id\":\"EX-1\"}'::jsonb)",
        [day(2)],
      );
      const run = await store.query<{ id: number }>(
        "INSERT INTO remediation_runs (control_id, started_at, status, arm_endpoint, addresses) VALUES ('c', $1, 'complete', 'https://arm', ARRAY['soc@contoso.com']) RETURNING id",
        [day(2)],
      );
      await store.query(
        "INSERT INTO remediation_changes (run_id, seq, batch, asset_id, contact_name, method, path, api_version, status) VALUES ($1, 1, 1, '/subscriptions/a', 'default', 'PUT', '/x', '2020-01-01', 'applied')",
        [run.rows[0]!.id],
      );
      await store.query(
        "INSERT INTO notification_deliveries (channel_id, scan_id, status, payload, created_at, updated_at) VALUES ('webhook-1', 2, 'delivered', '{}'::jsonb, $1, $1)",
        [day(2)],
      );
      const kept = async () => {
        const rows: Record<string, unknown> = {};
        for (const table of ['exception_events', 'remediation_runs', 'remediation_changes', 'notification_deliveries']) {
          rows[table] = (await store.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY to_jsonb(t)::text`)).rows;
        }
        rows.scans = (await store.query('SELECT id, started_at, finished_at, status, source, error, summary, scope, controls FROM scans ORDER BY id')).rows;
        rows.trend = await readTrend(store);
        rows.trendUpTo3 = await readTrend(store, { upToScanId: 3, limit: 2 });
        return rows;
      };
      const before = await kept();
      assert.equal((await pruneScans(store, { rule: { keepScans: 1 }, now: day(30) })).scans.count, 6);
      assert.deepEqual(await kept(), before);
    } finally {
      await store.close();
    }
  });

  test(`prune refuses while a scan is not finished and changes nothing (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    let release: () => void = () => undefined;
    let holding: Promise<void> | undefined;
    try {
      await buildHistory(store);
      let busy: number;
      if (kind.name === 'postgres') {
        // a scan writing its results: its process holds the scan's lock on a connection of its own
        busy = await beginScan(store, 'live', day(8));
        const gate = new Promise<void>((resolve) => (release = resolve));
        let held: () => void = () => undefined;
        const started = new Promise<void>((resolve) => (held = resolve));
        holding = store.transaction(async (tx) => {
          await holdRunningScan(tx, busy);
          held();
          await gate;
        });
        await started;
      } else {
        busy = Number((await store.query<{ id: number }>("INSERT INTO scans (started_at, status, source) VALUES ($1, 'queued', 'queue') RETURNING id", [day(8)])).rows[0]!.id);
      }
      const status = kind.name === 'postgres' ? 'running' : 'queued';
      const snapshot = async () => [await count(store, 'finding_changes'), await count(store, 'finding_states'), await count(store, 'scans WHERE pruned_at IS NOT NULL')];
      const before = await snapshot();
      await assert.rejects(
        pruneScans(store, { rule: { keepScans: 1 }, now: day(30) }),
        (error: unknown) => error instanceof WardError && error.code === 'SCAN_BUSY' && error.message.includes(`#${busy} (${status})`),
      );
      assert.deepEqual(await snapshot(), before, 'nothing changed');
      assert.equal((await getScan(store, busy))!.status, status, 'the live scan is not marked interrupted');
      const plan = await pruneScans(store, { rule: { keepScans: 1 }, now: day(30), dryRun: true });
      assert.deepEqual(plan.unfinished, [{ id: busy, status }], 'a dry run says what a prune would wait for');
      release();
      await holding;
      if (kind.name === 'postgres') {
        // its process gone, the scan is interrupted, and the prune goes ahead
        assert.equal((await pruneScans(store, { rule: { keepScans: 1 }, now: day(30) })).changes, true);
        assert.equal((await getScan(store, busy))!.status, 'interrupted');
      }
    } finally {
      release();
      await holding;
      await store.close();
    }
  });
}
