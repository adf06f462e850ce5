import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryStorageModel, typeModel, type StorageModel, type TypeModel } from './inventory-schema.js';
import { SqlParameters, compileCount, compileSelect, printWhere } from './sql-printer.js';
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

  test('compileSelect orders by the sort keys then id, with limit and offset as bound parameters (API listings only)', () => {
    const { sql, params } = compileSelect(model, Connector, parseWhere({ name_CONTAINS: 'prod' }, Connector, model), {
      fields: ['name'],
      order: [{ field: 'state', direction: 'DESC' }, { field: 'name', direction: 'ASC' }],
      limit: 10,
      offset: 20,
    });
    assert.equal(
      sql,
      'SELECT "t0"."id" AS "id", "t0"."name" AS "name" FROM "connectors" AS "t0" WHERE strpos("t0"."name", $1::text) > 0 ORDER BY "t0"."state" DESC, "t0"."name" ASC, "t0"."id" LIMIT $2::bigint OFFSET $3::bigint',
    );
    assert.deepEqual(params, ['prod', 10, 20]);
  });

  test('sort keys outside the storage model, on lists, JSON or relations, print nothing (no identifier but the model)', () => {
    const { sql } = compileSelect(model, Connector, null, {
      fields: [],
      order: [{ field: 'securityContacts', direction: 'ASC' }, { field: 'tags', direction: 'ASC' }, { field: '"; DROP TABLE x; --', direction: 'DESC' }, { field: 'id', direction: 'DESC' }],
    });
    assert.equal(sql, 'SELECT "t0"."id" AS "id" FROM "connectors" AS "t0" ORDER BY "t0"."id"');
  });

  test('compileCount counts the same filter SQL', () => {
    const tree = parseWhere({ securityContacts_SOME: { email: 'x' } }, Connector, model);
    const { sql, params } = compileCount(model, Connector, tree);
    assert.equal(sql, `SELECT count(*)::integer AS "count" FROM "connectors" AS "t0" WHERE EXISTS (SELECT 1 FROM "security_contacts" AS "t1" WHERE "t1"."connector_id" = "t0"."id" AND "t1"."email" = $1::text)`);
    assert.deepEqual(params, ['x']);
    assert.equal(compileCount(model, Connector, null).sql, 'SELECT count(*)::integer AS "count" FROM "connectors" AS "t0"');
  });
});
