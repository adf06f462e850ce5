import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WardError } from '../core/errors.js';
import type { Inventory } from '../core/model.js';
import { connector, connectorId, contact } from '../core/query/test-support/inventory-builders.js';
import { readInventory, readSubscription, replaceInventory } from './inventory-repository.js';
import type { Store } from './sql-client.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';

const INVENTORY: Inventory = {
  connectors: [
    connector('a', { tags: { env: 'prod', "o'wner": 'sec "team"' }, tenantId: 't1' }),
    connector('b', { name: null, state: null, readError: { code: 'AuthorizationFailed', message: 'no access to Microsoft.Security' } }),
  ],
  securityContacts: [
    contact('a', 'default', {
      email: 'sec@x.io; soc@x.io',
      isEnabled: true,
      notificationsByRole: { state: 'On', roles: ['Owner', 'ServiceAdmin'] },
      notificationsSources: [{ sourceType: 'Alert', minimalSeverity: 'High' }],
      raw: { properties: { emails: 'sec@x.io; soc@x.io' }, weird: "quote ' and \" and \\\\" },
    }),
    contact('a', 'default2', { email: null, raw: null }),
  ],
};

const options = { collectedAt: new Date('2025-03-01T10:00:00Z'), scanId: null };

for (const kind of TEST_STORE_KINDS) {
  describe(`${kind.name}: inventory repository`, { skip: kind.skip }, () => {
    let store: Store;
    before(async () => {
      store = (await kind.open())!;
    });
    after(async () => {
      await store?.close();
    });

    test('replaceInventory then readInventory gives the inventory back', async () => {
      assert.deepEqual(await replaceInventory(store, INVENTORY, { ...options, scope: 'all' }), { connectors: 2, securityContacts: 2 });
      const stored = await readInventory(store);
      assert.deepEqual(stored, INVENTORY);
      const { rows } = await store.query<{ provider: string; type: string; collected_at: Date }>('SELECT s.provider, s.type, c.collected_at FROM security_contacts s JOIN connectors c ON c.id = s.connector_id LIMIT 1');
      assert.equal(rows[0]!.provider, 'azure');
      assert.equal(new Date(rows[0]!.collected_at).toISOString(), '2025-03-01T10:00:00.000Z');
    });

    test('a scoped replace swaps only the listed connectors and their contacts', async () => {
      await replaceInventory(store, INVENTORY, { ...options, scope: 'all' });
      await replaceInventory(
        store,
        { connectors: [connector('a', { name: 'renamed' })], securityContacts: [] },
        { ...options, scanId: null, scope: [connectorId('a'), connectorId('gone')] },
      );
      const stored = await readInventory(store);
      assert.deepEqual(stored.connectors.map((c) => [c.id, c.name]), [[connectorId('a'), 'renamed'], [connectorId('b'), null]]);
      assert.deepEqual(stored.securityContacts, []);
    });

    test('an inconsistent inventory is rejected and nothing stored changes', async () => {
      await replaceInventory(store, INVENTORY, { ...options, scope: 'all' });
      const orphan: Inventory = { connectors: [connector('c')], securityContacts: [contact('z', 'default')] };
      await assert.rejects(replaceInventory(store, orphan, { ...options, scope: 'all' }), (error: unknown) => error instanceof WardError && /not in the inventory/.test(error.message));
      await assert.rejects(
        replaceInventory(store, { connectors: [connector('c')], securityContacts: [] }, { ...options, scope: [connectorId('a')] }),
        (error: unknown) => error instanceof WardError && /outside the scope/.test(error.message),
      );
      await assert.rejects(
        replaceInventory(store, { connectors: [connector('c'), connector('c')], securityContacts: [] }, { ...options, scope: 'all' }),
        (error: unknown) => error instanceof WardError && /appears twice/.test(error.message),
      );
      assert.deepEqual(await readInventory(store), INVENTORY);
    });

    test('a database failure rolls the whole replacement back', async () => {
      await replaceInventory(store, INVENTORY, { ...options, scope: 'all' });
      const bad = { connectors: [connector('d', { subscriptionId: null as never })], securityContacts: [] };
      await assert.rejects(replaceInventory(store, bad, { ...options, scope: 'all' }));
      assert.deepEqual(await readInventory(store), INVENTORY);
    });

    test('large inventories load with one bulk COPY per table, not a statement per row', async () => {
      const connectors = Array.from({ length: 12_001 }, (_, i) => connector(`bulk-${String(i).padStart(5, '0')}`));
      const securityContacts = connectors.map((c) => contact(c.subscriptionId, 'default', { email: `${c.subscriptionId}@x.io` }));
      let statements = 0;
      const loads: string[] = [];
      const counting = {
        ...store,
        transaction: <T>(work: (tx: Store) => Promise<T>) =>
          store.transaction((tx) =>
            work({
              ...store,
              ...tx,
              query: (sql: string, params?: readonly unknown[]) => (statements++, tx.query(sql, params)),
              copyRows: (table: string, columns: never, rows: Iterable<readonly unknown[]>) => (loads.push(table), tx.copyRows(table, columns, rows)),
            } as never),
          ),
      };
      await replaceInventory(counting as Store, { connectors, securityContacts }, { ...options, scope: 'all' });
      // one TRUNCATE, then one load per table
      assert.equal(statements, 1);
      assert.deepEqual(loads, ['connectors', 'security_contacts']);
      const { rows } = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM security_contacts');
      assert.equal(rows[0]!.n, 12_001);
      assert.deepEqual(await readInventory(store), { connectors, securityContacts });
    });

    test('a value PostgreSQL cannot store (NUL) is refused by name, and nothing stored changes', async () => {
      await replaceInventory(store, INVENTORY, { ...options, scope: 'all' });
      // loads go in key order, so the error names the row by its id, not only by its place in the load
      const bad: Inventory = {
        connectors: [connector('z'), connector('n'), connector('a')],
        securityContacts: [contact('z', 'default'), contact('n', 'default', { raw: { properties: { phone: 'a\u0000b' } } }), contact('a', 'default')],
      };
      const badId = bad.securityContacts[1]!.id;
      await assert.rejects(
        replaceInventory(store, bad, { ...options, scope: 'all' }),
        (error: unknown) =>
          error instanceof WardError && /security_contacts\.raw of row \d+ holds a NUL/.test(error.message) && error.message.endsWith(`(the row whose id is ${JSON.stringify(badId)})`),
      );
      assert.deepEqual(await readInventory(store), INVENTORY);
    });
  });
}

for (const kind of TEST_STORE_KINDS) {
  test(`readSubscription finds one subscription by subscription id or ARM id, any case, with its contacts (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await replaceInventory(store, INVENTORY, { collectedAt: new Date('2026-11-01T00:00:00Z'), scanId: null, scope: 'all' });
      const all = await readInventory(store);
      const first = all.connectors[0]!;
      for (const key of [first.subscriptionId, first.subscriptionId.toUpperCase(), first.id, first.id.toUpperCase()]) {
        const found = await readSubscription(store, key);
        assert.deepEqual(found?.connector, first, key);
        assert.deepEqual(found?.securityContacts, all.securityContacts.filter((c) => c.connectorId === first.id), key);
      }
      assert.equal(await readSubscription(store, '00000000-0000-0000-0000-000000000000'), undefined);
      assert.equal(await readSubscription(store, "' OR 1=1 --"), undefined, 'a value, never SQL');
    } finally {
      await store.close();
    }
  });
}
