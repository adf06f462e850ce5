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

test('_IN lists are kept as given; relationship nulls become existence tests, the 4.x/5.x forms too', () => {
  assert.deepEqual(parse({ name_IN: [null, 'a'] }), { kind: 'predicate', field: 'name', operator: 'in', values: [null, 'a'] });
  for (const key of ['securityContacts_SOME', 'securityContacts']) {
    assert.deepEqual(parse({ [key]: null }), { kind: 'relationExists', field: 'securityContacts', exists: false }, key);
  }
  for (const key of ['securityContacts_NONE', 'securityContacts_NOT']) {
    assert.deepEqual(parse({ [key]: null }), { kind: 'relationExists', field: 'securityContacts', exists: true }, key);
  }
  assert.deepEqual(parse({ securityContacts: { email: '' } }), parse({ securityContacts_SOME: { email: '' } }));
  assert.deepEqual(parse({ securityContacts_NOT: { email: '' } }), parse({ securityContacts_NONE: { email: '' } }));
  // not `{}` but only empty pieces: "some related" under SOME, "none" under NONE, nothing under ALL and SINGLE
  assert.deepEqual(parse({ securityContacts_SOME: {} }), null);
  assert.deepEqual(parse({ securityContacts_SOME: { NOT: {} } }), { kind: 'relationExists', field: 'securityContacts', exists: true });
  assert.deepEqual(parse({ securityContacts_NONE: { OR: [] } }), { kind: 'relationExists', field: 'securityContacts', exists: false });
  assert.deepEqual(parse({ securityContacts_ALL: { AND: [] }, securityContacts_SINGLE: { NOT: {} } }), null);
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
