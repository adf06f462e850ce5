import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertValidSchema, getNamedType, type GraphQLInputObjectType } from 'graphql';
import { WardError } from '../errors.js';
import { buildInventorySchema, buildSchemaFromSdl, deriveStorageModel, inventorySdl, inventoryStorageModel, snakeCase } from './inventory-schema.js';
import { embeddedSdlModule } from './test-support/embedded-sdl-module.js';

test('the core compiles schema/inventory.graphql as committed: inventory-sdl.ts is generated from it and up to date', () => {
  const sdl = readFileSync(new URL('../../../schema/inventory.graphql', import.meta.url), 'utf8');
  assert.equal(inventorySdl(), sdl, 'schema/inventory.graphql changed: run node --import tsx scripts/embed-inventory-schema.ts');
  assert.equal(readFileSync(new URL('./inventory-sdl.ts', import.meta.url), 'utf8'), embeddedSdlModule(sdl), 'inventory-sdl.ts is what the script writes');
});

test('the storage model follows @table, @column, @relation and @json, snake_case otherwise', () => {
  const model = inventoryStorageModel();
  const connector = model.types.get('Connector')!;
  assert.equal(connector.table, 'connectors');
  assert.equal(connector.rootField, 'connectors');
  assert.deepEqual(connector.fields.get('subscriptionId'), { kind: 'scalar', name: 'subscriptionId', column: 'subscription_id', scalar: 'String', list: false, filter: 'text' });
  assert.deepEqual(connector.fields.get('tags'), { kind: 'json', name: 'tags', column: 'tags' });
  assert.deepEqual(connector.fields.get('securityContacts'), { kind: 'relation', name: 'securityContacts', target: 'SecurityContact', foreignKey: 'connector_id' });
  const contact = model.types.get('SecurityContact')!;
  assert.equal(contact.rootField, 'securityContacts');
  assert.equal(contact.fields.get('emails')?.kind === 'scalar' && contact.fields.get('emails')?.kind, 'scalar');
  assert.equal(snakeCase('alertMinimalSeverity'), 'alert_minimal_severity');
  const custom = deriveStorageModel('directive @table(name: String!) on OBJECT directive @column(name: String!) on FIELD_DEFINITION type T @table(name: "t") { id: ID! fooBar: Int @column(name: "fb") }');
  assert.equal(custom.types.get('T')!.fields.get('fooBar')?.kind === 'scalar' ? (custom.types.get('T')!.fields.get('fooBar') as { column: string }).column : '', 'fb');
});

test('the executable schema has the where inputs, with the dialect operators per field kind, and root fields', () => {
  const schema = buildInventorySchema();
  assert.equal(buildInventorySchema(), schema, 'built once, when the module loads');
  assertValidSchema(schema);
  const fields = (name: string): string[] => Object.keys((schema.getType(name) as GraphQLInputObjectType).getFields());
  const connectorWhere = fields('ConnectorWhere');
  for (const key of ['name', 'name_NOT', 'name_IN', 'name_NOT_IN', 'name_CONTAINS', 'name_NOT_CONTAINS', 'name_STARTS_WITH', 'name_NOT_STARTS_WITH', 'name_ENDS_WITH', 'name_NOT_ENDS_WITH', 'id_IN', 'securityContacts_SOME', 'securityContacts_NONE', 'securityContacts_ALL', 'securityContacts_SINGLE', 'AND', 'OR', 'NOT']) {
    assert.ok(connectorWhere.includes(key), key);
  }
  assert.ok(!connectorWhere.some((key) => key.startsWith('tags')), '@json fields have no operators');
  assert.ok(!connectorWhere.includes('name_LT'), 'no ordering operators on strings');
  const contactWhere = fields('SecurityContactWhere');
  assert.deepEqual(contactWhere.filter((key) => key.startsWith('emails')), ['emails', 'emails_NOT', 'emails_INCLUDES', 'emails_NOT_INCLUDES']);
  assert.deepEqual(contactWhere.filter((key) => key.startsWith('isEnabled')), ['isEnabled', 'isEnabled_NOT']);
  const query = schema.getQueryType()!.getFields();
  assert.equal(String(query.connectors!.type), '[Connector!]!');
  assert.equal(String(query.connectors!.args[0]!.type), 'ConnectorWhere');
  assert.equal(String(query.securityContacts!.type), '[SecurityContact!]!');
  const relation = (schema.getType('Connector') as unknown as { getFields(): Record<string, { args: { name: string; type: unknown }[] }> }).getFields().securityContacts!;
  assert.equal(String(getNamedType(relation.args[0]!.type as never)), 'SecurityContactWhere');
});

test('numbers get ordering operators', () => {
  const sdl = 'directive @table(name: String!) on OBJECT type T @table(name: "t") { id: ID! size: Int weight: Float }';
  const where = Object.keys((buildSchemaFromSdl(sdl).getType('TWhere') as GraphQLInputObjectType).getFields());
  for (const key of ['size_LT', 'size_LTE', 'size_GT', 'size_GTE', 'weight_IN', 'weight_NOT']) assert.ok(where.includes(key), key);
  assert.ok(!where.includes('size_CONTAINS'));
});

test('a field the model cannot store is a clear error', () => {
  assert.throws(
    () => deriveStorageModel('directive @table(name: String!) on OBJECT scalar Date type T @table(name: "t") { id: ID! at: Date }'),
    (error: unknown) => error instanceof WardError && /T\.at/.test(error.message),
  );
});
