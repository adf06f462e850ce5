import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WardError } from '../errors.js';
import { inventoryStorageModel, typeModel } from './inventory-schema.js';
import { parseWhere } from './where-parser.js';

const model = inventoryStorageModel();
const Connector = typeModel(model, 'Connector');
const parse = (where: unknown): unknown => JSON.parse(JSON.stringify(parseWhere(where, Connector, model), (key, value) => (key === 'field' ? value.name : value)));

test('empty pieces are dropped', () => {
  for (const where of [undefined, null, {}, { AND: [] }, { OR: [] }, { NOT: {} }, { NOT: { AND: [{}] } }, { securityContacts_SOME: {} }, { securityContacts_ALL: { OR: [] } }, { AND: null }]) {
    assert.equal(parse(where), null, JSON.stringify(where));
  }
  assert.deepEqual(parse({ OR: [{}, { name: 'x' }] }), { kind: 'predicate', field: 'name', operator: 'eq', value: 'x' });
});

test('keys of one object are ANDed; operators given null become IS NULL / IS NOT NULL', () => {
  assert.deepEqual(parse({ name: null, state_NOT: null, tenantId_CONTAINS: null, id_NOT_IN: null }), {
    kind: 'and',
    filters: [
      { kind: 'predicate', field: 'name', operator: 'isNull' },
      { kind: 'predicate', field: 'state', operator: 'isNotNull' },
      { kind: 'predicate', field: 'tenantId', operator: 'isNull' },
      { kind: 'predicate', field: 'id', operator: 'isNotNull' },
    ],
  });
});

test('null items of _IN lists are dropped; relationship nulls become existence tests', () => {
  assert.deepEqual(parse({ name_IN: [null, 'a'] }), { kind: 'predicate', field: 'name', operator: 'in', values: ['a'] });
  assert.deepEqual(parse({ securityContacts_SOME: null }), { kind: 'relationExists', field: 'securityContacts', exists: false });
  assert.deepEqual(parse({ securityContacts_NONE: null }), { kind: 'relationExists', field: 'securityContacts', exists: true });
  assert.deepEqual(parse({ securityContacts_SINGLE: { email: '' } }), {
    kind: 'relation',
    field: 'securityContacts',
    quantifier: 'single',
    filter: { kind: 'predicate', field: 'email', operator: 'eq', value: '' },
  });
});

test('r_ALL: null and r_SINGLE: null are rejected with the field and a hint', () => {
  for (const key of ['securityContacts_ALL', 'securityContacts_SINGLE']) {
    assert.throws(
      () => parseWhere({ OR: [{ name: 'x' }, { [key]: null }] }, Connector, model),
      (error: unknown) =>
        error instanceof WardError &&
        error.code === 'QUERY_INVALID' &&
        error.message.includes(key) &&
        error.location?.field === `where.OR[1].${key}` &&
        /_SOME: null/.test(error.hint ?? ''),
    );
  }
});

test('unknown keys and wrongly typed values are rejected', () => {
  assert.throws(() => parseWhere({ nope: 1 }, Connector, model), /ConnectorWhere has no field "nope"/);
  assert.throws(() => parseWhere({ name: 3 }, Connector, model), /expected a String/);
  assert.throws(() => parseWhere({ name_IN: 'a' }, Connector, model), /takes a list/);
  assert.throws(() => parseWhere({ tags: {} }, Connector, model), /no field "tags"/);
});
