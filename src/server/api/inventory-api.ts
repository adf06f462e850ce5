/**
 * The inventory part of the API, derived from the storage model (a new stored type gets its fields with no code):
 * per type, the list `connectors(where, options)`, `connectorsConnection(where, first, after, sort)` and
 * `connectorsAggregate(where)`, the shapes of @neo4j/graphql 4.2–6.x. They run on the engine's own resolvers
 * (execute-query.ts): the same where-to-SQL compiler and batched relationship loading a check runs on, so a
 * stored check pasted here returns what `ward query` returns. Ordering and windows exist only here: the schema
 * checks are validated against has none (a stored check with `limit: 0` would pass by accident).
 */
import { GraphQLSchema, printSchema, type GraphQLResolveInfo } from 'graphql';
import { WardError } from '../../core/errors.js';
import {
  countInventory,
  resolveInventoryField,
  resolveInventoryRoot,
  selectedFieldsAt,
  type InventoryExecution,
  type RootPage,
} from '../../core/query/execute-query.js';
import { buildInventorySchema, inventoryStorageModel, type TypeModel } from '../../core/query/inventory-schema.js';
import type { SortKey } from '../../core/query/sql-printer.js';
import type { ApiContext, ApiResolvers } from './api-context.js';

const capitalise = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/** The field names a type can be sorted on: stored scalars that are not lists. */
function sortableFields(type: TypeModel): string[] {
  return [...type.fields.values()].filter((field) => field.kind === 'scalar' && !field.list).map((field) => field.name);
}

function names(type: TypeModel) {
  const plural = capitalise(type.rootField);
  return {
    sort: `${type.name}Sort`,
    options: `${type.name}Options`,
    edge: `${type.name}Edge`,
    connection: `${plural}Connection`,
    aggregate: `${type.name}AggregateSelection`,
    connectionField: `${type.rootField}Connection`,
    aggregateField: `${type.rootField}Aggregate`,
  };
}

/** The inventory SDL's own types (assets, where inputs) without its Query: the API writes a Query of its own. */
function inventoryTypesSdl(): string {
  const config = buildInventorySchema().toConfig();
  return printSchema(new GraphQLSchema({ ...config, query: null, types: config.types.filter((type) => type !== config.query) }));
}

/** Shared by every connection of the API (inventory and findings). */
const SHARED_SDL = `
"How a sort key orders: ascending puts missing values last, descending first (as @neo4j/graphql)."
enum SortDirection { ASC DESC }

"Where a page of a connection sits. Cursors are opaque (base64 of arrayconnection:<offset>, as @neo4j/graphql)."
type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}
`;

export function inventoryApiSdl(): { readonly types: string; readonly queryFields: string } {
  const types: string[] = [inventoryTypesSdl(), SHARED_SDL];
  const queryFields: string[] = [];
  for (const type of inventoryStorageModel().types.values()) {
    const n = names(type);
    types.push(`
"Sort keys of ${type.name}: one field per key; several keys sort in list order, then by id."
input ${n.sort} {
${sortableFields(type).map((field) => `  ${field}: SortDirection`).join('\n')}
}
input ${n.options} {
  limit: Int
  offset: Int
  sort: [${n.sort}!]
}
type ${n.edge} { cursor: String! node: ${type.name}! }
type ${n.connection} { totalCount: Int! edges: [${n.edge}!]! pageInfo: PageInfo! }
type ${n.aggregate} { count: Int! }`);
    queryFields.push(
      `  "${type.name} rows matching the filter (all of them without options, as a stored check sees them)."`,
      `  ${type.rootField}(where: ${type.whereType}, options: ${n.options}): [${type.name}!]!`,
      `  ${n.connectionField}(where: ${type.whereType}, first: Int, after: String, sort: [${n.sort}!]): ${n.connection}!`,
      `  ${n.aggregateField}(where: ${type.whereType}): ${n.aggregate}!`,
    );
  }
  return { types: types.join('\n'), queryFields: queryFields.join('\n') };
}

const CURSOR_PREFIX = 'arrayconnection:';

export function offsetToCursor(offset: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${offset}`, 'utf8').toString('base64');
}

/** The offset a cursor names; a QUERY_INVALID WardError for anything this API did not hand out. */
export function cursorToOffset(cursor: string): number {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const offset = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new WardError('QUERY_INVALID', `${JSON.stringify(cursor.slice(0, 64))} is not a cursor of this API`, { hint: 'pass the endCursor or an edge cursor of an earlier page' });
  }
  return offset;
}

export function nonNegative(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new WardError('QUERY_INVALID', `${name} must be a whole number of 0 or more, got ${String(value)}`, { hint: 'pages start at offset 0' });
  }
  return value;
}

/** `[{name: DESC}, {state: ASC}]` as sort keys, in the order given (several fields in one object: in their written order). */
function sortKeys(sort: unknown): SortKey[] {
  if (!Array.isArray(sort)) return [];
  return sort.flatMap((entry) => Object.entries(entry as Record<string, unknown>).filter(([, direction]) => direction === 'ASC' || direction === 'DESC').map(([field, direction]) => ({ field, direction: direction as SortKey['direction'] })));
}

/** One page of a listing: the window [start, start + first), and whether more rows follow (read as one extra row). */
export interface Page<T> {
  readonly start: number;
  readonly items: readonly T[];
  readonly hasNextPage: boolean;
}

/** A connection over `page` and `count`: each field costs only what it reads (totalCount alone runs one COUNT). */
export function connectionOf<T>(page: () => Promise<Page<T>>, count: () => Promise<number>): Record<string, () => Promise<unknown>> {
  let loaded: Promise<Page<T>> | undefined;
  const once = (): Promise<Page<T>> => (loaded ??= page());
  return {
    totalCount: count,
    edges: async () => {
      const { start, items } = await once();
      return items.map((node, index) => ({ cursor: offsetToCursor(start + index), node }));
    },
    pageInfo: async () => {
      const { start, items, hasNextPage } = await once();
      return {
        hasNextPage,
        hasPreviousPage: start > 0,
        startCursor: items.length > 0 ? offsetToCursor(start) : null,
        endCursor: items.length > 0 ? offsetToCursor(start + items.length - 1) : null,
      };
    },
  };
}

/** Where a page starts and how many rows it holds, from `first` and `after`. */
export function windowOf(args: Record<string, unknown>): { start: number; first: number | undefined } {
  const first = nonNegative(args.first, 'first');
  const start = typeof args.after === 'string' ? cursorToOffset(args.after) + 1 : 0;
  return { start, first };
}

function rootPage(type: TypeModel, where: unknown, inventory: InventoryExecution, fields: readonly string[], page: RootPage): Promise<Record<string, unknown>[]> {
  return resolveInventoryRoot(type, where, inventory, fields, page);
}

export function inventoryResolvers(): ApiResolvers {
  const query: ApiResolvers[string] = {};
  const resolvers: ApiResolvers = { Query: query };
  for (const type of inventoryStorageModel().types.values()) {
    const n = names(type);
    query[type.rootField] = (_source, args: Record<string, unknown>, context: ApiContext, info: GraphQLResolveInfo) => {
      const options = (args.options ?? {}) as Record<string, unknown>;
      const limit = nonNegative(options.limit, 'options.limit');
      const offset = nonNegative(options.offset, 'options.offset');
      return rootPage(type, args.where, context.inventory, selectedFieldsAt(info), {
        order: sortKeys(options.sort),
        ...(limit === undefined ? {} : { limit }),
        ...(offset === undefined ? {} : { offset }),
      });
    };
    query[n.connectionField] = (_source, args: Record<string, unknown>, context: ApiContext, info: GraphQLResolveInfo) => {
      const { start, first } = windowOf(args);
      const fields = selectedFieldsAt(info, ['edges', 'node']);
      return connectionOf(
        async () => {
          const rows = await rootPage(type, args.where, context.inventory, fields, {
            order: sortKeys(args.sort),
            offset: start,
            ...(first === undefined ? {} : { limit: first + 1 }),
          });
          const items = first === undefined ? rows : rows.slice(0, first);
          return { start, items, hasNextPage: rows.length > items.length };
        },
        () => countInventory(type, args.where, context.inventory),
      );
    };
    query[n.aggregateField] = (_source, args: Record<string, unknown>, context: ApiContext) => ({ count: () => countInventory(type, args.where, context.inventory) });
    // inventory fields: relationships batch-load exactly as in a check
    const fields: ApiResolvers[string] = {};
    for (const field of type.fields.values()) {
      if (field.kind === 'relation') fields[field.name] = (source, args, context, info) => resolveInventoryField(source, args, context.inventory, info);
    }
    resolvers[type.name] = fields;
  }
  return resolvers;
}
