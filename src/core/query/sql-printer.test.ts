import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryStorageModel, typeModel, type StorageModel, type TypeModel } from './inventory-schema.js';
import { SqlParameters, compileSelect, printWhere } from './sql-printer.js';
import { parseWhere } from './where-parser.js';

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
    assert.deepEqual(params, [hostile, [hostile, null], hostile]);
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

  test("each operator prints the library's Cypher shape, in SQL's own three-valued logic", () => {
    assert.equal(print({ name_NOT: 'a' }).sql, 'NOT ("t"."name" = $1::text)');
    assert.equal(print({ NOT: { name: 'a' } }).sql, 'NOT ("t"."name" = $1::text)');
    assert.equal(print({ name_IN: [] }).sql, '"t"."name" = ANY($1::text[])');
    const notIn = print({ name_NOT_IN: [null, ''] });
    assert.equal(notIn.sql, 'NOT ("t"."name" = ANY($1::text[]))');
    assert.deepEqual(notIn.params, [[null, '']], 'the list is bound as given, the null item kept');
    assert.match(print({ securityContacts_ALL: { email_NOT: '' } }).sql, /^\(EXISTS \(.* AND NOT \("t0"."email" = \$1::text\)\) AND NOT EXISTS \(.* AND NOT \(NOT \("t1"."email" = \$2::text\)\)\)\)$/);
  });

  test('compileSelect selects the requested fields under their GraphQL names, ordered by id', () => {
    const { sql, params } = compileSelect(model, Connector, null, { fields: ['subscriptionId', 'securityContacts', 'unknown'] });
    assert.equal(sql, 'SELECT "t0"."id" AS "id", "t0"."subscription_id" AS "subscriptionId" FROM "connectors" AS "t0" ORDER BY "t0"."id"');
    assert.deepEqual(params, []);
  });
});

