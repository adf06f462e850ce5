/**
 * Phase two of the filter compiler: a filter tree printed as parameterised SQL (PostgreSQL, the same text on
 * PGlite). Pure. Values are always bound parameters; identifiers come only from the storage model.
 *
 * SQL's three-valued logic never leaks: every predicate printed here is TRUE or FALSE, never NULL, so `NOT`
 * and `_NONE`/`_ALL` mean exactly "the inner filter does not match" (a missing or null property simply makes a
 * comparison false, as the dialect says).
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
  /** The placeholder of the predicate's list of values, as a typed array. */
  readonly list: () => string;
  /** How many values the list holds. */
  readonly listLength: number;
}

type OperatorPrinter = (operands: OperatorOperands) => string;

/** `column IS NOT NULL AND test`: false, never null, when the property is missing. */
function present(column: string, test: string): string {
  return `(${column} IS NOT NULL AND ${test})`;
}

/** THE operator table: every operator of the dialect and the SQL it prints. */
export const SQL_OPERATORS: Readonly<Record<ScalarOperator, OperatorPrinter>> = {
  isNull: ({ column }) => `${column} IS NULL`,
  isNotNull: ({ column }) => `${column} IS NOT NULL`,
  eq: ({ column, value }) => present(column, `${column} = ${value()}`),
  not: ({ column, value }) => present(column, `${column} <> ${value()}`),
  in: ({ column, list, listLength }) => (listLength === 0 ? 'FALSE' : present(column, `${column} = ANY(${list()})`)),
  notIn: ({ column, list, listLength }) => (listLength === 0 ? `${column} IS NOT NULL` : present(column, `${column} <> ALL(${list()})`)),
  contains: ({ column, value }) => present(column, `strpos(${column}, ${value()}) > 0`),
  notContains: ({ column, value }) => present(column, `strpos(${column}, ${value()}) = 0`),
  startsWith: ({ column, value }) => present(column, `starts_with(${column}, ${value()})`),
  notStartsWith: ({ column, value }) => present(column, `NOT starts_with(${column}, ${value()})`),
  endsWith: ({ column, value }) => present(column, `right(${column}, length(${value()})) = ${value()}`),
  notEndsWith: ({ column, value }) => present(column, `right(${column}, length(${value()})) <> ${value()}`),
  lt: ({ column, value }) => present(column, `${column} < ${value()}`),
  lte: ({ column, value }) => present(column, `${column} <= ${value()}`),
  gt: ({ column, value }) => present(column, `${column} > ${value()}`),
  gte: ({ column, value }) => present(column, `${column} >= ${value()}`),
  listEq: ({ column, list }) => present(column, `${column} = ${list()}`),
  listNot: ({ column, list }) => present(column, `${column} <> ${list()}`),
  includes: ({ column, value }) => present(column, `${column} @> ARRAY[${value()}]`),
  notIncludes: ({ column, value }) => present(column, `NOT (${column} @> ARRAY[${value()}])`),
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
    listLength: 'values' in predicate ? predicate.values.length : 0,
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
      // Not vacuous: at least one related row, and none that fails the filter.
      const any = printRelationExists({ kind: 'relationExists', field: node.field, exists: true }, scope);
      const { from, join, child } = related(node.field, scope);
      return `(${any} AND NOT EXISTS (SELECT 1 FROM ${from} WHERE ${join} AND NOT (${printNode(node.filter, child)})))`;
    }
    case 'single': {
      // Exactly one: count at most two matching rows.
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

export interface SelectOptions {
  /** GraphQL field names to return (stored scalars and JSON); each comes back under its field name. `id` always does. */
  readonly fields: readonly string[];
  /** Only the rows related to these parents through `foreignKey`, returned with the parent id as `__parent`. */
  readonly parents?: { readonly foreignKey: string; readonly ids: readonly string[] };
}

/** `SELECT <fields> FROM <table> WHERE <filter> ORDER BY id`, one statement with bound parameters. */
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
  order.push(`${alias}.${idColumn(type)}`);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const sql = `SELECT ${[...columns.values()].join(', ')} FROM ${quoteIdentifier(type.table)} AS ${alias}${where} ORDER BY ${order.join(', ')}`;
  return { sql, params: params.values };
}
