import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Inventory } from '../../model.js';
import { inventoryStorageModel, typeModel } from '../inventory-schema.js';
import { evaluateReference } from './reference-evaluator.js';
import { parseWhere } from '../where-parser.js';
import { connector, connectorId, contact } from './inventory-builders.js';

const model = inventoryStorageModel();
const Connector = typeModel(model, 'Connector');
const inventory: Inventory = {
  connectors: [connector('b'), connector('a', { name: undefined as never }), connector('c')],
  securityContacts: [contact('a', 'default', { email: 'x@y.z' }), contact('c', 'default1', { email: '' }), contact('c', 'default2', { email: 'ok@y.z' })],
};
const ids = (where: unknown): string[] => evaluateReference(inventory, model, Connector, parseWhere(where, Connector, model)).map((row) => String(row.id));

test('results are ordered by id; a missing property is null, and a comparison with it unknown', () => {
  assert.deepEqual(ids({}), ['a', 'b', 'c'].map(connectorId));
  assert.deepEqual(ids({ name: null }), [connectorId('a')]);
  // NOT unknown is unknown: a (no name) is neither "b" nor "not b"
  assert.deepEqual(ids({ NOT: { name: 'b' } }), [connectorId('c')]);
  assert.deepEqual(ids({ OR: [{ name: 'b' }, { NOT: { name: 'b' } }] }), ['b', 'c'].map(connectorId));
});

test('type and provider are implied by the record type', () => {
  assert.deepEqual(ids({ type: 'Connector', provider: 'azure' }), ['a', 'b', 'c'].map(connectorId));
  assert.deepEqual(ids({ securityContacts_SOME: { type: 'SecurityContact', provider: 'azure' } }), ['a', 'c'].map(connectorId));
});

test('relationship quantifiers, _ALL not vacuous', () => {
  assert.deepEqual(ids({ securityContacts_SOME: null }), [connectorId('b')]);
  assert.deepEqual(ids({ securityContacts_ALL: { email_NOT: '' } }), [connectorId('a')]);
  assert.deepEqual(ids({ securityContacts_NONE: { email: '' } }), ['a', 'b'].map(connectorId));
  assert.deepEqual(ids({ securityContacts_SINGLE: { email_CONTAINS: '@' } }), ['a', 'c'].map(connectorId));
});
