/**
 * The differential test of the `where` dialect: @neo4j/graphql 5.12.9 (a dev dependency) compiles each filter to
 * Cypher through a recording transaction, a small three-valued evaluator runs that Cypher over the stored rows, and
 * ward's compiled SQL (on PGlite and PostgreSQL) and the reference evaluator must return exactly the same ids.
 *
 * - The committed corpus (npm run corpus:neo4j) replays fixed cases fast, without the library in the loop.
 * - Generated cases run the library live: WARD_DIFFERENTIAL_RUNS (default 100) per store and schema; set it to
 *   a few thousand for a longer run.
 */
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Inventory } from '../model.js';
import { replaceInventory } from '../../store/inventory-repository.js';
import type { Store } from '../../store/sql-client.js';
import { TEST_STORE_KINDS, openMemoryStore } from '../../store/test-support/test-store.js';
import { inventoryStorageModel, typeModel } from './inventory-schema.js';
import { ReferenceEvaluator } from './test-support/reference-evaluator.js';
import { compileSelect } from './sql-printer.js';
import { parseWhere } from './where-parser.js';
import { GADGET_TABLES, gadgetModel, gadgetRowsArbitrary, inventoryArbitrary, loadGadgets } from './test-support/generated-data.js';
import { cypherIds, referenceIds, sortedIds, sqlIds } from './test-support/library-oracle.js';
import { Neo4jLibrary, nodesFromStore, type LibraryCypher } from './test-support/neo4j-library.js';
import { whereArbitrary } from './test-support/where-arbitrary.js';

const RUNS = Number(process.env.WARD_DIFFERENTIAL_RUNS ?? 100);

interface CorpusCase extends LibraryCypher {
  readonly where: Record<string, unknown>;
  readonly ids: readonly string[];
}

interface Corpus {
  readonly library: string;
  readonly suites: readonly { readonly inventory: Inventory; readonly cases: readonly CorpusCase[] }[];
}

const corpus = JSON.parse(readFileSync(new URL('./test-support/neo4j-corpus.json', import.meta.url), 'utf8')) as Corpus;
const model = inventoryStorageModel();
const Connector = typeModel(model, 'Connector');
const corpusSize = corpus.suites.reduce((sum, suite) => sum + suite.cases.length, 0);
/** The library's schema is built once for the file (about a second) and shared by every test below. */
const inventoryLibrary = Neo4jLibrary.forModel(model);

test(`the library still compiles the ${corpusSize} corpus filters to the committed Cypher`, async (t) => {
  const library = await inventoryLibrary;
  for (const suite of corpus.suites) {
    for (const item of suite.cases) {
      const compiled = await library.compile(Connector, item.where);
      assert.equal(compiled.cypher, item.cypher, JSON.stringify(item.where));
      assert.deepEqual(JSON.parse(JSON.stringify(compiled.params)), item.params, JSON.stringify(item.where));
    }
  }
  t.diagnostic(`${corpusSize} corpus filters compiled by ${corpus.library}`);
});

for (const kind of TEST_STORE_KINDS) {
  describe(`${kind.name}: ward answers as @neo4j/graphql does`, { skip: kind.skip }, () => {
    let store: Store;
    let library: Neo4jLibrary;
    before(async () => {
      store = (await kind.open())!;
      library = await inventoryLibrary;
    });
    after(async () => {
      await store?.close();
    });

    test(`the committed corpus: ${corpusSize} cases over ${corpus.suites.length} inventories`, async (t) => {
      for (const suite of corpus.suites) {
        await replaceInventory(store, suite.inventory, { collectedAt: new Date(0), scanId: null, scope: 'all' });
        const nodes = (await nodesFromStore(store, model)).get('Connector')!;
        for (const item of suite.cases) {
          const label = `${JSON.stringify(item.where)}\n${item.cypher}`;
          const expected = sortedIds(item.ids);
          assert.deepEqual(cypherIds(item, nodes), expected, `the Cypher evaluator: ${label}`);
          assert.deepEqual(await sqlIds(store, Connector, item.where), expected, `SQL: ${label}`);
          assert.deepEqual(referenceIds(suite.inventory, model, Connector, item.where), expected, `reference: ${label}`);
        }
      }
      t.diagnostic(`compared ${corpusSize} corpus cases (SQL and reference evaluator against the library's Cypher)`);
    });

    test(`generated inventories and filters through the library (${RUNS} runs)`, async (t) => {
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(inventoryArbitrary(model), whereArbitrary(model, Connector, 3), async (inventory, where) => {
          await replaceInventory(store, inventory, { collectedAt: new Date(0), scanId: null, scope: 'all' });
          const compiled = await library.compile(Connector, where);
          const expected = cypherIds(compiled, (await nodesFromStore(store, model)).get('Connector')!);
          const label = `${JSON.stringify(where)}\n${compiled.cypher}`;
          assert.deepEqual(await sqlIds(store, Connector, where), expected, `SQL: ${label}`);
          assert.deepEqual(referenceIds(inventory, model, Connector, where), expected, `reference: ${label}`);
          compared++;
        }),
        { numRuns: RUNS },
      );
      t.diagnostic(`compared ${compared} generated cases with ${corpus.library}`);
    });
  });
}

describe('a deeper schema (numbers, an integer list, relationships two levels down) against the library', () => {
  const gadgets = gadgetModel();
  const Gadget = typeModel(gadgets, 'Gadget');
  let store: Store;
  let library: Neo4jLibrary;
  before(async () => {
    store = await openMemoryStore();
    await store.exec(GADGET_TABLES);
    library = await Neo4jLibrary.forModel(gadgets);
  });
  after(async () => {
    await store?.close();
  });

  test(`generated gadgets and filters (${RUNS} runs)`, async (t) => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(gadgetRowsArbitrary(gadgets), whereArbitrary(gadgets, Gadget, 3), async (rows, where) => {
        await loadGadgets(store, gadgets, rows);
        const compiled = await library.compile(Gadget, where);
        const expected = cypherIds(compiled, (await nodesFromStore(store, gadgets)).get('Gadget')!);
        const tree = parseWhere(where, Gadget, gadgets);
        const { sql, params } = compileSelect(gadgets, Gadget, tree, { fields: [] });
        const label = `${JSON.stringify(where)}\n${compiled.cypher}`;
        assert.deepEqual(sortedIds((await store.query<{ id: string }>(sql, params)).rows.map((row) => row.id)), expected, `SQL: ${label}`);
        const reference = new ReferenceEvaluator(rows as unknown as Inventory, gadgets).select(Gadget, tree);
        assert.deepEqual(sortedIds(reference.map((row) => row.id)), expected, `reference: ${label}`);
        compared++;
      }),
      { numRuns: RUNS },
    );
    t.diagnostic(`compared ${compared} generated gadget cases with the library`);
  });
});
