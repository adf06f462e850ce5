import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Inventory, SecurityContactRecord } from '../model.js';
import { replaceInventory } from '../../store/inventory-repository.js';
import type { SqlClient, Store } from '../../store/sql-client.js';
import { TEST_STORE_KINDS, openMemoryStore } from '../../store/test-store.js';
import { executeQuery } from './execute-query.js';
import { deriveStorageModel, inventoryStorageModel, typeModel, type ScalarFieldModel, type StorageModel, type TypeModel } from './inventory-schema.js';
import { ReferenceEvaluator } from './reference-evaluator.js';
import { SqlParameters, compileSelect, printWhere } from './sql-printer.js';
import { parseWhere } from './where-parser.js';
import type { FilterTree } from './filter-tree.js';
import { TEXT_POOL, fieldValueArbitrary, whereArbitrary } from './test-support/where-arbitrary.js';

const model = inventoryStorageModel();
const Connector = typeModel(model, 'Connector');

function print(where: unknown, type: TypeModel = Connector, storage: StorageModel = model): { sql: string; params: unknown[] } {
  const params = new SqlParameters();
  const sql = printWhere(parseWhere(where, type, storage), storage, type, '"t"', params);
  return { sql, params: params.values };
}

describe('printed SQL', () => {
  test('values are bound parameters, never spliced', () => {
    const hostile = "x'); DROP TABLE connectors; --";
    const { sql, params } = print({ name: hostile, OR: [{ state_IN: [hostile, null] }, { securityContacts_SOME: { email_CONTAINS: hostile } }] });
    assert.ok(!sql.includes('DROP'), sql);
    assert.deepEqual(params, [hostile, [hostile], hostile]);
    assert.match(sql, /\$1::text/);
  });

  test('no condition prints TRUE; r_SOME: null prints NOT EXISTS on the foreign key', () => {
    assert.equal(print({ AND: [], OR: [{}], NOT: {}, securityContacts_ALL: {} }).sql, 'TRUE');
    assert.equal(
      print({ securityContacts_SOME: null }).sql,
      'NOT EXISTS (SELECT 1 FROM "security_contacts" AS "t0" WHERE "t0"."connector_id" = "t"."id")',
    );
  });

  test('ORed _SOME filters on one relationship share one EXISTS (the seed check prints two subqueries, not three)', () => {
    const { sql, params } = print({
      OR: [{ securityContacts_SOME: null }, { securityContacts_SOME: { email: null } }, { securityContacts_SOME: { email: '' } }],
    });
    assert.equal(sql.match(/EXISTS/g)?.length, 2, sql);
    assert.deepEqual(params, ['']);
  });

  test('a value given to an operator is compared only when the property exists', () => {
    assert.equal(print({ name_NOT: 'a' }).sql, '("t"."name" IS NOT NULL AND "t"."name" <> $1::text)');
    assert.equal(print({ name_IN: [] }).sql, 'FALSE');
    assert.equal(print({ name_NOT_IN: [null] }).sql, '"t"."name" IS NOT NULL');
  });

  test('compileSelect selects the requested fields under their GraphQL names, ordered by id', () => {
    const { sql, params } = compileSelect(model, Connector, null, { fields: ['subscriptionId', 'securityContacts', 'unknown'] });
    assert.equal(sql, 'SELECT "t0"."id" AS "id", "t0"."subscription_id" AS "subscriptionId" FROM "connectors" AS "t0" ORDER BY "t0"."id"');
    assert.deepEqual(params, []);
  });
});

/** The inventory's generated rows: connectors with 0–3 contacts, every optional field missing, null, "" or a pooled value. */
function inventoryArbitrary(): fc.Arbitrary<Inventory> {
  const Contact = typeModel(model, 'SecurityContact');
  const optional = (type: TypeModel, skip: readonly string[]): fc.Arbitrary<Record<string, unknown>> => {
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const field of type.fields.values()) {
      if (field.kind !== 'scalar' || skip.includes(field.name)) continue;
      record[field.name] = fieldValueArbitrary(field, { nullable: !field.list });
    }
    return fc.record(record);
  };
  const connectorFields = optional(Connector, ['id', 'type', 'provider', 'subscriptionId']);
  const contactFields = optional(Contact, ['id', 'type', 'provider', 'connectorId', 'apiVersion']);
  return fc
    .uniqueArray(fc.constantFrom(...TEXT_POOL), { maxLength: 5 })
    .chain((ids) => fc.tuple(...ids.map((id) => fc.tuple(fc.constant(id), connectorFields, fc.array(contactFields, { maxLength: 3 })))))
    .map((entries) => ({
      // the read error is one object on the record and two columns in the store
      connectors: entries.map(([id, { readErrorCode, readErrorMessage, ...fields }]) => {
        const readError = typeof readErrorCode === 'string' ? { code: readErrorCode, message: typeof readErrorMessage === 'string' ? readErrorMessage : '' } : null;
        return { ...fields, id, provider: 'azure' as const, subscriptionId: id, tags: {}, readError } as never;
      }),
      securityContacts: entries.flatMap(([id, , contacts]) =>
        contacts.map(
          (fields, index) =>
            // `enabled` is non-null (Boolean!): the store defaults it, so the record does too
            ({ ...fields, enabled: fields.enabled ?? true, id: `${id}#${index}`, connectorId: id, apiVersion: '2020-01-01-preview', raw: {} }) as unknown as SecurityContactRecord,
        ),
      ),
    }));
}

function sorted(ids: readonly unknown[]): string[] {
  return ids.map(String).sort();
}

for (const kind of TEST_STORE_KINDS) {
  describe(`${kind.name}: compiled SQL agrees with the reference evaluator`, { skip: kind.skip }, () => {
    let store: Store;
    before(async () => {
      store = (await kind.open())!;
    });
    after(async () => {
      await store?.close();
    });

    test('random inventories and random where trees through executeQuery', async () => {
      const query = 'query Check($where: ConnectorWhere) { connectors(where: $where) { id } }';
      await fc.assert(
        fc.asyncProperty(inventoryArbitrary(), whereArbitrary(model, Connector, 3), async (inventory, where) => {
          await replaceInventory(store, inventory, { collectedAt: new Date(0), scanId: null, scope: 'all' });
          const result = await executeQuery(store, query, { variables: { where } });
          const actual = sorted((result.data!.connectors as { id: string }[]).map((row) => row.id));
          const expected = sorted(new ReferenceEvaluator(inventory, model).select(Connector, parseWhere(where, Connector, model)).map((row) => row.id));
          assert.deepEqual(actual, expected, JSON.stringify(where));
          await assertNeverNull(store, model, Connector, parseWhere(where, Connector, model));
        }),
        { numRuns: 150 },
      );
    });
  });
}

/** Every row's condition is TRUE or FALSE: SQL's NULL never reaches a NOT, _NONE or _ALL. */
async function assertNeverNull(client: SqlClient, storage: StorageModel, type: TypeModel, tree: FilterTree | null): Promise<void> {
  const parameters = new SqlParameters();
  const alias = parameters.alias();
  const condition = printWhere(tree, storage, type, alias, parameters);
  const nulls = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${type.table} AS ${alias} WHERE (${condition}) IS NULL`, parameters.values);
  assert.equal(nulls.rows[0]!.n, 0, `three-valued logic leaked: ${condition}`);
}

/** A deeper schema than the inventory's: numbers, an integer list, and relationships two levels down. */
const GADGET_SDL = `
directive @table(name: String!) on OBJECT
directive @column(name: String!) on FIELD_DEFINITION
directive @relation(foreignKey: String!) on FIELD_DEFINITION
directive @json on FIELD_DEFINITION
scalar JSON
type Gadget @table(name: "gadgets") {
  id: ID!
  label: String
  size: Int
  weight: Float
  active: Boolean
  codes: [Int!]
  meta: JSON @json
  parts: [Part!]! @relation(foreignKey: "gadget_id")
}
type Part @table(name: "gadget_parts") {
  id: ID!
  gadgetId: String!
  kind: String @column(name: "part_kind")
  size: Int
  screws: [Screw!]! @relation(foreignKey: "part_id")
}
type Screw @table(name: "screws") {
  id: ID!
  partId: String!
  length: Float
}
`;

const SQL_TYPES = { String: 'text', ID: 'text', Int: 'integer', Float: 'double precision', Boolean: 'boolean' } as const;

function columnsOf(type: TypeModel): ScalarFieldModel[] {
  return [...type.fields.values()].filter((f): f is ScalarFieldModel => f.kind === 'scalar');
}

async function insertRows(client: SqlClient, type: TypeModel, rows: readonly Record<string, unknown>[]): Promise<void> {
  const columns = columnsOf(type);
  const shape = columns.map((f) => `${f.column} ${SQL_TYPES[f.scalar]}${f.list ? '[]' : ''}`).join(', ');
  const names = columns.map((f) => f.column).join(', ');
  const json = rows.map((row) => Object.fromEntries(columns.map((f) => [f.column, row[f.name] ?? null])));
  await client.query(`INSERT INTO ${type.table} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::text::jsonb) AS r(${shape})`, [JSON.stringify(json)]);
}

describe('a deeper schema: numeric operators and nested relationships', () => {
  const gadgets = deriveStorageModel(GADGET_SDL);
  const Gadget = typeModel(gadgets, 'Gadget');
  const Part = typeModel(gadgets, 'Part');
  const Screw = typeModel(gadgets, 'Screw');
  let store: Store;
  before(async () => {
    store = await openMemoryStore();
    await store.exec(`
      CREATE TABLE gadgets (id text PRIMARY KEY, label text, size integer, weight double precision, active boolean, codes integer[], meta jsonb);
      CREATE TABLE gadget_parts (id text PRIMARY KEY, gadget_id text NOT NULL REFERENCES gadgets(id) ON DELETE CASCADE, part_kind text, size integer);
      CREATE TABLE screws (id text PRIMARY KEY, part_id text NOT NULL REFERENCES gadget_parts(id) ON DELETE CASCADE, length double precision);`);
  });
  after(async () => {
    await store?.close();
  });

  const fields = (type: TypeModel, skip: readonly string[]): fc.Arbitrary<Record<string, unknown>> =>
    fc.record(Object.fromEntries(columnsOf(type).filter((f) => !skip.includes(f.name)).map((f) => [f.name, fieldValueArbitrary(f, { nullable: true })])));
  const data = fc
    .uniqueArray(fc.constantFrom(...TEXT_POOL), { maxLength: 4 })
    .chain((ids) =>
      fc.tuple(
        ...ids.map((id) =>
          fc.tuple(fc.constant(id), fields(Gadget, ['id']), fc.array(fc.tuple(fields(Part, ['id', 'gadgetId']), fc.array(fields(Screw, ['id', 'partId']), { maxLength: 2 })), { maxLength: 3 })),
        ),
      ),
    )
    .map((entries) => {
      const parts: Record<string, unknown>[] = [];
      const screws: Record<string, unknown>[] = [];
      for (const [id, , partList] of entries) {
        partList.forEach(([part, screwList], p) => {
          parts.push({ ...part, id: `${id}/p${p}`, gadgetId: id });
          screwList.forEach((screw, s) => screws.push({ ...screw, id: `${id}/p${p}/s${s}`, partId: `${id}/p${p}` }));
        });
      }
      return { gadgets: entries.map(([id, gadget]) => ({ ...gadget, id })), gadgetParts: parts, screws };
    });

  test('SQL equals the reference evaluator, and no predicate is ever NULL', async () => {
    await fc.assert(
      fc.asyncProperty(data, whereArbitrary(gadgets, Gadget, 3), async (rows, where) => {
        await store.query('DELETE FROM gadgets');
        await insertRows(store, Gadget, rows.gadgets);
        await insertRows(store, Part, rows.gadgetParts);
        await insertRows(store, Screw, rows.screws);
        const tree = parseWhere(where, Gadget, gadgets);
        const { sql, params } = compileSelect(gadgets, Gadget, tree, { fields: [] });
        const actual = sorted((await store.query<{ id: string }>(sql, params)).rows.map((row) => row.id));
        const expected = sorted(new ReferenceEvaluator(rows as unknown as Inventory, gadgets).select(Gadget, tree).map((row) => row.id));
        assert.deepEqual(actual, expected, JSON.stringify(where));
        await assertNeverNull(store, gadgets, Gadget, tree);
      }),
      { numRuns: 150 },
    );
  });
});
