/**
 * Phase two of the filter compiler: a filter tree printed as parameterised SQL (PostgreSQL, the same text on
 * PGlite). Pure. Values are always bound parameters; identifiers come only from the storage model.
 *
 * Truth values are SQL's own three-valued logic, which is the Kleene logic of the Cypher the library emits: a
 * comparison with a missing (null) property is unknown, `NOT unknown` is unknown, and a row is returned only when
 * its whole condition is true. Each operator prints the shape of the library's Cypher (`NOT (f = $v)` for
 * `_NOT`, `NOT (f = ANY($list))` for `_NOT_IN` with the list as given, `EXISTS (W) AND NOT EXISTS (NOT W)` for
 * `_ALL`), so ward returns exactly the nodes the library would (filter-dialect.md).
 */
import type { FilterTree, Predicate, RelationExists, RelationFilter } from './filter-tree.js';
import type { ScalarFieldModel, ScalarTypeName, StorageModel, TypeModel } from './inventory-schema.js';
import type { ScalarOperator } from './where-operators.js';

const SQL_TYPES: Readonly<Record<ScalarTypeName, string>> = {
  String: 'text',
  ID: 'text',
  Int: 'integer',
  Float: 'double precision',
  Boolean: 'boolean',
};

/** A quoted SQL identifier. Only storage-model names and generated aliases are ever passed here. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** What an operator's printer gets: the qualified column and binders for the predicate's value(s). */
export interface OperatorOperands {
  readonly column: string;
  /** The placeholder of the predicate's single value (bound once however often it is used). */
  readonly value: () => string;
  /** The placeholder of the predicate's list of values, as a typed array (null items kept). */
  readonly list: () => string;
}

type OperatorPrinter = (operands: OperatorOperands) => string;

/** THE operator table: every operator of the dialect and the SQL it prints (the library's Cypher in comments). */
export const SQL_OPERATORS: Readonly<Record<ScalarOperator, OperatorPrinter>> = {
  isNull: ({ column }) => `${column} IS NULL`, // f IS NULL
  isNotNull: ({ column }) => `${column} IS NOT NULL`, // f IS NOT NULL
  eq: ({ column, value }) => `${column} = ${value()}`, // f = $v
  not: ({ column, value }) => `NOT (${column} = ${value()})`, // NOT (f = $v)
  in: ({ column, list }) => `${column} = ANY(${list()})`, // f IN $list (false for [] whatever f is)
  notIn: ({ column, list }) => `NOT (${column} = ANY(${list()}))`, // NOT (f IN $list)
  contains: ({ column, value }) => `strpos(${column}, ${value()}) > 0`, // f CONTAINS $v
  notContains: ({ column, value }) => `NOT (strpos(${column}, ${value()}) > 0)`,
  startsWith: ({ column, value }) => `starts_with(${column}, ${value()})`, // f STARTS WITH $v
  notStartsWith: ({ column, value }) => `NOT starts_with(${column}, ${value()})`,
  endsWith: ({ column, value }) => `right(${column}, length(${value()})) = ${value()}`, // f ENDS WITH $v
  notEndsWith: ({ column, value }) => `NOT (right(${column}, length(${value()})) = ${value()})`,
  lt: ({ column, value }) => `${column} < ${value()}`,
  lte: ({ column, value }) => `${column} <= ${value()}`,
  gt: ({ column, value }) => `${column} > ${value()}`,
  gte: ({ column, value }) => `${column} >= ${value()}`,
  listEq: ({ column, list }) => `${column} = ${list()}`, // f = $list
  listNot: ({ column, list }) => `NOT (${column} = ${list()})`,
  includes: ({ column, value }) => `${column} @> ARRAY[${value()}]`, // $v IN f
  notIncludes: ({ column, value }) => `NOT (${column} @> ARRAY[${value()}])`,
};

/** Collects bound parameters and hands out table aliases while one statement is printed. */
export class SqlParameters {
  readonly values: unknown[] = [];
  private aliases = 0;

  bind(value: unknown, sqlType: string): string {
    this.values.push(value);
    return `$${this.values.length}::${sqlType}`;
  }

  alias(): string {
    return quoteIdentifier(`t${this.aliases++}`);
  }
}

function column(alias: string, field: ScalarFieldModel): string {
  return `${alias}.${quoteIdentifier(field.column)}`;
}

function idColumn(type: TypeModel): string {
  const id = type.fields.get('id');
  return quoteIdentifier(id?.kind === 'scalar' ? id.column : 'id');
}

function printPredicate(predicate: Predicate, alias: string, params: SqlParameters): string {
  const { field } = predicate;
  const sqlType = SQL_TYPES[field.scalar];
  let bound: string | undefined;
  const operands: OperatorOperands = {
    column: column(alias, field),
    value: () => (bound ??= params.bind('value' in predicate ? predicate.value : null, sqlType)),
    list: () => (bound ??= params.bind('values' in predicate ? [...predicate.values] : [], `${sqlType}[]`)),
  };
  return SQL_OPERATORS[predicate.operator](operands);
}

interface Scope {
  readonly model: StorageModel;
  readonly type: TypeModel;
  readonly alias: string;
  readonly params: SqlParameters;
}

/** `FROM child AS a WHERE a.fk = parent.id`, the correlation every relationship subquery starts from. */
function related(field: RelationFilter['field'], scope: Scope): { from: string; join: string; child: Scope } {
  const target = scope.model.types.get(field.target)!;
  const alias = scope.params.alias();
  return {
    from: `${quoteIdentifier(target.table)} AS ${alias}`,
    join: `${alias}.${quoteIdentifier(field.foreignKey)} = ${scope.alias}.${idColumn(scope.type)}`,
    child: { ...scope, type: target, alias },
  };
}

function printRelationExists(node: RelationExists, scope: Scope): string {
  const { from, join } = related(node.field, scope);
  return `${node.exists ? '' : 'NOT '}EXISTS (SELECT 1 FROM ${from} WHERE ${join})`;
}

function printRelation(node: RelationFilter, scope: Scope): string {
  switch (node.quantifier) {
    case 'some':
    case 'none': {
      const { from, join, child } = related(node.field, scope);
      const test = `EXISTS (SELECT 1 FROM ${from} WHERE ${join} AND ${printNode(node.filter, child)})`;
      return node.quantifier === 'some' ? test : `NOT ${test}`;
    }
    case 'all': {
      // Not vacuous: at least one related row for which the filter is true, and none for which it is false (a row
      // for which it is unknown counts neither way).
      const some = printRelation({ ...node, quantifier: 'some' }, scope);
      const { from, join, child } = related(node.field, scope);
      return `(${some} AND NOT EXISTS (SELECT 1 FROM ${from} WHERE ${join} AND NOT (${printNode(node.filter, child)})))`;
    }
    case 'single': {
      // Exactly one row for which the filter is true: count at most two.
      const { from, join, child } = related(node.field, scope);
      return `(SELECT count(*) FROM (SELECT 1 FROM ${from} WHERE ${join} AND ${printNode(node.filter, child)} LIMIT 2) AS single_match) = 1`;
    }
  }
}

/**
 * `EXISTS (… A) OR EXISTS (… B)` on the same relationship is `EXISTS (… A OR B)`: one subquery instead of several
 * (the seed check's shape). Only `_SOME` filters are merged; the order of the other pieces is kept.
 */
function mergeSomeFilters(filters: readonly FilterTree[]): FilterTree[] {
  const merged: FilterTree[] = [];
  const byField = new Map<string, { index: number; filters: FilterTree[] }>();
  for (const filter of filters) {
    if (filter.kind === 'relation' && filter.quantifier === 'some') {
      const group = byField.get(filter.field.name);
      if (group) {
        group.filters.push(filter.filter);
        continue;
      }
      byField.set(filter.field.name, { index: merged.length, filters: [filter.filter] });
    }
    merged.push(filter);
  }
  for (const group of byField.values()) {
    if (group.filters.length < 2) continue;
    const first = merged[group.index] as RelationFilter;
    merged[group.index] = { ...first, filter: { kind: 'or', filters: group.filters } };
  }
  return merged;
}

function printNode(node: FilterTree, scope: Scope): string {
  switch (node.kind) {
    case 'predicate':
      return printPredicate(node, scope.alias, scope.params);
    case 'relation':
      return printRelation(node, scope);
    case 'relationExists':
      return printRelationExists(node, scope);
    case 'not':
      return `NOT (${printNode(node.filter, scope)})`;
    case 'and':
      return `(${node.filters.map((filter) => printNode(filter, scope)).join(' AND ')})`;
    case 'or': {
      const filters = mergeSomeFilters(node.filters);
      if (filters.length === 1) return printNode(filters[0]!, scope);
      return `(${filters.map((filter) => printNode(filter, scope)).join(' OR ')})`;
    }
  }
}

/** A filter tree as a SQL condition on the row aliased `alias` (TRUE when there is no tree). */
export function printWhere(tree: FilterTree | null, model: StorageModel, type: TypeModel, alias: string, params: SqlParameters): string {
  return tree === null ? 'TRUE' : printNode(tree, { model, type, alias, params });
}

export interface CompiledQuery {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** One sort key of an API listing: a scalar, non-list field of the type and a direction. */
export interface SortKey {
  readonly field: string;
  readonly direction: 'ASC' | 'DESC';
}

export interface SelectOptions {
  /** GraphQL field names to return (stored scalars and JSON); each comes back under its field name. `id` always does. */
  readonly fields: readonly string[];
  /** Only the rows related to these parents through `foreignKey`, returned with the parent id as `__parent`. */
  readonly parents?: { readonly foreignKey: string; readonly ids: readonly string[] };
  /**
   * Sort keys before the id (the API's `sort`; checks never sort). Unknown, relation, JSON and list fields are
   * refused by the caller's schema; here they are skipped so no identifier outside the storage model is printed.
   */
  readonly order?: readonly SortKey[];
  /** At most this many rows (the API's `limit` / `first`), a bound parameter. */
  readonly limit?: number;
  /** Skip this many rows first (the API's `offset` / `after`), a bound parameter. */
  readonly offset?: number;
}

function sortColumns(type: TypeModel, alias: string, order: readonly SortKey[] | undefined): string[] {
  const columns: string[] = [];
  for (const key of order ?? []) {
    const field = type.fields.get(key.field);
    if (field?.kind !== 'scalar' || field.list || key.field === 'id') continue;
    // PostgreSQL puts nulls last ascending and first descending: the order Cypher gives them too
    columns.push(`${column(alias, field)} ${key.direction === 'DESC' ? 'DESC' : 'ASC'}`);
  }
  return columns;
}

/**
 * `SELECT <fields> FROM <table> WHERE <filter> ORDER BY [sort,] id [LIMIT n] [OFFSET m]`, one statement with bound
 * parameters. The id closes every order, so pages of a sorted listing never skip or repeat a row.
 */
export function compileSelect(model: StorageModel, type: TypeModel, tree: FilterTree | null, options: SelectOptions): CompiledQuery {
  const params = new SqlParameters();
  const alias = params.alias();
  const columns = new Map<string, string>();
  for (const name of ['id', ...options.fields]) {
    const field = type.fields.get(name);
    if (field && field.kind !== 'relation') columns.set(name, `${alias}.${quoteIdentifier(field.column)} AS ${quoteIdentifier(name)}`);
  }
  const conditions: string[] = [];
  const order: string[] = [];
  if (options.parents) {
    const foreignKey = `${alias}.${quoteIdentifier(options.parents.foreignKey)}`;
    columns.set('__parent', `${foreignKey} AS "__parent"`);
    conditions.push(`${foreignKey} = ANY(${params.bind([...options.parents.ids], 'text[]')})`);
    order.push(foreignKey);
  }
  if (tree !== null) conditions.push(printWhere(tree, model, type, alias, params));
  order.push(...sortColumns(type, alias, options.order), `${alias}.${idColumn(type)}`);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const limit = options.limit === undefined ? '' : ` LIMIT ${params.bind(options.limit, 'bigint')}`;
  const offset = options.offset === undefined ? '' : ` OFFSET ${params.bind(options.offset, 'bigint')}`;
  const sql = `SELECT ${[...columns.values()].join(', ')} FROM ${quoteIdentifier(type.table)} AS ${alias}${where} ORDER BY ${order.join(', ')}${limit}${offset}`;
  return { sql, params: params.values };
}

/** `SELECT count(*) FROM <table> WHERE <filter>`: the API's totalCount and aggregate count, on the same filter SQL. */
export function compileCount(model: StorageModel, type: TypeModel, tree: FilterTree | null): CompiledQuery {
  const params = new SqlParameters();
  const alias = params.alias();
  const where = tree === null ? '' : ` WHERE ${printWhere(tree, model, type, alias, params)}`;
  return { sql: `SELECT count(*)::integer AS "count" FROM ${quoteIdentifier(type.table)} AS ${alias}${where}`, params: params.values };
}
