/**
 * Plain-language failure reasons of a check, declared in control.yaml next to the check:
 *
 *   reasons:
 *     - match: "{ securityContacts_SOME: null }"
 *       reason: no security contact
 *
 * One entry per alternative of the check's top-level `OR` (or one for the whole filter when it has no top-level
 * `OR`), each naming its alternative as written in the query. A reason may read a check variable (`$minimalSeverity`):
 * the value in force is put in its place. Pure: the query text is passed in.
 */
import { Kind, parse, parseValue, print, type ObjectValueNode, type ValueNode } from 'graphql';
import { WardError, type ErrorLocation } from '../errors.js';
import type { CheckReason, CheckVariable } from '../model.js';
import { REASON_VARIABLE } from './reason-with-values.js';

export type { CheckReason };

/** The `where` argument of the query's root field (or its alias), as written; undefined when it has none. */
export function whereOfQuery(query: string, rootField: string): ObjectValueNode | undefined {
  const document = parse(query);
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      if ((selection.alias?.value ?? selection.name.value) !== rootField) continue;
      const where = selection.arguments?.find((argument) => argument.name.value === 'where')?.value;
      return where?.kind === Kind.OBJECT ? where : undefined;
    }
  }
  return undefined;
}

/** The alternatives of a top-level `OR` (each as written), or the whole filter as the one alternative. */
export function alternativesOf(where: ObjectValueNode): ValueNode[] {
  const only = where.fields.length === 1 ? where.fields[0] : undefined;
  if (only?.name.value === 'OR' && only.value.kind === Kind.LIST) return [...only.value.values];
  return [where];
}

export interface DeclaredReason {
  readonly match: string;
  readonly reason: string;
}

/**
 * Matches the declared reasons to the check's alternatives, in the query's order. Refused, naming the field: a
 * `match` that is not valid GraphQL or names no alternative, an alternative named twice, an alternative without a
 * reason, a reason reading a variable the query does not declare.
 */
export function resolveCheckReasons(
  declared: readonly DeclaredReason[],
  query: string,
  rootField: string,
  variables: readonly CheckVariable[],
  locate: (index: number, field: 'match' | 'reason' | null) => ErrorLocation,
  checkFile: string,
): CheckReason[] {
  const where = whereOfQuery(query, rootField);
  if (!where) {
    throw new WardError('CONTROL_INVALID', `the check ${checkFile} has reasons but its ${rootField} has no where filter to explain`, { location: locate(0, null) });
  }
  const alternatives = alternativesOf(where).map((node) => print(node));
  const byAlternative = new Map<string, string>();
  declared.forEach((entry, index) => {
    let printed: string;
    try {
      printed = print(parseValue(entry.match));
    } catch (error) {
      throw new WardError('CONTROL_INVALID', `the reason's match is not a GraphQL value: ${(error as Error).message.split('\n')[0]}`, { location: locate(index, 'match') });
    }
    if (!alternatives.includes(printed)) {
      throw new WardError('CONTROL_INVALID', `the reason's match ${printed} is not an alternative of the check ${checkFile} (${alternatives.join(', ')})`, {
        location: locate(index, 'match'),
        hint: 'one reason per alternative of the top-level OR, written as in the query (or the whole filter when there is no top-level OR)',
      });
    }
    if (byAlternative.has(printed)) throw new WardError('CONTROL_INVALID', `the alternative ${printed} has two reasons`, { location: locate(index, 'match') });
    for (const [, name] of entry.reason.matchAll(REASON_VARIABLE)) {
      if (!variables.some((variable) => variable.name === name)) {
        throw new WardError('CONTROL_INVALID', `the reason reads $${name}, which the check ${checkFile} does not declare`, { location: locate(index, 'reason') });
      }
    }
    byAlternative.set(printed, entry.reason);
  });
  const missing = alternatives.filter((alternative) => !byAlternative.has(alternative));
  if (missing.length > 0) {
    throw new WardError('CONTROL_INVALID', `the check ${checkFile} has no reason for ${missing.join(', ')}`, {
      location: locate(0, null),
      hint: 'give every alternative of the top-level OR a reason',
    });
  }
  return alternatives.map((match) => ({ match, reason: byAlternative.get(match)! }));
}
