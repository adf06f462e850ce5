import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseValue, valueFromAST, type GraphQLInputType } from 'graphql';
import { WardError } from '../errors.js';
import type { Inventory } from '../model.js';
import { replaceInventory } from '../../store/inventory-repository.js';
import type { Store } from '../../store/sql-client.js';
import { TEST_STORE_KINDS, openMemoryStore } from '../../store/test-support/test-store.js';
import { executeQuery, validateQuery } from './execute-query.js';
import { buildInventorySchema, inventoryStorageModel, typeModel } from './inventory-schema.js';
import { evaluateReference } from './test-support/reference-evaluator.js';
import { parseWhere } from './where-parser.js';
import { connector, connectorId, contact } from './test-support/inventory-builders.js';
import { parseCypher, runCypher } from './test-support/cypher-evaluator.js';
import { Neo4jLibrary, nodesFromStore } from './test-support/neo4j-library.js';

/**
 * The filter-dialect table, row by row, on PGlite and PostgreSQL and in the reference evaluator. `undefined`
 * fields are missing properties; the store holds them as NULL, the evaluator sees them as absent.
 */
const INVENTORY: Inventory = {
  connectors: [
    connector('c1', { name: 'alpha', tenantId: 't1', state: 'Enabled' }),
    connector('c2', { name: '', tenantId: undefined as never, state: 'Disabled' }),
    connector('c3', { name: null, tenantId: 't1', state: undefined as never }),
    connector('c4', { name: 'beta', tenantId: 't2', state: 'Enabled' }),
    connector('c5', { name: 'alphabet', tenantId: 't3', state: 'Warned' }),
  ],
  securityContacts: [
    contact('c1', 'default', { email: 'a@x.io', isEnabled: true }),
    contact('c3', 'default1', { email: null }),
    contact('c3', 'default2', { email: 'b@x.io' }),
    contact('c4', 'default', { email: '', isEnabled: false }),
    contact('c5', 'default1', { email: 'a@x.io', isEnabled: true }),
    contact('c5', 'default2', { email: 'c@x.io;d@x.io', isEnabled: true }),
  ],
};

const ALL = ['c1', 'c2', 'c3', 'c4', 'c5'];

/** [where literal, matching connectors] */
const CASES: readonly (readonly [string, readonly string[]])[] = [
  // f: v / f: null
  ['{ name: "alpha" }', ['c1']],
  ['{ name: "" }', ['c2']],
  ['{ name: null }', ['c3']],
  ['{ state: null }', ['c3']],
  ['{ tenantId: null }', ['c2']],
  // f_NOT
  ['{ name_NOT: "alpha" }', ['c2', 'c4', 'c5']],
  ['{ state_NOT: "Enabled" }', ['c2', 'c5']],
  ['{ name_NOT: null }', ['c1', 'c2', 'c4', 'c5']],
  ['{ state_NOT: null }', ['c1', 'c2', 'c4', 'c5']],
  // _IN / _NOT_IN
  ['{ name_IN: ["alpha", "beta"] }', ['c1', 'c4']],
  ['{ name_IN: [] }', []],
  ['{ name_IN: [null] }', []],
  ['{ name_IN: [null, "beta"] }', ['c4']],
  ['{ name_IN: null }', ['c3']],
  ['{ name_NOT_IN: ["alpha"] }', ['c2', 'c4', 'c5']],
  ['{ name_NOT_IN: [] }', ALL], // NOT (x IN []) is true, a null x included
  ['{ name_NOT_IN: [null, "beta"] }', []], // the null item makes every non-match unknown
  ['{ name_NOT_IN: null }', ['c1', 'c2', 'c4', 'c5']],
  ['{ id_IN: ["/subscriptions/c2", "/subscriptions/c9"] }', ['c2']],
  // string tests: case-sensitive, missing never matches, no wildcards
  ['{ name_CONTAINS: "lph" }', ['c1', 'c5']],
  ['{ name_CONTAINS: "LPH" }', []],
  ['{ name_CONTAINS: "" }', ['c1', 'c2', 'c4', 'c5']],
  ['{ name_CONTAINS: "%" }', []],
  ['{ name_NOT_CONTAINS: "lph" }', ['c2', 'c4']],
  ['{ name_STARTS_WITH: "alpha" }', ['c1', 'c5']],
  ['{ name_STARTS_WITH: "_" }', []],
  ['{ name_NOT_STARTS_WITH: "alpha" }', ['c2', 'c4']],
  ['{ name_ENDS_WITH: "bet" }', ['c5']],
  ['{ name_ENDS_WITH: "" }', ['c1', 'c2', 'c4', 'c5']],
  ['{ name_NOT_ENDS_WITH: "bet" }', ['c1', 'c2', 'c4']],
  ['{ name_CONTAINS: null }', ['c3']],
  ['{ name_NOT_CONTAINS: null }', ['c1', 'c2', 'c4', 'c5']],
  ['{ name_STARTS_WITH: null }', ['c3']],
  ['{ name_NOT_STARTS_WITH: null }', ['c1', 'c2', 'c4', 'c5']],
  ['{ name_ENDS_WITH: null }', ['c3']],
  ['{ name_NOT_ENDS_WITH: null }', ['c1', 'c2', 'c4', 'c5']],
  // several keys are ANDed
  ['{ tenantId: "t1", state: "Enabled" }', ['c1']],
  // Boolean fields
  ['{ securityContacts_SOME: { isEnabled: true } }', ['c1', 'c5']],
  ['{ securityContacts_SOME: { isEnabled_NOT: true } }', ['c4']],
  ['{ securityContacts_SOME: { isEnabled: null } }', ['c3']],
  ['{ securityContacts_SOME: { isEnabled_NOT: null } }', ['c1', 'c4', 'c5']],
  // list-of-scalar fields
  ['{ securityContacts_SOME: { emails_INCLUDES: "d@x.io" } }', ['c5']],
  ['{ securityContacts_SOME: { emails_NOT_INCLUDES: "a@x.io" } }', ['c3', 'c4', 'c5']],
  ['{ securityContacts_SOME: { emails: ["c@x.io", "d@x.io"] } }', ['c5']],
  ['{ securityContacts_SOME: { emails: ["d@x.io", "c@x.io"] } }', []],
  ['{ securityContacts_SOME: { emails: [] } }', ['c3', 'c4']],
  ['{ securityContacts_SOME: { emails_NOT: [] } }', ['c1', 'c3', 'c5']],
  ['{ securityContacts_SOME: { emails: null } }', []],
  // logic and empty pieces
  ['{}', ALL],
  ['{ AND: [] }', ALL],
  ['{ OR: [] }', ALL],
  ['{ NOT: {} }', ALL],
  ['{ NOT: { OR: [] } }', ALL],
  ['{ OR: [{}, { name: "alpha" }] }', ['c1']],
  ['{ AND: [{}, { name: "alpha" }] }', ['c1']],
  ['{ NOT: { name: "alpha" } }', ['c2', 'c4', 'c5']], // NOT unknown is unknown: c3 (name null) is not returned
  ['{ NOT: { state: "Enabled" } }', ['c2', 'c5']],
  ['{ NOT: { name_IN: [null, "beta"] } }', []],
  ['{ NOT: { name_CONTAINS: "lph" } }', ['c2', 'c4']],
  ['{ NOT: { NOT: { name: "alpha" } } }', ['c1']],
  ['{ AND: [{ tenantId: "t1" }, { NOT: { name: null } }] }', ['c1']],
  ['{ OR: [{ name: "beta" }, { state: "Warned" }] }', ['c4', 'c5']],
  // relationships
  ['{ securityContacts_SOME: null }', ['c2']],
  ['{ securityContacts_NONE: null }', ['c1', 'c3', 'c4', 'c5']],
  ['{ NOT: { securityContacts_SOME: null } }', ['c1', 'c3', 'c4', 'c5']],
  ['{ securityContacts_SOME: {} }', ALL],
  ['{ securityContacts_NONE: {} }', ALL],
  ['{ securityContacts_ALL: {} }', ALL],
  ['{ securityContacts_SINGLE: {} }', ALL],
  ['{ securityContacts_SOME: { NOT: {} } }', ['c1', 'c3', 'c4', 'c5']], // not {}: the library still asks for a related node
  ['{ securityContacts_SOME: { email: "a@x.io" } }', ['c1', 'c5']],
  ['{ securityContacts_NONE: { email: "a@x.io" } }', ['c2', 'c3', 'c4']],
  ['{ securityContacts_ALL: { email_NOT: null } }', ['c1', 'c4', 'c5']],
  ['{ securityContacts_ALL: { email_CONTAINS: "@" } }', ['c1', 'c3', 'c5']], // c3's null address counts neither way
  ['{ securityContacts_ALL: { NOT: { email: "a@x.io" } } }', ['c3', 'c4']],
  ['{ securityContacts_SINGLE: { email_CONTAINS: "@" } }', ['c1', 'c3']],
  ['{ securityContacts_SINGLE: { isEnabled: true } }', ['c1']],
  ['{ securityContacts_SINGLE: { email: "nobody@x.io" } }', []],
  ['{ securityContacts_NONE: { email: null } }', ['c1', 'c2', 'c4', 'c5']],
  ['{ NOT: { securityContacts_SOME: { email: null } } }', ['c1', 'c2', 'c4', 'c5']],
  ['{ NOT: { securityContacts_ALL: { isEnabled: true } } }', ['c2', 'c3', 'c4']],
  ['{ securityContacts_SOME: { AND: [{ email_NOT: null }, { NOT: { email: "" } }] } }', ['c1', 'c3', 'c5']],
  ['{ securityContacts_SOME: { OR: [{ email: null }, { isEnabled: false }] } }', ['c3', 'c4']],
  ['{ OR: [{ securityContacts_SOME: { email: "" } }, { NOT: { securityContacts_ALL: { isEnabled_NOT: null } } }] }', ['c2', 'c3', 'c4']],
  ['{ securityContacts_SOME: { email: "a@x.io" }, securityContacts_NONE: { emails_INCLUDES: "c@x.io" } }', ['c1']],
  // the seed check's filter: no contact, or any contact whose address is missing, null or empty
  ['{ OR: [{ securityContacts_SOME: null }, { securityContacts_SOME: { email: null } }, { securityContacts_SOME: { email: "" } }] }', ['c2', 'c3', 'c4']],
];


/**
 * The issue-15 examples: contacts whose address or isEnabled is null, where two-valued logic and the library's
 * three-valued Cypher part ways. Each row is checked against the library's own Cypher below.
 */
const NULLS_INVENTORY: Inventory = {
  connectors: [
    connector('n1', { name: 'gamma' }),
    connector('n2', { name: null }),
    connector('n3', { name: 'delta' }),
    connector('n4', { name: '' }),
    connector('n5', { name: 'epsilon' }),
    connector('n6', { name: null }),
  ],
  securityContacts: [
    contact('n1', 'default', { email: 'a@x.io', isEnabled: true }),
    contact('n2', 'default', { email: null, isEnabled: null }),
    contact('n3', 'default1', { email: '', isEnabled: false }),
    contact('n3', 'default2', { email: null, isEnabled: true }),
    contact('n4', 'default1', { email: 'b@x.io', isEnabled: null }),
    contact('n4', 'default2', { email: 'a@x.io', isEnabled: true }),
    contact('n6', 'default1', { email: null }),
    contact('n6', 'default2', { email: 'a@x.io' }),
  ],
};
const NULL_CASES: readonly (readonly [string, readonly string[]])[] = [
  ['{ securityContacts_SOME: { NOT: { email: "" } } }', ['n1', 'n4', 'n6']],
  ['{ securityContacts_SOME: { email_NOT: "" } }', ['n1', 'n4', 'n6']],
  ['{ securityContacts_ALL: { email_NOT: "" } }', ['n1', 'n4', 'n6']],
  ['{ NOT: { securityContacts_ALL: { email_NOT: "" } } }', ['n2', 'n3', 'n5']],
  ['{ securityContacts_SOME: { email_NOT_IN: [null, ""] } }', []],
  ['{ securityContacts_SOME: { email_NOT_IN: [] } }', ['n1', 'n2', 'n3', 'n4', 'n6']],
  ['{ securityContacts_SOME: { email_IN: [null] } }', []],
  ['{ securityContacts_SOME: { email_IN: [null, "b@x.io"] } }', ['n4']],
  ['{ NOT: { name: "gamma" } }', ['n3', 'n4', 'n5']],
  ['{ name_NOT: "gamma" }', ['n3', 'n4', 'n5']],
  ['{ securityContacts_SOME: { NOT: { isEnabled: true } } }', ['n3']],
  ['{ securityContacts_SINGLE: { NOT: { email: "a@x.io" } } }', ['n3', 'n4']],
  ['{ securityContacts_NONE: { NOT: { email: "a@x.io" } } }', ['n1', 'n2', 'n5', 'n6']],
  ['{ securityContacts_NONE: { isEnabled_NOT: true } }', ['n1', 'n2', 'n4', 'n5', 'n6']],
  ['{ securityContacts: null }', ['n5']],
  ['{ securityContacts_NOT: null }', ['n1', 'n2', 'n3', 'n4', 'n6']],
  ['{ securityContacts: { email: "" } }', ['n3']],
  ['{ securityContacts_NOT: { email: "a@x.io" } }', ['n2', 'n3', 'n5']],
  ['{ securityContacts_SOME: { AND: [] } }', ['n1', 'n2', 'n3', 'n4', 'n6']],
  ['{ securityContacts_NONE: { OR: [] } }', ['n5']],
  ['{ securityContacts_ALL: { NOT: {} } }', ['n1', 'n2', 'n3', 'n4', 'n5', 'n6']],
  ['{ OR: [{ securityContacts_SOME: null }, { securityContacts_SOME: { email: null } }, { securityContacts_SOME: { email: "" } }] }', ['n2', 'n3', 'n5', 'n6']],
];

/** The stored seed check, read from the control folder so that what is measured is what ships. */
const SEED_CHECK = readFileSync(new URL('../../../controls/azure/defender/azure-defender-security-contact-email/check.graphql', import.meta.url), 'utf8');

/** graphql-js results have null prototypes; compare their plain JSON. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function keys(ids: readonly unknown[]): string[] {
  return ids.map((id) => String(id).replace('/subscriptions/', '')).sort();
}

function connectorKeys(result: { data?: Record<string, unknown> | null }): string[] {
  return keys((result.data!.connectors as { id: string }[]).map((row) => row.id));
}

/** Each table: an inventory and [where literal, matching connectors]. */
const TABLES = [
  { name: 'the dialect table', inventory: INVENTORY, cases: CASES },
  { name: 'the three-valued examples', inventory: NULLS_INVENTORY, cases: NULL_CASES },
] as const;

function whereValue(where: string): unknown {
  const value = valueFromAST(parseValue(where), buildInventorySchema().getType('ConnectorWhere') as GraphQLInputType);
  assert.notEqual(value, undefined, `${where} is a valid ConnectorWhere`);
  return value;
}

for (const table of TABLES) {
  test(`the reference evaluator agrees with every row of ${table.name}`, () => {
    const model = inventoryStorageModel();
    const type = typeModel(model, 'Connector');
    for (const [where, expected] of table.cases) {
      const rows = evaluateReference(table.inventory, model, type, parseWhere(whereValue(where), type, model));
      assert.deepEqual(keys(rows.map((row) => row.id)), [...expected].sort(), where);
    }
  });
}

describe('@neo4j/graphql 5.12.9 agrees with every row of both tables (its own Cypher, evaluated over the stored rows)', () => {
  const model = inventoryStorageModel();
  const type = typeModel(model, 'Connector');
  let library: Neo4jLibrary;
  let store: Store;
  before(async () => {
    library = await Neo4jLibrary.forModel(model);
    store = await openMemoryStore();
  });
  after(async () => {
    await store?.close();
  });
  for (const table of TABLES) {
    test(table.name, async () => {
      await replaceInventory(store, table.inventory, { collectedAt: new Date(0), scanId: null, scope: 'all' });
      const nodes = (await nodesFromStore(store, model)).get('Connector')!;
      for (const [where, expected] of table.cases) {
        const { cypher, params } = await library.compile(type, whereValue(where));
        const ids = runCypher(parseCypher(cypher), nodes, params).map((node) => node.properties.id);
        assert.deepEqual(keys(ids), [...expected].sort(), `${where}\n${cypher}`);
      }
    });
  }
});

for (const kind of TEST_STORE_KINDS) {
  describe(`${kind.name}: the where dialect compiled to SQL`, { skip: kind.skip }, () => {
    let store: Store;
    before(async () => {
      store = (await kind.open())!;
      await replaceInventory(store, NULLS_INVENTORY, { collectedAt: new Date('2025-01-01T00:00:00Z'), scanId: null, scope: 'all' });
    });
    after(async () => {
      await store?.close();
    });

    for (const [where, expected] of NULL_CASES) {
      test(where, async () => {
        const result = await executeQuery(store, `{ connectors(where: ${where}) { id } }`);
        assert.deepEqual(connectorKeys(result), [...expected].sort());
      });
    }

    test('(the dialect table inventory)', async () => {
      await replaceInventory(store, { connectors: [], securityContacts: [] }, { collectedAt: new Date('2025-01-01T00:00:00Z'), scanId: null, scope: 'all' });
      await replaceInventory(store, INVENTORY, { collectedAt: new Date('2025-01-01T00:00:00Z'), scanId: null, scope: 'all' });
    });

    for (const [where, expected] of CASES) {
      test(where, async () => {
        const result = await executeQuery(store, `{ connectors(where: ${where}) { id } }`);
        assert.deepEqual(connectorKeys(result), [...expected].sort());
      });
    }

    test('the seed check runs verbatim and flags no contact, a null and an empty address', async () => {
      const result = await executeQuery(store, SEED_CHECK, { source: 'seed.graphql' });
      const rows = result.data!.connectors as Record<string, unknown>[];
      assert.deepEqual(
        rows.map((row) => row.id),
        ['c2', 'c3', 'c4'].map(connectorId),
      );
      assert.deepEqual(plain(rows[0]), { id: connectorId('c2'), name: '', type: 'Connector', provider: 'azure' });
    });

    test('the seed check passes (eq []) once every contact has an address', async () => {
      const fixed: Inventory = {
        connectors: [connector('ok1'), connector('ok2')],
        securityContacts: [contact('ok1', 'default', { email: 'sec@x.io' }), contact('ok2', 'default1', { email: 'a@x.io' }), contact('ok2', 'default2', { email: 'b@x.io' })],
      };
      await replaceInventory(store, fixed, { collectedAt: new Date(), scanId: null, scope: ['ok1', 'ok2'].map(connectorId) });
      try {
        const result = await executeQuery(store, `{ connectors(where: { id_IN: ["${connectorId('ok1')}", "${connectorId('ok2')}"], OR: [{ securityContacts_SOME: null }, { securityContacts_SOME: { email: null } }, { securityContacts_SOME: { email: "" } }] }) { ...AssetFragment } }`);
        assert.deepEqual(plain(result.data), { connectors: [] });
      } finally {
        await replaceInventory(store, { connectors: [], securityContacts: [] }, { collectedAt: new Date(), scanId: null, scope: ['ok1', 'ok2'].map(connectorId) });
      }
    });

    test('variables are coerced like literals: an explicit null is r_SOME: null', async () => {
      const query = 'query Check($where: ConnectorWhere) { connectors(where: $where) { id } }';
      assert.deepEqual(connectorKeys(await executeQuery(store, query, { variables: { where: { securityContacts_SOME: null } } })), ['c2']);
      assert.deepEqual(connectorKeys(await executeQuery(store, query, { variables: { where: {} } })), ALL);
      await assert.rejects(
        executeQuery(store, query, { variables: { where: { securityContacts_ALL: null } }, source: 'v.graphql' }),
        (error: unknown) => error instanceof WardError && error.code === 'QUERY_INVALID' && /securityContacts_ALL/.test(error.message) && error.location?.file === 'v.graphql',
      );
    });

    test('relationship fields are batch-loaded, filtered by their own where, JSON returned as stored', async () => {
      const statements: string[] = [];
      const counting = {
        ...store,
        query: <Row>(sql: string, params?: readonly unknown[]) => {
          statements.push(sql);
          return store.query<Row>(sql, params);
        },
      };
      const result = await executeQuery(
        counting,
        `{ connectors { id tags securityContacts(where: { email_NOT: null }) { name email emails raw: apiVersion } all: securityContacts { id } } }`,
      );
      assert.equal(statements.length, 3, 'one statement for the connectors, one per relationship selection');
      const rows = result.data!.connectors as { id: string; tags: unknown; securityContacts: { name: string; email: string }[]; all: unknown[] }[];
      const c5 = rows.find((row) => row.id === connectorId('c5'))!;
      assert.deepEqual(c5.securityContacts.map((c) => c.email), ['a@x.io', 'c@x.io;d@x.io']);
      assert.deepEqual(rows.find((row) => row.id === connectorId('c3'))!.securityContacts.map((c) => c.name), ['default2']);
      assert.equal(rows.find((row) => row.id === connectorId('c3'))!.all.length, 2);
      assert.deepEqual(c5.tags, {});
    });

    test('the securityContacts root field filters contacts', async () => {
      const result = await executeQuery(store, '{ securityContacts(where: { email: null }) { id connectorId } }');
      assert.deepEqual(plain(result.data), { securityContacts: [{ id: `${connectorId('c3')}/providers/Microsoft.Security/securityContacts/default1`, connectorId: connectorId('c3') }] });
    });
  });
}

describe('rejections', () => {
  const rejects = (query: string, pattern: RegExp, check: (error: WardError) => void = () => undefined): void => {
    assert.throws(
      () => validateQuery(query, 'controls/x/check.graphql'),
      (error: unknown) => {
        assert.ok(error instanceof WardError, String(error));
        assert.equal(error.code, 'QUERY_INVALID');
        assert.match(error.message, pattern);
        assert.ok(error.hint, 'a hint');
        assert.equal(error.location?.file, 'controls/x/check.graphql');
        check(error);
        return true;
      },
    );
  };

  test('r_ALL: null and r_SINGLE: null, naming the field and where it is', () => {
    rejects('{\n  connectors(where: { securityContacts_ALL: null }) { id }\n}', /securityContacts_ALL/, (error) => {
      assert.equal(error.location?.line, 2);
      assert.match(error.hint!, /securityContacts_SOME: null/);
    });
    rejects('{ connectors(where: { OR: [{ securityContacts_SINGLE: null }] }) { id } }', /securityContacts_SINGLE/);
    rejects('{ connectors { id securityContacts(where: { securityContacts_ALL: null }) { id } } }', /securityContacts_ALL/);
  });

  test('an unknown fragment', () => {
    rejects('{ connectors { ...NoSuchFragment } }', /Unknown fragment "NoSuchFragment"/, (error) => {
      assert.equal(error.location?.line, 1);
      assert.equal(error.location?.column, 19);
    });
  });

  test('unknown fields and operators the type does not have', () => {
    rejects('{ connectors(where: { nme: "x" }) { id } }', /"nme" is not defined by type "ConnectorWhere"/);
    rejects('{ connectors(where: { name_LT: "x" }) { id } }', /name_LT/);
    rejects('{ connectors(where: { tags: {} }) { id } }', /tags/);
    rejects('{ securityContacts(where: { emails_IN: ["x"] }) { id } }', /emails_IN/);
    rejects('{ connectors { id nope } }', /Cannot query field "nope"/);
  });

  test('syntax errors carry line and column', () => {
    rejects('{\n  connectors(where: { name: }) { id }\n}', /Syntax Error/, (error) => {
      assert.equal(error.location?.line, 2);
      assert.equal(error.location?.column, 29);
    });
  });
});

test('validateQuery returns the document with its engine fragments and the root fields', () => {
  const validated = validateQuery(SEED_CHECK, 'seed.graphql');
  assert.deepEqual(validated.rootFields, [{ rootField: 'connectors', typeName: 'Connector', responseKey: 'connectors' }]);
  assert.ok(validated.document.definitions.some((d) => d.kind === 'FragmentDefinition' && d.name.value === 'AssetFragment'));
});

test('a query nested 2,000 deep, too long or with too many tokens is refused in one line, never a RangeError', async () => {
  const { validateQuery, QUERY_LIMITS } = await import('./execute-query.js');
  const { parseWhere, MAX_WHERE_DEPTH } = await import('./where-parser.js');
  const { inventoryStorageModel, typeModel } = await import('./inventory-schema.js');
  const deep = `{ connectors(where: ${'{ NOT: '.repeat(2000)}{ name: "a" }${' }'.repeat(2000)}) { id } }`;
  assert.throws(() => validateQuery(deep, 'deep.graphql'), /the query is nested 2,003 levels deep \(limit 128\)/);
  assert.throws(() => validateQuery(`{ connectors { id } } # ${'x'.repeat(QUERY_LIMITS.characters)}`, 'long.graphql'), /characters long \(limit/);
  assert.throws(() => validateQuery(`{ connectors { ${'id '.repeat(QUERY_LIMITS.tokens)} } }`, 'tokens.graphql'), /maximum number of tokens|tokens/i);
  // nesting inside strings and comments does not count
  assert.doesNotThrow(() => validateQuery(`# ${'{'.repeat(500)}\n{ connectors(where: { name: "${'['.repeat(500)}" }) { id } }`, 'strings.graphql'));
  // a where value built from variables (no text to scan) is bounded by the parser itself
  const model = inventoryStorageModel();
  let where: Record<string, unknown> = { name: 'a' };
  for (let i = 0; i < 5000; i++) where = { NOT: where };
  assert.throws(() => parseWhere(where, typeModel(model, 'Connector'), model), new RegExp(`nested deeper than ${MAX_WHERE_DEPTH} levels`));
});
