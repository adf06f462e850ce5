/**
 * What `ward controls validate` warns about in a check's literal `where` filters: legal input that does not mean
 * what it reads as. Pure; the storage model is passed in.
 *
 * - Empty pieces the dialect drops (filter-dialect.md): `where: {}`, `NOT: {}`, `OR: []`, `AND: []`,
 *   `r_SOME: {}` and `{}` inside an OR. Each makes a filter match more than it reads: `NOT: {}` matches
 *   everything, `OR: [{}, X]` is just `X`.
 * - A relationship filter that holds only empty pieces but is not `{}` (`r_SOME: { NOT: {} }`): the library reads
 *   it as "has a related node" under `_SOME`, "has none" under `_NONE`, and drops it under `_ALL` / `_SINGLE`.
 * - The 4.x/5.x relationship forms `r: …` and `r_NOT: …` (deprecated there, removed in 6.x), with the modern
 *   spelling: `r_SOME` / `r_NONE`, null included.
 */
import { Kind, parse, valueFromASTUntyped, visit, type ObjectFieldNode, type ObjectValueNode, type ValueNode } from 'graphql';
import type { RelationFieldModel, StorageModel, TypeModel } from './inventory-schema.js';
import type { RelationSuffix } from './where-operators.js';
import { parseWhere, whereKey } from './where-parser.js';

function readsVariable(node: ValueNode): boolean {
  if (node.kind === Kind.VARIABLE) return true;
  if (node.kind === Kind.LIST) return node.values.some(readsVariable);
  return node.kind === Kind.OBJECT && node.fields.some((field) => readsVariable(field.value));
}

/**
 * Whether a literal filter object adds no condition: the where-parser itself says so (it drops empty pieces), so
 * the warnings cannot read the dialect differently from the engine. A filter that reads a variable, or that the
 * parser refuses (validation reports that), is not empty.
 */
function isEmptyFilter(node: ValueNode, type: TypeModel | undefined, model: StorageModel): boolean {
  if (node.kind !== Kind.OBJECT || !type || readsVariable(node)) return false;
  try {
    return parseWhere(valueFromASTUntyped(node), type, model) === null;
  } catch {
    return false;
  }
}

function relationKey(type: TypeModel | undefined, key: string): { field: RelationFieldModel; suffix: RelationSuffix } | undefined {
  const known = type ? whereKey(type, key) : undefined;
  return known?.kind === 'relation' ? { field: known.field, suffix: known.relation } : undefined;
}

function position(node: ValueNode): string {
  const token = node.loc?.startToken;
  return token ? `:${token.line}:${token.column}` : '';
}

function describeField(node: ObjectFieldNode, type: TypeModel | undefined, model: StorageModel): string[] {
  const key = node.name.value;
  const value = node.value;
  const messages: string[] = [];
  const empty = (item: ValueNode): boolean => isEmptyFilter(item, type, model);
  if ((key === 'AND' || key === 'OR') && value.kind === Kind.LIST) {
    if (value.values.length === 0) messages.push(`${key}: [] adds no condition (the dialect drops it${key === 'OR' ? '; it does not mean "false"' : ''})`);
    else if (key === 'OR' && value.values.some(empty) && !value.values.every(empty)) {
      messages.push('OR: [{}, …]: the empty alternative is dropped, so the OR means only its other alternatives (not "true")');
    } else if (value.values.every(empty)) messages.push(`${key}: [{}…] holds only empty filters and adds no condition`);
    return messages;
  }
  if (key === 'NOT') {
    if (empty(value)) messages.push('NOT: {} adds no condition (the dialect drops it; it does not mean "match nothing")');
    return messages;
  }
  const relation = relationKey(type, key);
  if (!relation) return messages;
  const { field, suffix } = relation;
  if (suffix.deprecatedFor) {
    const meaning = value.kind === Kind.NULL ? (suffix.quantifier === 'some' ? ' (no related nodes)' : ' (at least one related node)') : '';
    messages.push(`${key} is the @neo4j/graphql 4.x/5.x spelling, removed in 6.x: write ${field.name}${suffix.deprecatedFor}${value.kind === Kind.NULL ? ': null' : ''}${meaning}`);
  }
  if (value.kind === Kind.OBJECT) {
    const target = model.types.get(field.target);
    if (value.fields.length === 0) messages.push(`${key}: {} adds no condition: it matches every node, with or without related nodes`);
    else if (isEmptyFilter(value, target, model)) {
      messages.push(
        suffix.quantifier === 'some'
          ? `${key}: { … } holds only empty pieces, so it means only "has at least one ${field.name}" (write ${field.name}_NONE: null to say so)`
          : suffix.quantifier === 'none'
            ? `${key}: { … } holds only empty pieces, so it means only "has no ${field.name}" (write ${field.name}_SOME: null to say so)`
            : `${key}: { … } holds only empty pieces and adds no condition`,
      );
    }
  }
  return messages;
}

/** One line per warning: `<source>:<line>:<column>: <what>`. A query that does not parse gives none (validation reports it). */
export function filterWarnings(query: string, source: string, model: StorageModel): string[] {
  let document;
  try {
    document = parse(query);
  } catch {
    return [];
  }
  // a `where` argument filters the type of its field: a root field (`connectors`) or a relation field
  const filtered = new Map<string, TypeModel>();
  for (const type of model.types.values()) {
    filtered.set(type.rootField, type);
    for (const field of type.fields.values()) if (field.kind === 'relation') filtered.set(field.name, model.types.get(field.target)!);
  }
  const warnings: string[] = [];
  const walk = (node: ObjectValueNode, type: TypeModel | undefined): void => {
    for (const field of node.fields) {
      for (const message of describeField(field, type, model)) warnings.push(`${source}${position(field.value)}: ${message}`);
      const key = field.name.value;
      const inner = key === 'AND' || key === 'OR' || key === 'NOT' ? type : (() => {
        const relation = relationKey(type, key);
        return relation ? model.types.get(relation.field.target) : undefined;
      })();
      const values = field.value.kind === Kind.LIST ? field.value.values : [field.value];
      for (const value of values) if (value.kind === Kind.OBJECT && inner) walk(value, inner);
    }
  };
  visit(document, {
    Field(node) {
      const where = node.arguments?.find((argument) => argument.name.value === 'where');
      if (!where) return;
      if (where.value.kind === Kind.OBJECT && where.value.fields.length === 0) {
        warnings.push(`${source}${position(where.value)}: where: {} adds no condition: every node matches`);
        return;
      }
      if (where.value.kind === Kind.OBJECT) walk(where.value, filtered.get(node.name.value));
    },
  });
  return warnings;
}
