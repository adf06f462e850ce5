/**
 * The reference evaluator: the same filter tree evaluated over plain objects in memory. It is written for
 * obviousness, not speed, and is the oracle the SQL printer is property-tested against. Pure.
 *
 * A record's property is "missing" when it is undefined or null; the dialect treats both alike. Truth values are
 * three-valued (Kleene, as in the library's Cypher): a comparison with a missing property is unknown (null),
 * `NOT unknown` is unknown, and a record is selected only when its filter is true.
 */
import type { Inventory } from '../../model.js';
import type { FilterTree, Predicate } from '../filter-tree.js';
import type { RelationFieldModel, StorageModel, TypeModel } from '../inventory-schema.js';

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

/** true, false, or null for unknown. */
export type Truth = boolean | null;

function not(value: Truth): Truth {
  return value === null ? null : !value;
}

/** Kleene AND: false wins, then unknown. */
function and(values: readonly Truth[]): Truth {
  if (values.includes(false)) return false;
  return values.includes(null) ? null : true;
}

/** Kleene OR: true wins, then unknown. */
function or(values: readonly Truth[]): Truth {
  if (values.includes(true)) return true;
  return values.includes(null) ? null : false;
}

/** `x IN list`: true on a match; otherwise unknown when x is missing or the list holds a null; false for []. */
function isIn(value: unknown, list: readonly unknown[]): Truth {
  if (list.length === 0) return false;
  if (value === null || value === undefined) return null;
  if (list.includes(value)) return true;
  return list.includes(null) ? null : false;
}

function testPredicate(predicate: Predicate, value: unknown): Truth {
  const missing = value === null || value === undefined;
  switch (predicate.operator) {
    case 'isNull':
      return missing;
    case 'isNotNull':
      return !missing;
    case 'in':
      return isIn(value, predicate.values);
    case 'notIn':
      return not(isIn(value, predicate.values));
    case 'listEq':
    case 'listNot': {
      if (missing) return null;
      const list = value as readonly unknown[];
      const same = list.length === predicate.values.length && list.every((item, index) => item === predicate.values[index]);
      return predicate.operator === 'listEq' ? same : !same;
    }
  }
  if (missing) return null;
  const wanted = predicate.value;
  switch (predicate.operator) {
    case 'eq':
      return value === wanted;
    case 'not':
      return value !== wanted;
    case 'contains':
      return (value as string).includes(wanted as string);
    case 'notContains':
      return !(value as string).includes(wanted as string);
    case 'startsWith':
      return (value as string).startsWith(wanted as string);
    case 'notStartsWith':
      return !(value as string).startsWith(wanted as string);
    case 'endsWith':
      return (value as string).endsWith(wanted as string);
    case 'notEndsWith':
      return !(value as string).endsWith(wanted as string);
    case 'lt':
      return (value as number) < (wanted as number);
    case 'lte':
      return (value as number) <= (wanted as number);
    case 'gt':
      return (value as number) > (wanted as number);
    case 'gte':
      return (value as number) >= (wanted as number);
    case 'includes':
      return (value as readonly unknown[]).includes(wanted);
    case 'notIncludes':
      return !(value as readonly unknown[]).includes(wanted);
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

  /** The truth of `tree` for `row` (of `type`); a null tree is true. */
  truth(tree: FilterTree | null, row: Row, type: TypeModel): Truth {
    if (tree === null) return true;
    switch (tree.kind) {
      case 'and':
        return and(tree.filters.map((filter) => this.truth(filter, row, type)));
      case 'or':
        return or(tree.filters.map((filter) => this.truth(filter, row, type)));
      case 'not':
        return not(this.truth(tree.filter, row, type));
      case 'predicate':
        return testPredicate(tree, valueOf(row, type, tree.field.name));
      case 'relationExists':
        return this.children(tree.field, row, type).length > 0 === tree.exists;
      case 'relation': {
        const target = this.model.types.get(tree.field.target)!;
        const truths = this.children(tree.field, row, type).map((child) => this.truth(tree.filter, child, target));
        const count = (wanted: boolean): number => truths.filter((truth) => truth === wanted).length;
        switch (tree.quantifier) {
          case 'some':
            return count(true) > 0;
          case 'none':
            return count(true) === 0;
          case 'all':
            // the library's EXISTS { W } AND NOT EXISTS { NOT W }: unknown rows count neither way
            return count(true) > 0 && count(false) === 0;
          case 'single':
            return count(true) === 1;
        }
      }
    }
  }

  /** Whether `row` (of `type`) is selected by `tree`: its truth is true (not false, not unknown). */
  matches(tree: FilterTree | null, row: Row, type: TypeModel): boolean {
    return this.truth(tree, row, type) === true;
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
