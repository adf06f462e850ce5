import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../store/open-store.js';
import { listExceptionEvents, saveException } from '../store/exception-repository.js';
import { getScan, latestCompleteScan, listScans } from '../store/scan-repository.js';
import { SCAN_FINDINGS_TABLE, findingsOfScan } from '../store/finding-state-repository.js';
import type { SqlClient, Store } from '../store/sql-client.js';
import { TEST_STORE_KINDS } from '../store/test-support/test-store.js';
import { runScan } from './run-scan.js';
import { SEED_CONTROL_ID, seedControls, subscription, tinyTenant } from './test-support/tiny-tenant.js';

const clock = (iso: string) => () => new Date(iso);

/** A store whose transactions throw when they reach the findings insert: a failure after the inventory was replaced. */
function failingMidTransaction(store: Store): Store {
  const wrap = (client: SqlClient): SqlClient => ({
    query: (sql, params) => client.query(sql, params),
    exec: (sql) => client.exec(sql),
    copyRows: (table, columns, rows) => (table === SCAN_FINDINGS_TABLE ? Promise.reject(new Error('injected failure mid-transaction')) : client.copyRows(table, columns, rows)),
    transaction: (work) => client.transaction((tx) => work(wrap(tx))),
  });
  return { ...store, ...wrap(store), transaction: (work) => store.transaction((tx) => work(wrap(tx))) };
}

async function connectorIds(client: SqlClient): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>('SELECT id FROM connectors ORDER BY id');
  return rows.map((r) => r.id);
}

for (const kind of TEST_STORE_KINDS) {
  test(`a scan that fails mid-transaction leaves the previous results intact and is marked failed (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const first = await runScan({ store, controls: seedControls(), inventory: tinyTenant({ a: 'pass', b: 'fail' }), source: 'test', now: clock('2026-03-01T10:00:00Z') });
      const before = await findingsOfScan(store, first.scanId);
      await assert.rejects(
        runScan({ store: failingMidTransaction(store), controls: seedControls(), inventory: tinyTenant({ c: 'fail' }), source: 'test', now: clock('2026-03-02T10:00:00Z') }),
        /injected failure/,
      );
      const scans = await listScans(store);
      assert.deepEqual(scans.map((s) => s.status), ['complete', 'failed']);
      assert.match(scans[1]!.error!, /injected failure/);
      assert.equal((await latestCompleteScan(store))!.id, first.scanId);
      assert.deepEqual(await findingsOfScan(store, first.scanId), before);
      assert.deepEqual(await findingsOfScan(store, scans[1]!.id), []);
      assert.deepEqual(await connectorIds(store), [subscription('a'), subscription('b')]);
    } finally {
      await store.close();
    }
  });
}

test('a scan killed with SIGKILL midway leaves the previous results intact; the next open marks it interrupted, and ids stay dense', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-kill-'));
  try {
    let store = await openStore({ location: dir });
    const first = await runScan({ store, controls: seedControls(), inventory: tinyTenant({ a: 'pass', b: 'fail' }), source: 'first', now: clock('2026-03-01T10:00:00Z') });
    const before = await findingsOfScan(store, first.scanId);
    await store.close();

    const script = fileURLToPath(new URL('./test-support/scan-until-killed.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('MIDWAY')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`the child scan ended (${code}) before reaching the middle of its transaction`)));
    });
    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    store = await openStore({ location: dir });
    try {
      const scans = await listScans(store);
      // opening the store is enough: whatever command comes next sees the killed scan as interrupted
      assert.deepEqual(scans.map((s) => s.status), ['complete', 'interrupted']);
      assert.match(scans[1]!.error!, /did not finish/);
      assert.equal((await latestCompleteScan(store))!.id, first.scanId);
      assert.deepEqual(await findingsOfScan(store, first.scanId), before);
      assert.deepEqual(await findingsOfScan(store, scans[1]!.id), []);
      assert.deepEqual(await connectorIds(store), [subscription('a'), subscription('b')]);
      const third = await runScan({ store, controls: seedControls(), inventory: tinyTenant({ a: 'pass' }), source: 'third', now: clock('2026-03-03T10:00:00Z') });
      assert.equal((await getScan(store, scans[1]!.id))!.status, 'interrupted');
      assert.equal((await getScan(store, third.scanId))!.status, 'complete');
      // a sequence would have resumed 32 values on after the crash
      assert.deepEqual([first.scanId, scans[1]!.id, third.scanId], [1, 2, 3]);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A store whose transactions abort `controller` when they reach the findings insert, as Ctrl-C would there. */
function abortingMidTransaction(store: Store, controller: AbortController): Store {
  const wrap = (client: SqlClient): SqlClient => ({
    query: (sql, params) => client.query(sql, params),
    exec: (sql) => client.exec(sql),
    copyRows: (table, columns, rows) => {
      if (table === SCAN_FINDINGS_TABLE) controller.abort(new Error('interrupted by SIGINT'));
      return client.copyRows(table, columns, rows);
    },
    transaction: (work) => client.transaction((tx) => work(wrap(tx))),
  });
  return { ...store, transaction: (work) => store.transaction((tx) => work(wrap(tx))) };
}

for (const kind of TEST_STORE_KINDS) {
  test(`a scan stopped by its signal midway is recorded interrupted at once and stores nothing (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const first = await runScan({ store, controls: seedControls(), inventory: tinyTenant({ a: 'pass', b: 'fail' }), source: 'test', now: clock('2026-03-01T10:00:00Z') });
      const before = await findingsOfScan(store, first.scanId);
      const controller = new AbortController();
      await assert.rejects(
        runScan({
          store: abortingMidTransaction(store, controller),
          controls: seedControls(),
          inventory: tinyTenant({ c: 'fail' }),
          source: 'test',
          now: clock('2026-03-02T10:00:00Z'),
          signal: controller.signal,
        }),
        /^Error: interrupted by SIGINT$/,
      );
      const scans = await listScans(store);
      assert.deepEqual(scans.map((s) => [s.id, s.status, s.error]), [[1, 'complete', null], [2, 'interrupted', 'interrupted by SIGINT']]);
      assert.deepEqual(scans[1]!.finishedAt, new Date('2026-03-02T10:00:00Z'));
      assert.deepEqual(await findingsOfScan(store, first.scanId), before);
      assert.deepEqual(await findingsOfScan(store, 2), []);
      assert.deepEqual(await connectorIds(store), [subscription('a'), subscription('b')]);
    } finally {
      await store.close();
    }
  });
}

for (const kind of TEST_STORE_KINDS) {
  test(`a scan applies exceptions, stores them with the findings and logs lapsed ones once (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const at = new Date('2026-03-01T00:00:00Z');
      const base = { controlId: SEED_CONTROL_ID, owner: 'secops@contoso.com', reason: 'sandbox, retired soon', createdAt: at.toISOString(), createdBy: 'alice' };
      await saveException(store, { ...base, id: 'EX-1', assetId: subscription('b'), expires: '2026-03-31' }, { actor: 'alice', at, source: 'cli' });
      await saveException(store, { ...base, id: 'EX-2', assetId: subscription('e'), expires: '2026-03-31' }, { actor: 'alice', at, source: 'cli' });
      const inventory = tinyTenant({ a: 'pass', b: 'fail', e: 'error' });
      const first = await runScan({ store, controls: seedControls(), inventory, source: 'test', now: clock('2026-03-15T00:00:00Z') });
      const stored = await findingsOfScan(store, first.scanId);
      const b = stored.find((f) => f.assetId === subscription('b'))!;
      assert.equal(b.status, 'excepted');
      assert.equal(b.originalStatus, 'fail');
      assert.equal(b.exception!.id, 'EX-1');
      assert.equal(stored.find((f) => f.assetId === subscription('e'))!.status, 'error', 'an exception never hides a read error');
      assert.equal(first.summary.byStatus.excepted, 1);

      const later = await runScan({ store, controls: seedControls(), inventory, source: 'test', now: clock('2026-04-01T00:00:00Z') });
      const lapsed = (await findingsOfScan(store, later.scanId)).find((f) => f.assetId === subscription('b'))!;
      assert.equal(lapsed.status, 'fail');
      assert.equal(lapsed.expiredException!.id, 'EX-1');
      await runScan({ store, controls: seedControls(), inventory, source: 'test', now: clock('2026-04-02T00:00:00Z') });
      const expiries = (await listExceptionEvents(store)).filter((e) => e.action === 'expire');
      assert.deepEqual(expiries.map((e) => [e.exceptionId, e.actor]), [['EX-1', 'ward'], ['EX-2', 'ward']]);
    } finally {
      await store.close();
    }
  });
}

for (const kind of TEST_STORE_KINDS) {
  test(`a scoped scan replaces only its subscriptions inventory and records its scope (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const full = tinyTenant({ a: 'fail', b: 'fail', c: 'pass' });
      await runScan({ store, controls: seedControls(), inventory: full, source: 'test', now: clock('2026-11-01T00:00:00Z') });
      const scopedInventory = { connectors: full.connectors.filter((c) => c.id === subscription('a')), securityContacts: [] };
      const scoped = await runScan({
        store, controls: seedControls(), inventory: scopedInventory, source: 'test', now: clock('2026-11-02T00:00:00Z'), scope: [subscription('a')],
      });
      const { rows } = await store.query<{ id: string }>('SELECT id FROM connectors ORDER BY id');
      assert.deepEqual(rows.map((r) => r.id), [subscription('a'), subscription('b'), subscription('c')]);
      assert.deepEqual((await getScan(store, scoped.scanId))?.scope, [subscription('a')]);
      assert.equal((await listScans(store))[0]?.scope, null);
    } finally {
      await store.close();
    }
  });
}
