/**
 * The engine cannot pass falsely, whatever a control author writes: it judges by its own id selection, reports
 * `error` for unreadable subscriptions whatever the check's root type, and refuses an empty scan. The property
 * test at the end generates check variants and requires the engine's verdicts to equal the reference evaluator's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ConnectorRecord, Finding, Inventory, SecurityContactRecord } from '../core/model.js';
import { isWardError } from '../core/errors.js';
import { INACTIVE_STATES } from '../core/engine/evaluate-check.js';
import { executeQuery } from '../core/query/execute-query.js';
import { inventoryStorageModel, typeModel } from '../core/query/inventory-schema.js';
import { ReferenceEvaluator } from '../core/query/test-support/reference-evaluator.js';
import { connector, contact } from '../core/query/test-support/inventory-builders.js';
import { whereArbitrary } from '../core/query/test-support/where-arbitrary.js';
import { parseWhere } from '../core/query/where-parser.js';
import { replaceInventory } from '../store/inventory-repository.js';
import { latestCompleteScan } from '../store/scan-repository.js';
import { findingsOfScan } from '../store/finding-state-repository.js';
import type { Store } from '../store/sql-client.js';
import { TEST_STORE_KINDS } from '../store/test-support/test-store.js';
import { evaluateControls } from './evaluate-controls.js';
import { runScan } from './run-scan.js';
import { variantControl } from './test-support/variant-control.js';
import { seedControls } from './test-support/tiny-tenant.js';

const forbidden = { code: 'AuthorizationFailed', message: 'no read access to securityContacts' };

/** good: a contact with an address; none: no contact; unreadable: a 403; disabled: a Disabled subscription. */
const tenant: Inventory = {
  connectors: [
    connector('good'),
    connector('none'),
    connector('unreadable', { readError: forbidden }),
    connector('uncollected', { readError: { code: 'NotCollected', message: 'not collected' } }),
    connector('disabled', { state: 'Disabled' }),
  ],
  securityContacts: [contact('good', 'default', { email: 'soc@contoso.com' }), contact('disabled', 'default', { email: '' })],
};

async function verdicts(store: Store, query: string): Promise<Record<string, string>> {
  await replaceInventory(store, tenant, { collectedAt: new Date(0), scanId: null, scope: 'all' });
  const findings = await evaluateControls(store, [variantControl(query)], tenant);
  return Object.fromEntries(findings.map((f) => [f.assetId.replace('/subscriptions/', ''), f.status]));
}

const WITHOUT_ID = {
  'selects name only': '{ connectors(where: { securityContacts_SOME: null }) { name } }',
  'aliases id to name': '{ connectors(where: { securityContacts_SOME: null }) { id: name } }',
  'skips id': '{ connectors(where: { securityContacts_SOME: null }) { id @skip(if: true) name } }',
  'includes id only if false': '{ connectors(where: { securityContacts_SOME: null }) { id @include(if: false) } }',
  'spreads a fragment without id': '{ connectors(where: { securityContacts_SOME: null }) { ...Mine } } fragment Mine on Asset { name }',
  'an inline fragment without id': '{ connectors(where: { securityContacts_SOME: null }) { ... on Connector { state } } }',
  'aliases the root field': '{ found: connectors(where: { securityContacts_SOME: null }) { name } }',
};

for (const kind of TEST_STORE_KINDS) {
  test(`a check that does not select id is judged by id all the same (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      for (const [how, query] of Object.entries(WITHOUT_ID)) {
        assert.deepEqual(
          await verdicts(store, query),
          { good: 'pass', none: 'fail', unreadable: 'error', uncollected: 'error', disabled: 'skipped' },
          `a check that ${how}`,
        );
      }
    } finally {
      await store.close();
    }
  });

  test(`a check whose root field is skipped reports error, never pass (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const result = await verdicts(store, '{ connectors(where: { securityContacts_SOME: null }) @skip(if: true) { name } }');
      assert.deepEqual(result, { good: 'error', none: 'error', unreadable: 'error', uncollected: 'error', disabled: 'skipped' });
    } finally {
      await store.close();
    }
  });

  test(`a contact-rooted check reports error on unreadable and uncollected subscriptions (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const result = await verdicts(store, '{ securityContacts(where: { email: "" }) { name } }');
      assert.equal(result.unreadable, 'error');
      assert.equal(result.uncollected, 'error');
      assert.equal(result['good/providers/Microsoft.Security/securityContacts/default'], 'pass');
      assert.equal(result['disabled/providers/Microsoft.Security/securityContacts/default'], 'skipped');
    } finally {
      await store.close();
    }
  });
}

for (const kind of TEST_STORE_KINDS) {
  test(`ward query can tell "no contacts" from "contacts unreadable" through readErrorCode (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      await replaceInventory(store, tenant, { collectedAt: new Date(0), scanId: null, scope: 'all' });
      const ids = async (where: string): Promise<string[]> => {
        const result = await executeQuery(store, `{ connectors(where: ${where}) { id readErrorCode readErrorMessage } }`);
        return ((result.data as { connectors: { id: string }[] }).connectors).map((c) => c.id.replace('/subscriptions/', ''));
      };
      assert.deepEqual(await ids('{ securityContacts_SOME: null }'), ['none', 'uncollected', 'unreadable']);
      assert.deepEqual(await ids('{ securityContacts_SOME: null, readErrorCode: null }'), ['none']);
      assert.deepEqual(await ids('{ readErrorCode: "AuthorizationFailed" }'), ['unreadable']);
      const row = await executeQuery(store, '{ connectors(where: { readErrorCode_NOT: null }) { id readErrorMessage } }');
      assert.equal((row.data as { connectors: { readErrorMessage: string }[] }).connectors.find((c) => c.readErrorMessage === forbidden.message)?.readErrorMessage, forbidden.message);
    } finally {
      await store.close();
    }
  });
}

for (const kind of TEST_STORE_KINDS) {
  test(`a scan that finds no subscriptions is refused and changes nothing stored; --allow-empty records it (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const now = () => new Date('2026-11-30T10:00:00Z');
      const first = await runScan({ store, controls: seedControls(), inventory: tenant, source: 'offline:before', now });
      const empty: Inventory = { connectors: [], securityContacts: [] };
      await assert.rejects(
        runScan({ store, controls: seedControls(), inventory: empty, source: 'offline:empty', now }),
        (error: unknown) => isWardError(error) && error.code === 'NOT_FOUND' && /no subscriptions/.test(error.message) && /--allow-empty/.test(error.hint ?? ''),
      );
      assert.equal((await latestCompleteScan(store))?.id, first.scanId, 'the refused scan is not recorded');
      assert.equal((await findingsOfScan(store, first.scanId)).length, first.findings.length);
      const inventoryRows = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM connectors');
      assert.equal(inventoryRows.rows[0]!.n, tenant.connectors.length, 'the stored inventory is untouched');
      const allowed = await runScan({ store, controls: seedControls(), inventory: empty, source: 'offline:empty', now, allowEmpty: true });
      assert.equal(allowed.findings.length, 0);
    } finally {
      await store.close();
    }
  });
}

// ---- property: no check variant passes where the reference evaluator says fail or error -------------------------

const model = inventoryStorageModel();
const Connector = typeModel(model, 'Connector');
const Contact = typeModel(model, 'SecurityContact');
const KEYS = ['s1', 's2', 's3', 's4', 's5'];

/** A GraphQL literal of a where value, with the string `parameterValue` (when given) written as `$p`. */
function literal(value: unknown, parameterValue?: string): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, parameterValue)).join(', ')}]`;
  if (typeof value === 'object') return `{ ${Object.entries(value as Record<string, unknown>).map(([key, item]) => `${key}: ${literal(item, parameterValue)}`).join(', ')} }`;
  if (typeof value === 'string' && value === parameterValue) return '$p';
  return JSON.stringify(value);
}

const inventoryArbitrary: fc.Arbitrary<Inventory> = fc
  .tuple(
    ...KEYS.map((key) =>
      fc.record({
        key: fc.constant(key),
        name: fc.constantFrom(null, 'a', 'ab', ''),
        state: fc.constantFrom('Enabled', 'Enabled', 'Warned', 'Disabled', 'Deleted', null),
        readable: fc.constantFrom(true, true, true, false),
        contacts: fc.array(
          fc.record({
            email: fc.constantFrom(null, '', ' ', 'a@x.io', 'a@x.io;b@x.io', 'ab'),
            isEnabled: fc.constantFrom(null, true, false),
            notifiedRoles: fc.subarray(['Owner', 'Contributor']),
            alertSeverities: fc.constantFrom([], ['High'], ['Medium', 'High']),
          }),
          { maxLength: 3 },
        ),
      }),
    ),
  )
  .map((entries) => {
    const connectors: ConnectorRecord[] = [];
    const securityContacts: SecurityContactRecord[] = [];
    for (const entry of entries) {
      connectors.push(connector(entry.key, { name: entry.name, state: entry.state, readError: entry.readable ? null : forbidden }));
      // an unreadable subscription has no contact rows, as collection leaves it
      if (!entry.readable) continue;
      entry.contacts.forEach((fields, index) =>
        securityContacts.push(contact(entry.key, `default${index}`, { ...fields, enabled: fields.isEnabled !== false })),
      );
    }
    return { connectors, securityContacts };
  });

const SELECTIONS = ['...AssetFragment', 'name', 'id: name', 'id @skip(if: true) name', '...Mine', '__typename'];

/** What the engine must say per asset: the reference evaluator's match set, read errors and states. */
function oracle(inventory: Inventory, rootType: 'Connector' | 'SecurityContact', where: unknown): Record<string, string> {
  const type = rootType === 'Connector' ? Connector : Contact;
  const evaluator = new ReferenceEvaluator(inventory, model);
  const matched = new Set(evaluator.select(type, parseWhere(where, type, model)).map((row) => String(row.id)));
  const byId = new Map(inventory.connectors.map((c) => [c.id, c] as const));
  const expected: Record<string, string> = {};
  const judge = (id: string, owner: ConnectorRecord): void => {
    if (owner.state && INACTIVE_STATES.has(owner.state)) expected[id] = 'skipped';
    else if (owner.readError) expected[id] = 'error';
    else expected[id] = matched.has(id) ? 'fail' : 'pass';
  };
  if (rootType === 'Connector') for (const c of inventory.connectors) judge(c.id, c);
  else {
    for (const c of inventory.connectors) if (c.readError) judge(c.id, c);
    for (const k of inventory.securityContacts) judge(k.id, byId.get(k.connectorId)!);
  }
  return expected;
}

function byAsset(findings: readonly Finding[]): Record<string, string> {
  return Object.fromEntries(findings.map((f) => [f.assetId, f.status]));
}

for (const kind of TEST_STORE_KINDS) {
  test(`no generated check variant passes where the reference evaluator says fail or error (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const variant = fc.record({
        rootType: fc.constantFrom('Connector' as const, 'SecurityContact' as const),
        connectorWhere: whereArbitrary(model, Connector, 2),
        contactWhere: whereArbitrary(model, Contact, 2),
        selection: fc.constantFrom(...SELECTIONS),
        parameter: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(inventoryArbitrary, variant, async (inventory, { rootType, connectorWhere, contactWhere, selection, parameter }) => {
          const base = rootType === 'Connector' ? connectorWhere : contactWhere;
          // a parameter variant ANDs a condition on a bound variable: `name_NOT: $p`
          const sentinel = 'zz-parameter';
          const where = parameter ? { AND: [base, { name_NOT: sentinel }] } : base;
          const root = rootType === 'Connector' ? 'connectors' : 'securityContacts';
          const header = parameter ? 'query Variant($p: String!)' : '';
          const fragment = selection === '...Mine' ? ' fragment Mine on Asset { name }' : '';
          const query = `${header} { ${root}(where: ${literal(where, parameter ? sentinel : undefined)}) { ${selection} } }${fragment}`;
          const control = variantControl(query, {
            parameters: parameter ? [{ parameter: { name: 'p', type: 'String', default: sentinel, description: 'a bound value' }, value: sentinel }] : [],
          });
          await replaceInventory(store, inventory, { collectedAt: new Date(0), scanId: null, scope: 'all' });
          const actual = byAsset(await evaluateControls(store, [control], inventory));
          const expected = oracle(inventory, rootType, where);
          for (const [asset, status] of Object.entries(actual)) {
            if (status === 'pass') assert.ok(expected[asset] === 'pass', `${asset} passed, the oracle says ${expected[asset]}: ${query}`);
          }
          assert.deepEqual(actual, expected, query);
        }),
        { numRuns: 60 },
      );
    } finally {
      await store.close();
    }
  });
}
