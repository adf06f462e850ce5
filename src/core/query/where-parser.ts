/**
 * Phase one of the filter compiler: a coerced `where` value (as graphql-js hands it to a resolver, where an
 * explicit `null` is a present key and an omitted key is absent) becomes a typed filter tree. Pure.
 *
 * Empty pieces are dropped, not evaluated, exactly where @neo4j/graphql drops them: `{}`, `AND: []`, `OR: []`,
 * `NOT: {}`, `r_X: {}` add no condition and `OR: [{}, X]` is `X`. One wrinkle is the library's, kept: a
 * relationship filter that is not `{}` but holds only empty pieces (`r_SOME: { NOT: {} }`) still asks for a
 * related node under `_SOME` and for none under `_NONE`; under `_ALL` and `_SINGLE` it is dropped.
 * `r_ALL: null` and `r_SINGLE: null` are rejected (the library ignores them silently: ward's one deliberate
 * difference). The 4.x/5.x forms `r: null`, `r_NOT: null`, `r: W` and `r_NOT: W` are `_SOME` / `_NONE`.
 */
import { WardError } from '../errors.js';
import type { FilterTree, ScalarValue } from './filter-tree.js';
import type { RelationFieldModel, ScalarFieldModel, StorageModel, TypeModel } from './inventory-schema.js';
import { RELATION_SUFFIXES, suffixesFor, type RelationSuffix, type WhereSuffix } from './where-operators.js';
import { isObject } from '../is-object.js';

/** What one key of a `<Type>Where` is: a scalar field with an operator suffix, or a relation field with a quantifier. */
export type WhereKey =
  | { readonly kind: 'scalar'; readonly field: ScalarFieldModel; readonly entry: WhereSuffix }
  | { readonly kind: 'relation'; readonly field: RelationFieldModel; readonly relation: RelationSuffix };

const keyTables = new WeakMap<TypeModel, ReadonlyMap<string, WhereKey>>();

function whereKeys(type: TypeModel): ReadonlyMap<string, WhereKey> {
  let keys = keyTables.get(type);
  if (keys) return keys;
  const table = new Map<string, WhereKey>();
  for (const field of type.fields.values()) {
    if (field.kind === 'scalar') {
      for (const entry of suffixesFor(field.filter)) table.set(`${field.name}${entry.suffix}`, { kind: 'scalar', field, entry });
    } else if (field.kind === 'relation') {
      for (const relation of RELATION_SUFFIXES) table.set(`${field.name}${relation.suffix}`, { kind: 'relation', field, relation });
    }
  }
  keys = table;
  keyTables.set(type, keys);
  return keys;
}

/** The meaning of `key` in a `<Type>Where` of `type` (`securityContacts_NOT` → securityContacts, _NONE), if any. */
export function whereKey(type: TypeModel, key: string): WhereKey | undefined {
  return whereKeys(type).get(key);
}

function invalid(path: string, message: string, hint: string): WardError {
  return new WardError('QUERY_INVALID', `${path}: ${message}`, { hint, location: { field: path } });
}


function scalarValue(field: ScalarFieldModel, value: unknown, path: string): ScalarValue {
  const ok =
    field.scalar === 'Boolean'
      ? typeof value === 'boolean'
      : field.scalar === 'Int' || field.scalar === 'Float'
        ? typeof value === 'number' && Number.isFinite(value)
        : typeof value === 'string';
  if (!ok) throw invalid(path, `expected a ${field.scalar}, got ${JSON.stringify(value)}`, `give ${field.name} a ${field.scalar} value`);
  return value as ScalarValue;
}

function combine(kind: 'and' | 'or', filters: FilterTree[]): FilterTree | null {
  if (filters.length === 0) return null;
  if (filters.length === 1) return filters[0]!;
  return { kind, filters };
}

function parseKey(key: string, value: unknown, type: TypeModel, model: StorageModel, path: string, depth: number): FilterTree | null {
  if (key === 'AND' || key === 'OR') {
    if (value === null) return null;
    if (!Array.isArray(value)) throw invalid(path, `${key} takes a list of ${type.whereType}`, `write ${key}: [{ … }, { … }]`);
    const parts = value.map((item, index) => parseWhere(item, type, model, `${path}[${index}]`, depth + 1));
    return combine(key === 'AND' ? 'and' : 'or', parts.filter((part): part is FilterTree => part !== null));
  }
  if (key === 'NOT') {
    const inner = value === null ? null : parseWhere(value, type, model, path, depth + 1);
    return inner === null ? null : { kind: 'not', filter: inner };
  }
  const known = whereKeys(type).get(key);
  if (!known) {
    throw invalid(path, `${type.whereType} has no field "${key}"`, `the where fields of ${type.name} are listed by the ${type.whereType} input type`);
  }
  if (known.kind === 'relation') {
    const { field } = known;
    const { quantifier } = known.relation;
    if (value === null) {
      if (quantifier === 'some') return { kind: 'relationExists', field, exists: false };
      if (quantifier === 'none') return { kind: 'relationExists', field, exists: true };
      throw invalid(
        path,
        `null is not a filter here (the library would ignore it and match every ${type.name})`,
        `to match a ${type.name} without ${field.name} write ${field.name}_SOME: null; with at least one, ${field.name}_NONE: null; otherwise give ${key} a ${model.types.get(field.target)?.whereType ?? 'where'} object`,
      );
    }
    if (isObject(value) && Object.keys(value).length === 0) return null;
    const target = model.types.get(field.target)!;
    const inner = parseWhere(value, target, model, path, depth + 1);
    if (inner !== null) return { kind: 'relation', field, quantifier, filter: inner };
    // not `{}` but only empty pieces: the library still emits `EXISTS { MATCH related }` for SOME and NONE
    if (quantifier === 'some') return { kind: 'relationExists', field, exists: true };
    if (quantifier === 'none') return { kind: 'relationExists', field, exists: false };
    return null;
  }
  const { field, entry } = known;
  if (value === null) return { kind: 'predicate', field, operator: entry.whenNull };
  if (entry.input === 'value') return { kind: 'predicate', field, operator: entry.operator, value: scalarValue(field, value, path) };
  if (!Array.isArray(value)) throw invalid(path, `${key} takes a list`, `write ${key}: [ … ]`);
  // The list is kept as given: a null item of an `_IN` list makes the test unknown when nothing else matches.
  if (field.list && value.some((item) => item === null)) throw invalid(path, `${key} takes a list of non-null items`, `remove the null items`);
  const values = value.map((item, index) => (item === null ? null : scalarValue(field, item, `${path}[${index}]`)));
  return { kind: 'predicate', field, operator: entry.operator, values };
}

/**
 * Parses one `<Type>Where` value. Returns null when it adds no condition (undefined, null, `{}` or only
 * empty pieces). `path` names the argument in error messages.
 */
/** How deeply filters may nest (AND, OR, NOT and relationship filters each add a level). */
export const MAX_WHERE_DEPTH = 64;

export function parseWhere(where: unknown, type: TypeModel, model: StorageModel, path = 'where', depth = 0): FilterTree | null {
  if (where === undefined || where === null) return null;
  if (depth > MAX_WHERE_DEPTH) throw invalid(path, `the filter is nested deeper than ${MAX_WHERE_DEPTH} levels`, 'flatten nested AND/OR/NOT');
  if (!isObject(where)) throw invalid(path, `expected a ${type.whereType} object`, `write where: { … }`);
  const parts: FilterTree[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    const part = parseKey(key, value, type, model, `${path}.${key}`, depth);
    if (part !== null) parts.push(part);
  }
  return combine('and', parts);
}
