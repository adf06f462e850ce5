import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIGRATIONS } from './migrations.js';
import { migrate } from './migrate.js';
import { openStore, pgliteStore } from './open-store.js';
import { diffFindings } from '../core/engine/diff-findings.js';
import { runScan } from '../scan/run-scan.js';
import { seedControls, subscription, tinyTenant } from '../scan/test-support/tiny-tenant.js';
import type { Finding, FindingStatus } from '../core/model.js';
import { beginScan, completeScan, coverageBetween, failScan, getScan, holdRunningScan, insertFindings, listScans, markInterruptedScans, summariseFindings } from './scan-repository.js';
import { findingsOfScan, judgedFindingsAt, storeScanFindings } from './finding-state-repository.js';
import type { SqlClient } from './sql-client.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';

const at = new Date('2026-03-01T10:00:00Z');

for (const kind of TEST_STORE_KINDS) {
  test(`scan ids are dense: a rolled-back insert and a failed scan leave no gap (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const first = await beginScan(store, 'first', at);
      await failScan(store, first, at, 'boom');
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.query("INSERT INTO scans (started_at, status, source) VALUES (now(), 'running', 'rolled back')");
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      const second = await beginScan(store, 'second', at);
      // an insert that names no id (as older tools and tests do) is numbered the same way
      await store.query("INSERT INTO scans (started_at, status, source) VALUES (now(), 'complete', 'third')");
      assert.deepEqual((await listScans(store)).map((s) => [s.id, s.source]), [[1, 'first'], [2, 'second'], [3, 'third']]);
      assert.equal(second, 2);
    } finally {
      await store.close();
    }
  });
}

test('pglite: a scan left running is marked interrupted, with the reason, and only once', async () => {
  const store = (await TEST_STORE_KINDS[0]!.open())!;
  try {
    const id = await beginScan(store, 'killed', at);
    assert.deepEqual(await markInterruptedScans(store), [id]);
    const scan = (await getScan(store, id))!;
    assert.equal(scan.status, 'interrupted');
    assert.match(scan.error!, /did not finish: its process ended/);
    assert.deepEqual(await markInterruptedScans(store), []);
  } finally {
    await store.close();
  }
});

const postgres = TEST_STORE_KINDS.find((kind) => kind.name === 'postgres')!;

test('postgres: a scan still writing (its transaction holds it) is left running; once that transaction is gone (a killed process: the server drops it) it is interrupted', { skip: postgres.skip }, async () => {
  const store = (await postgres.open())!;
  const other = await openStore({ location: store.location });
  try {
    const id = await beginScan(store, 'live', at);
    let finish: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let holding: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const writing = store.transaction(async (tx) => {
      await holdRunningScan(tx, id);
      holding();
      await gate;
    });
    await held;
    assert.deepEqual(await markInterruptedScans(other), [], 'another process sees the scan alive');
    const reopened = await openStore({ location: store.location });
    assert.equal((await getScan(reopened, id))!.status, 'running', 'opening the store leaves a live scan alone');
    await reopened.close();
    // the writer ends without completing the scan (as if its process died): the scan is interrupted
    finish();
    await writing;
    assert.deepEqual(await markInterruptedScans(other), [id]);
  } finally {
    await other.close();
    await store.close();
  }
});

type Verdicts = Parameters<typeof tinyTenant>[0];

/** Scans with the seed control; `narrowed` scans cover only the subscriptions they list (as --subscription does). */
function scanner(store: import('./sql-client.js').Store) {
  return (verdicts: Verdicts, at: string, narrowed = false) =>
    runScan({
      store,
      controls: seedControls(),
      inventory: tinyTenant(verdicts),
      source: 'test',
      now: () => new Date(at),
      ...(narrowed ? { scope: Object.keys(verdicts).map(subscription) } : {}),
    });
}

for (const kind of TEST_STORE_KINDS) {
  test(`drift after a narrowed scan compares every subscription with the last scan that judged it (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const scan = scanner(store);
      const first = await scan({ a: 'fail', b: 'fail', c: 'fail', d: 'fail', e: 'fail', f: 'pass', g: 'fail' }, '2026-05-01T00:00:00Z');
      const narrowed = await scan({ a: 'pass' }, '2026-05-02T00:00:00Z', true);
      const full = await scan({ a: 'pass', b: 'pass', c: 'pass', d: 'pass', e: 'pass', f: 'pass', g: 'fail' }, '2026-05-03T00:00:00Z');
      const drift = async (from: number, to: number) => {
        const diff = diffFindings(await judgedFindingsAt(store, from), await judgedFindingsAt(store, to), await coverageBetween(store, from, to));
        const ids = (entries: typeof diff.new) => entries.map((e) => `${e.assetId.slice('/subscriptions/'.length)}:${e.before}->${e.after}`);
        return { new: ids(diff.new), resolved: ids(diff.resolved), changed: ids(diff.changed), unchanged: diff.unchanged, outOfScope: diff.outOfScope };
      };

      // the narrowed scan stored only what it judged; the state it leaves is the whole tenant
      assert.deepEqual((await findingsOfScan(store, narrowed.scanId)).map((f) => f.assetId), [subscription('a')]);
      const state = await judgedFindingsAt(store, narrowed.scanId);
      assert.deepEqual(
        state.map((f) => [f.assetId.slice('/subscriptions/'.length), f.status]),
        [['a', 'pass'], ['b', 'fail'], ['c', 'fail'], ['d', 'fail'], ['e', 'fail'], ['f', 'pass'], ['g', 'fail']],
      );

      assert.deepEqual(await drift(first.scanId, narrowed.scanId), { new: [], resolved: ['a:fail->pass'], changed: [], unchanged: 0, outOfScope: 6 });
      // the full scan after it: four subscriptions fixed since their last judgement, and g's old problem is not new
      assert.deepEqual(await drift(narrowed.scanId, full.scanId), {
        new: [], resolved: ['b:fail->pass', 'c:fail->pass', 'd:fail->pass', 'e:fail->pass'], changed: [], unchanged: 3, outOfScope: 0,
      });
      assert.deepEqual(await drift(first.scanId, full.scanId), {
        new: [], resolved: ['a:fail->pass', 'b:fail->pass', 'c:fail->pass', 'd:fail->pass', 'e:fail->pass'], changed: [], unchanged: 2, outOfScope: 0,
      });
      assert.equal(await coverageBetween(store, first.scanId, full.scanId), null, 'a full scan in between looked at everything');
    } finally {
      await store.close();
    }
  });

  test(`a full scan still resolves what it no longer finds; a narrowed scan resolves only inside its scope (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const scan = scanner(store);
      const first = await scan({ a: 'fail', b: 'fail', c: 'fail' }, '2026-05-01T00:00:00Z');
      const narrowed = await scan({ a: 'fail', b: 'pass' }, '2026-05-02T00:00:00Z', true);
      const narrowedAgain = await scan({ c: 'error' }, '2026-05-03T00:00:00Z', true);
      const full = await scan({ a: 'fail' }, '2026-05-04T00:00:00Z');
      assert.deepEqual(await coverageBetween(store, first.scanId, narrowedAgain.scanId), [
        { assets: [subscription('a'), subscription('b')], controls: null },
        { assets: [subscription('c')], controls: null },
      ]);
      const across = diffFindings(await judgedFindingsAt(store, first.scanId), await judgedFindingsAt(store, narrowedAgain.scanId), await coverageBetween(store, first.scanId, narrowedAgain.scanId));
      assert.deepEqual([across.resolved.map((e) => e.assetId), across.changed.map((e) => e.assetId), across.unchanged, across.outOfScope], [[subscription('b')], [subscription('c')], 1, 0]);
      const gone = diffFindings(await judgedFindingsAt(store, narrowedAgain.scanId), await judgedFindingsAt(store, full.scanId), await coverageBetween(store, narrowedAgain.scanId, full.scanId));
      assert.deepEqual(gone.resolved.map((e) => [e.assetId, e.before, e.after]), [[subscription('c'), 'error', null]]);
      assert.deepEqual((await judgedFindingsAt(store, full.scanId)).map((f) => f.assetId), [subscription('a')], 'the full scan replaced the whole state');
      assert.equal((await getScan(store, narrowed.scanId))?.narrowed, true);
      assert.equal((await getScan(store, full.scanId))?.narrowed, false);
    } finally {
      await store.close();
    }
  });
}

for (const kind of TEST_STORE_KINDS) {
  test(`a scan narrowed to some controls leaves the other controls' verdicts as they were (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const finding = (controlId: string, asset: string, status: FindingStatus): Finding => ({
        controlId, checkId: `${controlId}/check`, assetId: subscription(asset), assetName: asset, status, reason: status, severity: 'low',
      });
      const stored = async (findings: Finding[], at: string, narrowing: { scope?: string[]; controls?: string[] } = {}) => {
        const id = await beginScan(store, 'test', new Date(at), narrowing.scope ?? null, narrowing.controls ?? null);
        await store.transaction(async (tx) => {
          await holdRunningScan(tx, id);
          await storeScanFindings(tx, { id, scope: narrowing.scope ?? null, controls: narrowing.controls ?? null }, findings);
          await completeScan(tx, id, new Date(at), summariseFindings(findings));
        });
        return id;
      };
      const first = await stored([finding('c1', 'a', 'fail'), finding('c2', 'a', 'fail'), finding('c1', 'b', 'fail'), finding('c2', 'b', 'pass')], '2026-06-01T00:00:00Z');
      const onlyC1 = await stored([finding('c1', 'a', 'pass'), finding('c1', 'b', 'fail')], '2026-06-02T00:00:00Z', { controls: ['c1'] });
      const c2OnB = await stored([finding('c2', 'b', 'fail')], '2026-06-03T00:00:00Z', { scope: [subscription('b')], controls: ['c2'] });
      const view = (findings: Finding[]) => findings.map((f) => `${f.controlId}:${f.assetName}:${f.status}`);
      assert.deepEqual(view(await judgedFindingsAt(store, c2OnB)), ['c1:a:pass', 'c1:b:fail', 'c2:a:fail', 'c2:b:fail']);
      const drift = diffFindings(await judgedFindingsAt(store, first), await judgedFindingsAt(store, c2OnB), await coverageBetween(store, first, c2OnB));
      assert.deepEqual(
        [drift.resolved.map((e) => `${e.controlId}:${e.assetName}`), drift.new.map((e) => `${e.controlId}:${e.assetName}`), drift.unchanged, drift.outOfScope],
        [['c1:a'], ['c2:b'], 1, 1],
        'c2 on a was looked at by no scan in between',
      );
      const row = await getScan(store, onlyC1);
      assert.deepEqual([row?.controls, row?.scope, row?.narrowed], [['c1'], null, true]);
    } finally {
      await store.close();
    }
  });
}

/** A queued scan's staged findings, as stored (they are folded into the state when the scan completes). */
async function staged(store: SqlClient, scanId: number): Promise<Finding[]> {
  const { rows } = await store.query<{ f: Record<string, unknown> }>('SELECT to_jsonb(s) AS f FROM staged_findings s WHERE scan_id = $1', [scanId]);
  return rows.map(({ f }) => ({
    controlId: f.control_id, checkId: f.check_id, assetId: f.asset_id, assetName: f.asset_name, status: f.status, reason: f.reason, severity: f.severity,
    ...((f.details as object | null) ?? {}), ...(f.connector_name ? { connector: f.connector_name } : {}),
  }) as Finding);
}

for (const kind of TEST_STORE_KINDS) {
  test(`insertFindings stages every finding with its details; ignoreExisting keeps what is stored and adds the rest, twice in one transaction (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const findings: Finding[] = Array.from({ length: 12_000 }, (_, i) => ({
        controlId: `c${i % 3}`,
        checkId: `c${i % 3}/check`,
        assetId: subscription(`s${i}`),
        assetName: i % 7 === 0 ? null : `sub "${i}"\t\\`,
        status: i % 5 === 0 ? 'excepted' : 'fail',
        reason: `reason ${i}\nline two`,
        severity: 'high',
        ...(i % 5 === 0 ? { originalStatus: 'fail' as const, exception: { id: `e${i}`, owner: 'sec', reason: 'accepted', expires: '2027-01-01' } } : {}),
        ...(i % 2 === 0 ? { connector: 'prod' } : {}),
      }));
      const id = await beginScan(store, 'test', at);
      await insertFindings(store, id, findings);
      const sorted = (list: readonly Finding[]) => [...list].sort((a, b) => `${a.controlId} ${a.checkId} ${a.assetId}`.localeCompare(`${b.controlId} ${b.checkId} ${b.assetId}`, 'en'));
      assert.deepEqual(sorted(await staged(store, id)), sorted(findings));
      const { rows } = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM staged_findings WHERE scan_id = $1 AND details IS NULL', [id]);
      assert.equal(rows[0]!.n, findings.filter((_, i) => i % 5 !== 0).length, 'a finding without details stores SQL NULL');
      // a retried batch: some findings are stored already, some are not
      await store.query("DELETE FROM staged_findings WHERE scan_id = $1 AND control_id = 'c1'", [id]);
      await store.transaction(async (tx) => {
        await insertFindings(tx, id, findings, { ignoreExisting: true });
        await insertFindings(tx, id, findings.slice(0, 10), { ignoreExisting: true });
      });
      assert.deepEqual(sorted(await staged(store, id)), sorted(findings));
      // without ignoreExisting a finding stored twice is an error, and nothing of the load stays
      await assert.rejects(insertFindings(store, id, findings.slice(0, 1)));
      assert.equal((await staged(store, id)).length, findings.length);
    } finally {
      await store.close();
    }
  });
}

test('migration 9 carries a store written before it over: every scan kept, read as covering every control', async () => {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite();
  await db.waitReady;
  const store = pgliteStore(db, 'memory', () => db.close());
  try {
    await migrate(store, MIGRATIONS.filter((m) => m.version <= 8));
    // what ward wrote up to migration 8: a full scan, then one narrowed to a subscription
    for (const [scope, at, status] of [[null, '2026-06-01T00:00:00Z', 'fail'], [[subscription('a')], '2026-06-02T00:00:00Z', 'pass']] as const) {
      const { rows } = await store.query<{ id: number }>(
        "INSERT INTO scans (started_at, finished_at, status, source, scope, summary) VALUES ($1, $1, 'complete', 'test', $2, $3) RETURNING id",
        [at, scope === null ? null : [...scope], JSON.stringify({ total: 1 })],
      );
      for (const asset of scope === null ? ['a', 'b'] : ['a']) {
        await store.query(
          "INSERT INTO findings (scan_id, control_id, check_id, asset_id, asset_name, status, reason, severity) VALUES ($1, 'c', 'c/check', $2, $3, $4, 'r', 'low')",
          [rows[0]!.id, subscription(asset), asset, status],
        );
      }
    }
    assert.equal(await migrate(store), MIGRATIONS.filter((m) => m.version > 8).length);
    const scans = await listScans(store);
    assert.deepEqual(scans.map((s) => [s.id, s.status, s.scope, s.controls, s.narrowed]), [
      [1, 'complete', null, null, false],
      [2, 'complete', [subscription('a')], null, true],
    ]);
    assert.deepEqual((await judgedFindingsAt(store, 2)).map((f) => [f.assetName, f.status]), [['a', 'pass'], ['b', 'fail']]);
  } finally {
    await store.close();
  }
});
