/**
 * What the three engines answer for one `where` over what a store holds: @neo4j/graphql's own Cypher evaluated
 * over the stored rows (the oracle), ward's compiled SQL through executeQuery, and the reference evaluator over
 * the in-memory records. The differential test and the corpus generator share it.
 */
import type { Inventory } from '../../model.js';
import type { SqlClient } from '../../sql-client.js';
import { executeQuery } from '../execute-query.js';
import type { StorageModel, TypeModel } from '../inventory-schema.js';
import { ReferenceEvaluator } from './reference-evaluator.js';
import { parseWhere } from '../where-parser.js';
import { parseCypher, runCypher, type CypherNode } from './cypher-evaluator.js';
import type { LibraryCypher } from './neo4j-library.js';

export function sortedIds(ids: readonly unknown[]): string[] {
  return ids.map(String).sort();
}

/** The ids the library's Cypher returns over `nodes`. */
export function cypherIds(compiled: LibraryCypher, nodes: readonly CypherNode[]): string[] {
  return sortedIds(runCypher(parseCypher(compiled.cypher), nodes, compiled.params).map((node) => node.properties.id));
}

/** The ids ward's SQL returns (through the GraphQL layer, variables coerced as for a stored check). */
export async function sqlIds(client: SqlClient, type: TypeModel, where: unknown): Promise<string[]> {
  const query = `query Differential($where: ${type.whereType}) { ${type.rootField}(where: $where) { id } }`;
  const result = await executeQuery(client, query, { variables: { where } });
  return sortedIds((result.data![type.rootField] as { id: string }[]).map((row) => row.id));
}

/** The ids the reference evaluator selects from the in-memory records. */
export function referenceIds(records: Inventory, model: StorageModel, type: TypeModel, where: unknown): string[] {
  return sortedIds(new ReferenceEvaluator(records, model).select(type, parseWhere(where, type, model)).map((row) => row.id));
}
