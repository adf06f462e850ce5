import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kind, parse, print, validate } from 'graphql';
import { withEngineFragments } from './engine-fragments.js';
import { buildInventorySchema } from './inventory-schema.js';

const names = (source: string): string[] =>
  withEngineFragments(parse(source)).definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [d.name.value] : []));

test('adds only the engine fragments a query spreads and does not define', () => {
  assert.deepEqual(names('{ connectors { ...AssetFragment } }'), ['AssetFragment']);
  assert.deepEqual(names('{ connectors { id } }'), []);
  assert.deepEqual(names('{ connectors { ...AssetFragment } } fragment AssetFragment on Connector { id }'), ['AssetFragment']);
  assert.deepEqual(names('{ connectors { ...Mine } } fragment Mine on Connector { id }'), ['Mine']);
});

test('the supplied fragment selects the Asset fields and validates', () => {
  const document = withEngineFragments(parse('{ connectors { ...AssetFragment securityContacts { ...AssetFragment } } }'));
  assert.deepEqual(validate(buildInventorySchema(), document), []);
  assert.match(print(document), /fragment AssetFragment on Asset \{\s+id\s+name\s+type\s+provider\s+\}/);
});

test('an unknown fragment is left for validation to reject', () => {
  const errors = validate(buildInventorySchema(), withEngineFragments(parse('{ connectors { ...Nope } }')));
  assert.deepEqual(errors.map((e) => e.message), ['Unknown fragment "Nope".']);
});
