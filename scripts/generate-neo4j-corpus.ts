/**
 * `npm run corpus:neo4j`: writes src/core/query/test-support/neo4j-corpus.json, the fixed differential corpus.
 * A seeded sample of generated inventories and `where` filters (every operator, nested AND/OR/NOT, relationship
 * quantifiers and the 4.x/5.x forms, nulls and empty lists) is compiled by @neo4j/graphql 5.12.9 to Cypher and
 * evaluated over the stored rows; each case keeps the filter, the Cypher, its parameters and the ids it returns.
 * The test suite replays the corpus on PGlite and PostgreSQL without regenerating it. Run it again after a
 * deliberate change of the dialect or the inventory schema, and read the diff.
 */
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { inventoryStorageModel, typeModel } from '../src/core/query/inventory-schema.js';
import { inventoryArbitrary } from '../src/core/query/test-support/generated-data.js';
import { cypherIds } from '../src/core/query/test-support/library-oracle.js';
import { Neo4jLibrary, nodesFromStore } from '../src/core/query/test-support/neo4j-library.js';
import { whereArbitrary } from '../src/core/query/test-support/where-arbitrary.js';
import { replaceInventory } from '../src/store/inventory-repository.js';
import { openMemoryStore } from '../src/store/test-support/test-store.js';

const SEED = 15;
const INVENTORIES = 4;
const FILTERS_PER_INVENTORY = 80;
const OUTPUT = new URL('../src/core/query/test-support/neo4j-corpus.json', import.meta.url);

const model = inventoryStorageModel();
const Connector = typeModel(model, 'Connector');
const library = await Neo4jLibrary.forModel(model);
const store = await openMemoryStore();
try {
  // the largest of a seeded sample of inventories, so each suite has many subscriptions and contacts
  const inventories = fc
    .sample(inventoryArbitrary(model, 7), { seed: SEED, numRuns: 200 })
    .sort((a, b) => b.connectors.length + b.securityContacts.length - (a.connectors.length + a.securityContacts.length))
    .slice(0, INVENTORIES);
  const filters = fc.sample(whereArbitrary(model, Connector, 3), { seed: SEED, numRuns: INVENTORIES * FILTERS_PER_INVENTORY * 2 });
  const unique = [...new Map(filters.map((where) => [JSON.stringify(where), where])).values()];
  const suites = [];
  let total = 0;
  for (const [index, inventory] of inventories.entries()) {
    await replaceInventory(store, inventory, { collectedAt: new Date(0), scanId: null, scope: 'all' });
    const nodes = (await nodesFromStore(store, model)).get('Connector')!;
    const cases = [];
    for (const where of unique.slice(index * FILTERS_PER_INVENTORY, (index + 1) * FILTERS_PER_INVENTORY)) {
      const compiled = await library.compile(Connector, where);
      cases.push({ where, cypher: compiled.cypher, params: compiled.params, ids: cypherIds(compiled, nodes) });
    }
    total += cases.length;
    suites.push({ inventory, cases });
  }
  const corpus = { library: '@neo4j/graphql 5.12.9', seed: SEED, generatedBy: 'npm run corpus:neo4j', suites };
  writeFileSync(OUTPUT, `${JSON.stringify(corpus, null, 1)}\n`);
  console.log(`wrote ${total} cases over ${suites.length} inventories to ${OUTPUT.pathname}`);
} finally {
  await store.close();
}
