import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { WardError } from '../core/errors.js';
import type { Inventory } from '../core/model.js';
import { executeQuery } from '../core/query/execute-query.js';
import { runScan } from '../scan/run-scan.js';
import { seedControls, tinyTenant } from '../scan/test-support/tiny-tenant.js';
import { judgedFindingsAt } from './finding-state-repository.js';
import { readInventory } from './inventory-repository.js';
import { pruneScans } from './prune-repository.js';
import { listPins, pinScan, unpinScan, withInventoryOfScan } from './scan-pin-repository.js';
import { beginScan, failScan, getScan } from './scan-repository.js';
import type { Store } from './sql-client.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';

const day = (n: number) => new Date(Date.UTC(2026, 2, n));
const pinOn = (scanId: number, d = 10) => ({ scanId, reason: 'SOC 2 audit, FY2026', actor: 'auditor@contoso.com', now: day(d) });

/** A tenant whose names, tags and raw ARM bodies are hostile to quoting and encoding. */
function hostileTenant(): Inventory {
  const base = tinyTenant({ a: 'pass', b: 'fail', "c'; DROP TABLE connectors; --": 'error' });
  return {
    connectors: base.connectors.map((c, i) => ({ ...c, name: `sub "${i}" \\ ünïcode 🛡️`, tags: { 'cost-center': `'${i}'`, 'key with "quotes"': 'x\ty' } })),
    securityContacts: [
      ...base.securityContacts.map((c) => ({ ...c, raw: { ...(c.raw as object), properties: { emails: 'a@x.com;b@y.com', nested: { deep: [1, [2, [3]]] }, note: 'it\'s "fine" \\ ✓' } } })),
    ],
  };
}

const scanOf = (store: Store, inventory: Inventory, d: number) => runScan({ store, controls: seedControls(), inventory, source: 'test', now: () => day(d) });
const QUERY = '{ connectors { id name tags securityContacts { id emails } } }';
const notFound = (pattern: RegExp) => (error: unknown) => error instanceof WardError && error.code === 'NOT_FOUND' && pattern.test(error.message);

for (const kind of TEST_STORE_KINDS) {
  test(`a pinned scan keeps the inventory it left, raw bodies included, after later scans replace it (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await scanOf(store, hostileTenant(), 1);
      const atScan1 = await readInventory(store);
      const query1 = await executeQuery(store, QUERY, { source: 'test' });
      const pinned = await pinScan(store, pinOn(1));
      assert.equal(pinned.created, true);
      assert.deepEqual({ connectors: pinned.connectors, contacts: pinned.securityContacts }, { connectors: 3, contacts: 1 });
      assert.ok(pinned.bytes > 0);
      assert.deepEqual(pinned.pin, { scanId: 1, reason: 'SOC 2 audit, FY2026', pinnedBy: 'auditor@contoso.com', pinnedAt: day(10) });

      await scanOf(store, tinyTenant({ d: 'pass' }), 2);
      assert.notDeepEqual(await readInventory(store), atScan1, 'scan 2 replaced the stored inventory');
      assert.deepEqual(await withInventoryOfScan(store, 1, readInventory), atScan1, 'the pinned copy reads back as it was, raw bodies included');
      assert.deepEqual(await withInventoryOfScan(store, 1, (client) => executeQuery(client, QUERY, { source: 'test' })), query1, 'GraphQL over the copy answers as it did');
      assert.deepEqual(await withInventoryOfScan(store, 2, readInventory), await readInventory(store), 'the latest scan reads the stored inventory');
      assert.equal((await readInventory(store)).connectors.length, 1, 'reading the copy leaves the stored inventory as it is');

      const again = await pinScan(store, { ...pinOn(1, 11), reason: 'another reason' });
      assert.equal(again.created, false);
      assert.deepEqual(again.pin, pinned.pin, 'a second pin changes nothing');
      assert.deepEqual((await getScan(store, 1))!.pin, { reason: 'SOC 2 audit, FY2026', pinnedBy: 'auditor@contoso.com', pinnedAt: day(10) });
      assert.equal((await getScan(store, 2))!.pin, null);

      const removed = await unpinScan(store, 1);
      assert.deepEqual({ connectors: removed?.connectors, contacts: removed?.securityContacts }, { connectors: 3, contacts: 1 });
      assert.equal(await unpinScan(store, 1), undefined);
      assert.deepEqual(await listPins(store), []);
      for (const table of ['pinned_connectors', 'pinned_security_contacts']) {
        assert.equal(Number((await store.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${table}`)).rows[0]!.n), 0, table);
      }
      await assert.rejects(withInventoryOfScan(store, 1, readInventory), notFound(/inventory of scan 1 is not kept: scan 2 replaced it/));
    } finally {
      await store.close();
    }
  });

  test(`only a scan whose inventory is still stored can be pinned (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await assert.rejects(pinScan(store, pinOn(1)), notFound(/scan 1 is unknown/));
      await scanOf(store, tinyTenant({ a: 'pass' }), 1);
      await scanOf(store, tinyTenant({ a: 'fail' }), 2);
      await assert.rejects(pinScan(store, pinOn(1)), notFound(/inventory of scan 1 is no longer stored: scan 2 completed after it/));
      const failed = await beginScan(store, 'test', day(3));
      await failScan(store, failed, day(3), 'planned failure');
      await assert.rejects(pinScan(store, pinOn(failed)), notFound(/is failed/));
      assert.equal((await pinScan(store, pinOn(2))).created, true, 'a failed scan after it did not touch the inventory');
      assert.deepEqual((await listPins(store)).map((p) => p.scanId), [2]);
    } finally {
      await store.close();
    }
  });

  test(`ward prune keeps the findings of the oldest pinned scan and after it, and lets them go once unpinned (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await scanOf(store, tinyTenant({ a: 'fail', b: 'pass' }), 1);
      await scanOf(store, tinyTenant({ a: 'pass', b: 'pass' }), 2);
      await pinScan(store, pinOn(2));
      await scanOf(store, tinyTenant({ a: 'pass', b: 'fail' }), 3);
      await scanOf(store, tinyTenant({ a: 'fail', b: 'fail' }), 4);
      const scan2 = await judgedFindingsAt(store, 2);
      const held = await pruneScans(store, { rule: { keepScans: 1 }, now: day(30) });
      assert.equal(held.keptFrom, 2);
      assert.equal(held.heldByPin?.scanId, 2);
      assert.deepEqual(await judgedFindingsAt(store, 2), scan2, 'the pinned scan reads as before');
      assert.notEqual((await getScan(store, 1))!.prunedAt, null, 'the scan before the pin is pruned');
      assert.equal((await getScan(store, 3))!.prunedAt, null);

      await unpinScan(store, 2);
      const released = await pruneScans(store, { rule: { keepScans: 1 }, now: day(30) });
      assert.equal(released.keptFrom, 4);
      assert.equal(released.heldByPin, null);
      await assert.rejects(judgedFindingsAt(store, 2), notFound(/pruned/));
    } finally {
      await store.close();
    }
  });

  test(`a scan completing while a pinned copy is read waits, and the read sees one inventory (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await scanOf(store, tinyTenant({ a: 'pass', b: 'fail' }), 1);
      const atScan1 = await readInventory(store);
      let inside!: () => void;
      const entered = new Promise<void>((resolve) => (inside = resolve));
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const reading = withInventoryOfScan(store, 1, async (client) => {
        inside();
        await held;
        return readInventory(client);
      });
      await entered;
      let completed = false;
      const scanning = scanOf(store, tinyTenant({ c: 'pass' }), 2).then(() => (completed = true));
      await sleep(400);
      const waited = !completed;
      release();
      const seen = await reading;
      await scanning;
      assert.equal(waited, true, 'the scan waits for the read');
      assert.deepEqual(seen, atScan1);
      assert.deepEqual((await readInventory(store)).connectors.map((c) => c.id), ['/subscriptions/c']);
    } finally {
      await store.close();
    }
  });
}

