/**
 * The real @neo4j/graphql (5.12.9, a dev dependency) as the oracle of the `where` dialect. It is run without
 * Neo4j: its execution context is a recording transaction that answers the `dbms.components()` version probe and
 * keeps the Cypher of every other query, returning no records. The type definitions mirror a ward storage model:
 * each stored type a node, each scalar a property, each relation field an outgoing relationship whose type is the
 * field's name. Test support only: it never ships.
 */
import { Neo4jGraphQL } from '@neo4j/graphql';
import { graphql, type GraphQLSchema } from 'graphql';
import type { SqlClient } from '../../sql-client.js';
import type { ScalarFieldModel, StorageModel, TypeModel } from '../inventory-schema.js';
import { quoteIdentifier } from '../sql-printer.js';
import type { CypherNode } from './cypher-evaluator.js';

export interface LibraryCypher {
  readonly cypher: string;
  readonly params: Record<string, unknown>;
}

/** The library's type definitions for a storage model (JSON fields have no operators and are left out). */
export function neo4jTypeDefs(model: StorageModel): string {
  return [...model.types.values()]
    .map((type) => {
      const lines: string[] = [];
      for (const field of type.fields.values()) {
        if (field.kind === 'json') continue;
        if (field.kind === 'relation') {
          lines.push(`  ${field.name}: [${field.target}!]! @relationship(type: "${field.name}", direction: OUT)`);
        } else {
          lines.push(`  ${field.name}: ${field.list ? `[${field.scalar}!]` : field.scalar}`);
        }
      }
      return `type ${type.name} @node {\n${lines.join('\n')}\n}`;
    })
    .join('\n');
}

/** The library's root field of a type: `Connector` → `connectors`. */
function libraryRootField(type: TypeModel): string {
  return `${type.name[0]!.toLowerCase()}${type.name.slice(1)}s`;
}

export class Neo4jLibrary {
  private constructor(private readonly schema: GraphQLSchema) {}

  static async forModel(model: StorageModel): Promise<Neo4jLibrary> {
    const library = new Neo4jGraphQL({ typeDefs: neo4jTypeDefs(model) });
    return new Neo4jLibrary(await library.getSchema());
  }

  /** The Cypher the library runs for `rootField(where: $where) { id }`; throws with its errors if it refuses the input. */
  async compile(type: TypeModel, where: unknown): Promise<LibraryCypher> {
    const recorded: LibraryCypher[] = [];
    const transaction = {
      run: async (query: string, params: Record<string, unknown>) => {
        // the version probe: one record of [version, edition]
        if (query.includes('dbms.components()')) return { records: [['5.26.0', 'enterprise']] };
        recorded.push({ cypher: query, params });
        return { records: [], summary: { query: { text: query, parameters: params }, counters: { updates: () => ({}) } } };
      },
    };
    const source = `query Q($where: ${type.whereType}) { ${libraryRootField(type)}(where: $where) { id } }`;
    const result = await graphql({ schema: this.schema, source, variableValues: { where }, contextValue: { executionContext: transaction } });
    if (result.errors?.length) throw new Error(`@neo4j/graphql refused ${JSON.stringify(where)}: ${result.errors.map((e) => e.message).join('; ')}`);
    if (recorded.length !== 1) throw new Error(`expected one Cypher query, the library ran ${recorded.length}`);
    return recorded[0]!;
  }
}

/**
 * Every stored row of a model as Cypher nodes, read back from the store (so the oracle sees exactly the data the
 * SQL sees), with each relation field's rows attached as related nodes.
 */
export async function nodesFromStore(client: SqlClient, model: StorageModel): Promise<Map<string, CypherNode[]>> {
  const byType = new Map<string, { node: CypherNode; row: Record<string, unknown> }[]>();
  for (const type of model.types.values()) {
    const columns = [...type.fields.values()].filter((field): field is ScalarFieldModel => field.kind === 'scalar');
    const select = columns.map((field) => `${quoteIdentifier(field.column)} AS ${quoteIdentifier(field.name)}`).join(', ');
    const { rows } = await client.query<Record<string, unknown>>(`SELECT ${select} FROM ${quoteIdentifier(type.table)}`);
    byType.set(
      type.name,
      rows.map((row) => ({ row, node: { label: type.name, properties: row, related: {} } })),
    );
  }
  for (const type of model.types.values()) {
    for (const field of type.fields.values()) {
      if (field.kind !== 'relation') continue;
      const target = model.types.get(field.target)!;
      const fk = [...target.fields.values()].find((f) => f.kind === 'scalar' && f.column === field.foreignKey)!;
      for (const { node, row } of byType.get(type.name)!) {
        const children = byType.get(target.name)!.filter((child) => child.row[fk.name] === row.id).map((child) => child.node);
        (node.related as Record<string, CypherNode[]>)[field.name] = children;
      }
    }
  }
  return new Map([...byType].map(([name, entries]) => [name, entries.map((entry) => entry.node)]));
}
