/**
 * Pieces of a `where` filter that the dialect drops without evaluating them (filter-dialect.md: "empty pieces
 * are dropped"): `securityContacts_SOME: {}`, `NOT: {}`, `OR: []`, `AND: []`, `where: {}`, and `{}` inside an OR.
 * Each makes a filter match more than it reads as: `NOT: {}` reads as "nothing" and matches everything, an
 * `OR: [{}, X]` is just `X`. They are legal (the library accepts them), so `ward controls validate` warns. Pure.
 */
import { Kind, parse, visit, type ObjectValueNode, type ValueNode } from 'graphql';

const RELATION_SUFFIX = /_(SOME|NONE|ALL|SINGLE)$/;

/** Whether a literal filter object adds no condition once empty pieces are dropped. */
function isEmptyFilter(node: ValueNode): boolean {
  if (node.kind !== Kind.OBJECT) return false;
  return node.fields.every((field) => isEmptyPiece(field.name.value, field.value));
}

function isEmptyPiece(key: string, value: ValueNode): boolean {
  if (key === 'AND' || key === 'OR') return value.kind === Kind.LIST && value.values.every(isEmptyFilter);
  if (key === 'NOT' || RELATION_SUFFIX.test(key)) return isEmptyFilter(value);
  return false;
}

function position(node: ValueNode): string {
  const token = node.loc?.startToken;
  return token ? `:${token.line}:${token.column}` : '';
}

function describe(key: string, value: ValueNode): string | undefined {
  if ((key === 'AND' || key === 'OR') && value.kind === Kind.LIST) {
    if (value.values.length === 0) return `${key}: [] adds no condition (the dialect drops it${key === 'OR' ? '; it does not mean "false"' : ''})`;
    if (key === 'OR' && value.values.some(isEmptyFilter) && !value.values.every(isEmptyFilter)) {
      return 'OR: [{}, …]: the empty alternative is dropped, so the OR means only its other alternatives (not "true")';
    }
    if (value.values.every(isEmptyFilter)) return `${key}: [{}…] holds only empty filters and adds no condition`;
    return undefined;
  }
  if (key === 'NOT' && isEmptyFilter(value)) return 'NOT: {} adds no condition (the dialect drops it; it does not mean "match nothing")';
  if (RELATION_SUFFIX.test(key) && isEmptyFilter(value)) return `${key}: {} adds no condition: it matches every node, with or without related nodes`;
  return undefined;
}

/** One line per dropped piece: `<source>:<line>:<column>: <what>`. A query that does not parse gives none (validation reports it). */
export function emptyFilterWarnings(query: string, source: string): string[] {
  let document;
  try {
    document = parse(query);
  } catch {
    return [];
  }
  const warnings: string[] = [];
  const visitObject = (node: ObjectValueNode): void => {
    for (const field of node.fields) {
      const message = describe(field.name.value, field.value);
      if (message) warnings.push(`${source}${position(field.value)}: ${message}`);
    }
  };
  visit(document, {
    Argument(node) {
      if (node.name.value !== 'where') return;
      if (node.value.kind === Kind.OBJECT && node.value.fields.length === 0) {
        warnings.push(`${source}${position(node.value)}: where: {} adds no condition: every node matches`);
        return;
      }
      visit(node.value, { ObjectValue: (object) => void visitObject(object) });
    },
  });
  return warnings;
}
