/**
 * The reference evaluator: the same filter tree evaluated over plain objects in memory. It is written for
 * obviousness, not speed, and is the oracle the SQL printer is property-tested against. Pure.
 *
 * A record's property is "missing" when it is undefined or null; the dialect treats both alike.
 */
import type { Inventory } from '../model.js';
import type { FilterTree, Predicate, ScalarValue } from './filter-tree.js';
import type { RelationFieldModel, StorageModel, TypeModel } from './inventory-schema.js';

type Row = Readonly<Record<string, unknown>>;

/** Fields the store keeps in columns of their own that the in-memory records hold in another form. */
const RECORD_FIELDS: Readonly<Record<string, (row: Row) => unknown>> = {
  'Connector.readErrorCode': (row) => (row.readError as { code?: unknown } | null | undefined)?.code,
  'Connector.readErrorMessage': (row) => (row.readError as { message?: unknown } | null | undefined)?.message,
};

/** The value of a field on a record; `type` and `provider` are implied by the record's type when absent. */
function valueOf(row: Row, type: TypeModel, field: string): unknown {
  const value = row[field] ?? RECORD_FIELDS[`${type.name}.${field}`]?.(row);
  if (value !== undefined) return value;
  if (field === 'type') return type.name;
  if (field === 'provider') return 'azure';
  return null;
}

function sameList(a: readonly unknown[], b: readonly ScalarValue[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

function testPredicate(predicate: Predicate, value: unknown): boolean {
  const exists = value !== null && value !== undefined;
  switch (predicate.operator) {
    case 'isNull':
      return !exists;
    case 'isNotNull':
      return exists;
    case 'in':
      return exists && predicate.values.includes(value as ScalarValue);
    case 'notIn':
      return exists && !predicate.values.includes(value as ScalarValue);
    case 'listEq':
      return Array.isArray(value) && sameList(value, predicate.values);
    case 'listNot':
      return Array.isArray(value) && !sameList(value, predicate.values);
  }
  const wanted = predicate.value;
  const text = typeof value === 'string' ? value : undefined;
  switch (predicate.operator) {
    case 'eq':
      return exists && value === wanted;
    case 'not':
      return exists && value !== wanted;
    case 'contains':
      return text !== undefined && text.includes(wanted as string);
    case 'notContains':
      return text !== undefined && !text.includes(wanted as string);
    case 'startsWith':
      return text !== undefined && text.startsWith(wanted as string);
    case 'notStartsWith':
      return text !== undefined && !text.startsWith(wanted as string);
    case 'endsWith':
      return text !== undefined && text.endsWith(wanted as string);
    case 'notEndsWith':
      return text !== undefined && !text.endsWith(wanted as string);
    case 'lt':
      return exists && (value as number) < (wanted as number);
    case 'lte':
      return exists && (value as number) <= (wanted as number);
    case 'gt':
      return exists && (value as number) > (wanted as number);
    case 'gte':
      return exists && (value as number) >= (wanted as number);
    case 'includes':
      return Array.isArray(value) && value.includes(wanted);
    case 'notIncludes':
      return Array.isArray(value) && !value.includes(wanted);
  }
}

/** Evaluates filter trees over one inventory; related rows are indexed by foreign key on first use. */
export class ReferenceEvaluator {
  private readonly indexes = new Map<string, Map<unknown, Row[]>>();

  constructor(
    private readonly inventory: Inventory,
    private readonly model: StorageModel,
  ) {}

  /** The records of a stored type: `inventory[<root field>]` (`connectors`, `securityContacts`). */
  rows(type: TypeModel): readonly Row[] {
    const rows = (this.inventory as unknown as Record<string, readonly Row[] | undefined>)[type.rootField];
    return rows ?? [];
  }

  private children(field: RelationFieldModel, parent: Row, parentType: TypeModel): readonly Row[] {
    const target = this.model.types.get(field.target)!;
    const key = `${target.name}.${field.foreignKey}`;
    let index = this.indexes.get(key);
    if (!index) {
      const fkField = [...target.fields.values()].find((f) => f.kind !== 'relation' && f.column === field.foreignKey);
      index = new Map();
      for (const row of this.rows(target)) {
        const fk = fkField ? valueOf(row, target, fkField.name) : undefined;
        const list = index.get(fk);
        if (list) list.push(row);
        else index.set(fk, [row]);
      }
      this.indexes.set(key, index);
    }
    return index.get(valueOf(parent, parentType, 'id')) ?? [];
  }

  /** Whether `row` (of `type`) matches `tree`; a null tree matches everything. */
  matches(tree: FilterTree | null, row: Row, type: TypeModel): boolean {
    if (tree === null) return true;
    switch (tree.kind) {
      case 'and':
        return tree.filters.every((filter) => this.matches(filter, row, type));
      case 'or':
        return tree.filters.some((filter) => this.matches(filter, row, type));
      case 'not':
        return !this.matches(tree.filter, row, type);
      case 'predicate':
        return testPredicate(tree, valueOf(row, type, tree.field.name));
      case 'relationExists':
        return this.children(tree.field, row, type).length > 0 === tree.exists;
      case 'relation': {
        const target = this.model.types.get(tree.field.target)!;
        const children = this.children(tree.field, row, type);
        const matching = children.filter((child) => this.matches(tree.filter, child, target)).length;
        switch (tree.quantifier) {
          case 'some':
            return matching > 0;
          case 'none':
            return matching === 0;
          case 'all':
            return children.length > 0 && matching === children.length;
          case 'single':
            return matching === 1;
        }
      }
    }
  }

  /** The records of `type` matching `tree`, ordered by id. */
  select(type: TypeModel, tree: FilterTree | null): Row[] {
    return this.rows(type)
      .filter((row) => this.matches(tree, row, type))
      .sort((a, b) => compareIds(String(valueOf(a, type, 'id')), String(valueOf(b, type, 'id'))));
  }
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The records of `type` in `inventory` that match `tree`, ordered by id. */
export function evaluateReference(inventory: Inventory, model: StorageModel, type: TypeModel, tree: FilterTree | null): Row[] {
  return new ReferenceEvaluator(inventory, model).select(type, tree);
}
