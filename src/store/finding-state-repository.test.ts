import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffFindings } from '../core/engine/diff-findings.js';
import type { Finding, FindingStatus } from '../core/model.js';
import { readCurrentFindings } from '../scan/current-findings.js';
import { runScan } from '../scan/run-scan.js';
import { scanDiff } from '../scan/scan-diff.js';
import { seedControls, subscription, tinyTenant } from '../scan/test-support/tiny-tenant.js';
import { countOtherJudgedKeys, findingsOfScan, keptStateSize, judgedFindingsAt, storeScanFindings } from './finding-state-repository.js';
import { beginScan, completeScan, coverageBetween, failScan, holdRunningScan, summariseFindings } from './scan-repository.js';
import { pruneScans } from './prune-repository.js';
import type { Store } from './sql-client.js';
import { buildFindingTimelines, findingKey, judgedStateOracle, type ScanPoint } from './test-support/finding-history-oracle.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';

const ASSETS = ['a', 'b', 'c', 'd', 'e'].map(subscription);
const CONTROLS = ['c1', 'c2', 'c3'];
const STATUSES: readonly FindingStatus[] = ['pass', 'fail', 'error', 'excepted', 'skipped'];

interface PlannedScan {
  readonly failed: boolean;
  readonly scope: string[] | null;
  readonly controls: string[] | null;
  /** Per covered asset: null when the scan did not find it, else a verdict per covered control. */
  readonly found: (readonly { status: FindingStatus; reason: number; check: number; named: boolean }[] | null)[];
}

const verdict = fc.record({ status: fc.constantFrom(...STATUSES), reason: fc.integer({ min: 0, max: 1 }), check: fc.integer({ min: 0, max: 1 }), named: fc.boolean() });
const plannedScan: fc.Arbitrary<PlannedScan> = fc.record({
  failed: fc.boolean().map((b) => b && Math.random() < 0.3),
  scope: fc.option(fc.subarray(ASSETS, { minLength: 1 }), { freq: 2 }),
  controls: fc.option(fc.subarray(CONTROLS, { minLength: 1 }), { freq: 3 }),
  found: fc.array(fc.option(fc.array(verdict, { minLength: 3, maxLength: 3 }), { freq: 5 }), { minLength: ASSETS.length, maxLength: ASSETS.length }),
});

/** The findings a planned scan stores: one per covered (control, asset) it found. */
function findingsOf(plan: PlannedScan): Finding[] {
  const findings: Finding[] = [];
  ASSETS.forEach((assetId, a) => {
    const found = plan.found[a];
    if ((plan.scope !== null && !plan.scope.includes(assetId)) || found === null || found === undefined) return;
    CONTROLS.forEach((controlId, c) => {
      if (plan.controls !== null && !plan.controls.includes(controlId)) return;
      const v = found[c]!;
      findings.push({
        controlId,
        checkId: `${controlId}/check-${v.check}`,
        assetId,
        assetName: v.named ? `sub ${a}` : null,
        status: v.status,
        reason: `reason ${v.reason}`,
        severity: 'high',
        ...(v.status === 'excepted' ? { originalStatus: 'fail' as const, exception: { id: `EX-${a}`, owner: 'sec', reason: 'accepted', expires: '2099-01-01' } } : {}),
      });
    });
  });
  return findings;
}

const byKey = (list: readonly Finding[]) => [...list].sort((x, y) => (findingKey(x) < findingKey(y) ? -1 : findingKey(x) > findingKey(y) ? 1 : 0));

async function storePlanned(store: Store, plans: readonly PlannedScan[]): Promise<{ points: ScanPoint[]; verdicts: Map<number, Finding[]> }> {
  const points: ScanPoint[] = [];
  const verdicts = new Map<number, Finding[]>();
  for (const [index, plan] of plans.entries()) {
    const at = new Date(Date.UTC(2026, 0, 1 + index));
    const id = await beginScan(store, 'property', at, plan.scope, plan.controls);
    if (plan.failed) {
      await failScan(store, id, at, 'planned failure');
      continue;
    }
    const findings = findingsOf(plan);
    await store.transaction(async (tx) => {
      await holdRunningScan(tx, id);
      await storeScanFindings(tx, { id, scope: plan.scope, controls: plan.controls }, findings);
      await completeScan(tx, id, at, summariseFindings(findings));
    });
    points.push({ id, finishedAt: at.toISOString(), scope: plan.scope, controls: plan.controls });
    verdicts.set(id, findings);
  }
  return { points, verdicts };
}

for (const kind of TEST_STORE_KINDS) {
  test(`stored states answer what every verdict of every scan answered: judged state, history, drift and each scan's own findings (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(plannedScan, { minLength: 1, maxLength: 9 }), fc.nat(), async (plans, pick) => {
          await store.exec('TRUNCATE finding_changes, finding_states, staged_findings, scans CASCADE');
          const { points, verdicts } = await storePlanned(store, plans);
          for (const [index, point] of points.entries()) {
            const expected = judgedStateOracle(points, verdicts, index);
            assert.deepEqual(byKey(await judgedFindingsAt(store, point.id)), byKey(expected), `judged state at scan ${point.id}`);
            assert.deepEqual(byKey(await findingsOfScan(store, point.id)), byKey(verdicts.get(point.id)!), `scan ${point.id}'s own findings`);
            const upTo = buildFindingTimelines(points.slice(0, index + 1), [...verdicts].filter(([id]) => id <= point.id).flatMap(([scanId, list]) => list.map((f) => ({ scanId, ...f }))));
            const current = await readCurrentFindings(store, { scanId: point.id, now: new Date('2026-06-01T00:00:00Z'), actor: 'test', source: 'test' });
            for (const finding of current.findings) {
              const t = upTo.get(findingKey(finding))!;
              assert.deepEqual(finding.history, { firstSeen: t.firstSeen, lastSeen: t.lastSeen, lastChanged: t.lastChanged, changes: t.changes.length }, `history of ${findingKey(finding)} at scan ${point.id}`);
            }
          }
          if (points.length >= 2) {
            const from = points[pick % points.length]!;
            const to = points[(pick >> 3) % points.length]!;
            if (from.id !== to.id) {
              const oracle = diffFindings(
                judgedStateOracle(points, verdicts, points.indexOf(from)),
                judgedStateOracle(points, verdicts, points.indexOf(to)),
                await coverageBetween(store, from.id, to.id),
              );
              assert.deepEqual((await scanDiff(store, from.id, to.id)).diff, oracle, `diff ${from.id} → ${to.id}`);
            }
          }
        }),
        { numRuns: kind.name === 'pglite' ? 40 : 25 },
      );
    } finally {
      await store.close();
    }
  });

  test(`a scan writes only what changed: unchanged findings add no rows, a change adds one before-image (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const count = async (table: 'finding_states' | 'finding_changes' | 'staged_findings') => Number((await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);
      const scan = (verdicts: Parameters<typeof tinyTenant>[0], day: number) =>
        runScan({ store, controls: seedControls(), inventory: tinyTenant(verdicts), source: 'test', now: () => new Date(Date.UTC(2026, 2, day)) });
      await scan({ a: 'fail', b: 'fail', c: 'pass' }, 1);
      assert.deepEqual([await count('finding_states'), await count('finding_changes')], [3, 0]);
      for (let day = 2; day <= 6; day += 1) await scan({ a: 'fail', b: 'fail', c: 'pass' }, day);
      assert.deepEqual([await count('finding_states'), await count('finding_changes'), await count('staged_findings')], [3, 0, 0], 'five unchanged scans wrote nothing');
      await scan({ a: 'pass', b: 'fail' }, 7);
      assert.deepEqual([await count('finding_states'), await count('finding_changes')], [3, 2], 'a fixed and a gone subscription: one before-image each');
      const latest = await readCurrentFindings(store, { now: new Date('2026-04-01T00:00:00Z'), actor: 'test', source: 'test' });
      assert.deepEqual(
        latest.findings.map((f) => [f.assetId, f.status, f.history]),
        [
          [subscription('a'), 'pass', { firstSeen: '2026-03-01T00:00:00.000Z', lastSeen: '2026-03-07T00:00:00.000Z', lastChanged: '2026-03-07T00:00:00.000Z', changes: 1 }],
          [subscription('b'), 'fail', { firstSeen: '2026-03-01T00:00:00.000Z', lastSeen: '2026-03-07T00:00:00.000Z', lastChanged: '2026-03-01T00:00:00.000Z', changes: 0 }],
        ],
      );
      const diff = (await scanDiff(store)).diff;
      assert.deepEqual([diff.new.length, diff.resolved.map((e) => e.assetId), diff.unchanged], [0, [subscription('a')], 2], 'b still fails; c passed and is gone: neither was a problem');
    } finally {
      await store.close();
    }
  });

  test(`the latest state is kept as its readers read it, and any other change to finding_states drops it (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const kept = async () => (await store.query<{ scan_id: number }>('SELECT scan_id FROM state_snapshots')).rows.map((r) => Number(r.scan_id));
      const scan = async (verdicts: Parameters<typeof tinyTenant>[0], day: number, scope?: string[]) =>
        (await runScan({ store, controls: seedControls(), inventory: tinyTenant(verdicts), source: 'test', now: () => new Date(Date.UTC(2026, 2, day)), ...(scope ? { scope } : {}) })).scanId;
      const built = async (scanId: number) => {
        // the state as readers build it without the kept one: what the kept one must say
        await store.exec('DELETE FROM state_snapshots');
        return judgedFindingsAt(store, scanId);
      };
      await scan({ a: 'fail', b: 'fail', c: 'pass' }, 1);
      const second = await scan({ a: 'pass', b: 'fail' }, 2);
      assert.deepEqual(await kept(), [second], 'one kept state, the latest scan\'s');
      const everyKey = (await judgedFindingsAt(store, second)).map((f) => ({ controlId: f.controlId, assetId: f.assetId }));
      assert.equal(await keptStateSize(store, second), everyKey.length, 'its size is kept with it');
      assert.equal(await countOtherJudgedKeys(store, second, everyKey.slice(1)), 1);
      const fromKept = await judgedFindingsAt(store, second);
      assert.deepEqual(fromKept, await built(second));
      assert.deepEqual(await kept(), []);
      assert.equal(await keptStateSize(store, second), null, 'none without it');

      const third = await scan({ a: 'fail' }, 3, [subscription('a')]);
      assert.deepEqual(await kept(), [third], 'a narrowed scan keeps the whole state too');
      const narrowed = await judgedFindingsAt(store, third);
      assert.deepEqual(narrowed, await built(third));
      assert.deepEqual(narrowed.map((f) => [f.assetId, f.status]), [[subscription('a'), 'fail'], [subscription('b'), 'fail']], 'b as scan 2 judged it');

      const fourth = await scan({ a: 'fail', b: 'fail' }, 4);
      await store.query("UPDATE finding_states SET reason = 'changed by another writer' WHERE asset_id = $1", [subscription('b')]);
      assert.deepEqual(await kept(), [], 'the trigger dropped the kept state');
      assert.ok((await judgedFindingsAt(store, fourth)).some((f) => f.reason === 'changed by another writer'), 'never a stale read');

      const fifth = await scan({ a: 'fail' }, 5);
      const before = await judgedFindingsAt(store, fifth);
      await pruneScans(store, { rule: { keepScans: 1 }, now: new Date(Date.UTC(2026, 2, 6)) });
      assert.deepEqual(await kept(), [fifth], 'ward prune keeps it');
      assert.deepEqual(await judgedFindingsAt(store, fifth), before);
      assert.deepEqual(await built(fifth), before);

      const sixth = await scan({ a: 'pass', b: 'fail' }, 7);
      const read = await judgedFindingsAt(store, sixth);
      // damaged in place (the trigger watches finding_states only): refused by gzip's checksum, the state is built
      await store.query("UPDATE state_snapshots SET state = overlay(state placing '\\x00ff'::bytea from 20)");
      assert.deepEqual(await kept(), [sixth]);
      assert.deepEqual(await judgedFindingsAt(store, sixth), read, 'a damaged kept state is never read');
      await store.query("UPDATE state_snapshots SET state = '\\x'::bytea");
      assert.deepEqual(await judgedFindingsAt(store, sixth), read, 'nor an empty one');
    } finally {
      await store.close();
    }
  });

  test(`the judged state comes in code point order of control, check and asset, and stays scan N's when N+1 completes during the read (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await store.exec('TRUNCATE finding_changes, finding_states, staged_findings, scans CASCADE');
      // U+FFFF sorts before U+1F600 in code points (and UTF-8 bytes), after it in UTF-16 units
      const assets = ['/subscriptions/b', '/subscriptions/A', '/subscriptions/\uFFFF', '/subscriptions/a', '/subscriptions/\u{1F600}'];
      const finding = (controlId: string, check: string, assetId: string, status: FindingStatus): Finding => ({ controlId, checkId: `${controlId}/${check}`, assetId, assetName: null, status, reason: status, severity: 'high' });
      const verdicts = (status: FindingStatus): Finding[] =>
        ['c2', 'c1'].flatMap((control) => assets.map((asset, i) => finding(control, i % 2 === 0 ? 'z-check' : 'a-check', asset, status)));
      const store1 = async (id: number, findings: readonly Finding[]): Promise<void> =>
        store.transaction(async (tx) => {
          await holdRunningScan(tx, id);
          await storeScanFindings(tx, { id, scope: null, controls: null }, findings);
          await completeScan(tx, id, new Date(Date.UTC(2026, 0, id)), summariseFindings(findings));
        });
      const first = await beginScan(store, 'test', new Date(Date.UTC(2026, 0, 1)), null, null);
      await store1(first, verdicts('fail'));
      const order = (await judgedFindingsAt(store, first)).map((f) => `${f.controlId} ${f.checkId.split('/')[1]} ${f.assetId.slice(15)}`);
      assert.deepEqual(order, [
        'c1 a-check A', 'c1 a-check a',
        'c1 z-check b', 'c1 z-check \uFFFF', 'c1 z-check \u{1F600}',
        'c2 a-check A', 'c2 a-check a',
        'c2 z-check b', 'c2 z-check \uFFFF', 'c2 z-check \u{1F600}',
      ], 'ordered as the C collation orders (byte order), on every engine');

      // scan 2 completes after the read has found scan 1 to be the latest, before it reads the state
      const second = await beginScan(store, 'test', new Date(Date.UTC(2026, 0, 2)), null, null);
      let completed = false;
      const racing: Store = {
        ...store,
        query: async (sql, params) => {
          // the first read of the state: the kept one (migration 13), or the state built from finding_states
          if (!completed && (sql.includes('state_snapshots') || sql.includes('json_agg'))) {
            completed = true;
            await store1(second, verdicts('pass'));
          }
          return store.query(sql, params);
        },
      };
      const judged = await judgedFindingsAt(racing, first);
      assert.ok(completed, 'the scan completed during the read');
      assert.deepEqual(new Set(judged.map((f) => f.status)), new Set(['fail']), 'scan 1 is read as scan 1 judged it, not as scan 2 did');
      assert.equal(judged.length, 10);
      assert.deepEqual(new Set((await judgedFindingsAt(store, second)).map((f) => f.status)), new Set(['pass']));
    } finally {
      await store.close();
    }
  });
}
