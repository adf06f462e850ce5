import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterWarnings } from './filter-warnings.js';
import { inventoryStorageModel } from './inventory-schema.js';

const model = inventoryStorageModel();
const warn = (where: string): string[] => filterWarnings(`{ connectors(where: ${where}) { id } }`, 'c.graphql', model).map((line) => line.replace(/^c\.graphql:\d+:\d+: /, ''));

test('the 4.x/5.x relationship forms are accepted with a warning that names the modern spelling', () => {
  assert.deepEqual(warn('{ securityContacts: null }'), ['securityContacts is the @neo4j/graphql 4.x/5.x spelling, removed in 6.x: write securityContacts_SOME: null (no related nodes)']);
  assert.deepEqual(warn('{ securityContacts_NOT: null }'), [
    'securityContacts_NOT is the @neo4j/graphql 4.x/5.x spelling, removed in 6.x: write securityContacts_NONE: null (at least one related node)',
  ]);
  assert.deepEqual(warn('{ OR: [{ securityContacts: { email: "" } }] }'), ['securityContacts is the @neo4j/graphql 4.x/5.x spelling, removed in 6.x: write securityContacts_SOME']);
  assert.deepEqual(warn('{ securityContacts_NOT: { email: "" } }'), ['securityContacts_NOT is the @neo4j/graphql 4.x/5.x spelling, removed in 6.x: write securityContacts_NONE']);
  // a scalar named like a relationship suffix is not one
  assert.deepEqual(warn('{ name_NOT: null, securityContacts_SOME: { email_NOT: "" } }'), []);
});

test('empty pieces: dropped, or (inside SOME / NONE) a bare existence test', () => {
  assert.match(filterWarnings('{ connectors(where: {}) { id } }', 'c.graphql', model)[0]!, /^c\.graphql:1:21: where: \{\} adds no condition/);
  assert.deepEqual(warn('{ NOT: {} }'), ['NOT: {} adds no condition (the dialect drops it; it does not mean "match nothing")']);
  assert.deepEqual(warn('{ securityContacts_SOME: {} }'), ['securityContacts_SOME: {} adds no condition: it matches every node, with or without related nodes']);
  const some = warn('{ securityContacts_SOME: { NOT: {} } }');
  assert.ok(some.includes('securityContacts_SOME: { … } holds only empty pieces, so it means only "has at least one securityContacts" (write securityContacts_NONE: null to say so)'), some.join('\n'));
  assert.ok(warn('{ securityContacts_NONE: { OR: [] } }').some((line) => line.includes('means only "has no securityContacts"')));
  assert.ok(warn('{ securityContacts_ALL: { AND: [] } }').includes('securityContacts_ALL: { … } holds only empty pieces and adds no condition'));
  // a SOME with only empty pieces is a condition, so an OR holding it is not "an empty alternative"
  assert.ok(!warn('{ OR: [{ securityContacts_SOME: { NOT: {} } }, { name: "a" }] }').some((line) => line.startsWith('OR:')));
  assert.ok(warn('{ OR: [{ securityContacts_ALL: { NOT: {} } }, { name: "a" }] }').some((line) => line.startsWith('OR: [{}, …]')));
});

test('the shipped seed check draws no warning', () => {
  assert.deepEqual(warn('{ OR: [{ securityContacts_SOME: null }, { securityContacts_SOME: { email: null } }, { securityContacts_SOME: { email: "" } }] }'), []);
});
