/**
 * The `where` dialect's suffix operators (@neo4j/graphql 4.2–6.x): which suffixes exist for which kind of
 * field, what input they take, and which operator of the filter tree they become. The schema generator and the
 * where-parser both read this one table, so a suffix the schema offers is always one the parser understands.
 */

/** How a stored scalar field is filtered. */
export type FilterableKind = 'text' | 'number' | 'boolean' | 'list';

/** Operators of a predicate that compares the property with a value (or a list of values). */
export type ValueOperator =
  | 'eq'
  | 'not'
  | 'contains'
  | 'notContains'
  | 'startsWith'
  | 'notStartsWith'
  | 'endsWith'
  | 'notEndsWith'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'includes'
  | 'notIncludes';

/** Operators whose value is a list: membership (`_IN`) or whole-list equality on list fields. */
export type ListOperator = 'in' | 'notIn' | 'listEq' | 'listNot';

/** What any operator becomes when it is given `null`. */
export type NullOperator = 'isNull' | 'isNotNull';

export type ScalarOperator = ValueOperator | ListOperator | NullOperator;

interface WhereSuffixBase {
  /** Appended to the field name: `''` for plain equality, `_NOT`, `_IN`… */
  readonly suffix: string;
  readonly kinds: readonly FilterableKind[];
  /** The operator used when the input is `null`: `IS NULL`, or `IS NOT NULL` for the `_NOT` forms. */
  readonly whenNull: NullOperator;
}

/** `value`: the input is one scalar of the field's type; `list`: a list of them. */
export type WhereSuffix =
  | (WhereSuffixBase & { readonly input: 'value'; readonly operator: ValueOperator })
  | (WhereSuffixBase & { readonly input: 'list'; readonly operator: ListOperator });

const TEXT_AND_NUMBER: readonly FilterableKind[] = ['text', 'number'];

export const WHERE_SUFFIXES: readonly WhereSuffix[] = [
  { suffix: '', kinds: ['text', 'number', 'boolean'], input: 'value', operator: 'eq', whenNull: 'isNull' },
  { suffix: '_NOT', kinds: ['text', 'number', 'boolean'], input: 'value', operator: 'not', whenNull: 'isNotNull' },
  { suffix: '_IN', kinds: TEXT_AND_NUMBER, input: 'list', operator: 'in', whenNull: 'isNull' },
  { suffix: '_NOT_IN', kinds: TEXT_AND_NUMBER, input: 'list', operator: 'notIn', whenNull: 'isNotNull' },
  { suffix: '_CONTAINS', kinds: ['text'], input: 'value', operator: 'contains', whenNull: 'isNull' },
  { suffix: '_NOT_CONTAINS', kinds: ['text'], input: 'value', operator: 'notContains', whenNull: 'isNotNull' },
  { suffix: '_STARTS_WITH', kinds: ['text'], input: 'value', operator: 'startsWith', whenNull: 'isNull' },
  { suffix: '_NOT_STARTS_WITH', kinds: ['text'], input: 'value', operator: 'notStartsWith', whenNull: 'isNotNull' },
  { suffix: '_ENDS_WITH', kinds: ['text'], input: 'value', operator: 'endsWith', whenNull: 'isNull' },
  { suffix: '_NOT_ENDS_WITH', kinds: ['text'], input: 'value', operator: 'notEndsWith', whenNull: 'isNotNull' },
  { suffix: '_LT', kinds: ['number'], input: 'value', operator: 'lt', whenNull: 'isNull' },
  { suffix: '_LTE', kinds: ['number'], input: 'value', operator: 'lte', whenNull: 'isNull' },
  { suffix: '_GT', kinds: ['number'], input: 'value', operator: 'gt', whenNull: 'isNull' },
  { suffix: '_GTE', kinds: ['number'], input: 'value', operator: 'gte', whenNull: 'isNull' },
  { suffix: '', kinds: ['list'], input: 'list', operator: 'listEq', whenNull: 'isNull' },
  { suffix: '_NOT', kinds: ['list'], input: 'list', operator: 'listNot', whenNull: 'isNotNull' },
  { suffix: '_INCLUDES', kinds: ['list'], input: 'value', operator: 'includes', whenNull: 'isNull' },
  { suffix: '_NOT_INCLUDES', kinds: ['list'], input: 'value', operator: 'notIncludes', whenNull: 'isNotNull' },
];

/** The relationship quantifiers, by suffix. */
export type Quantifier = 'some' | 'none' | 'all' | 'single';

export interface RelationSuffix {
  readonly suffix: string;
  readonly quantifier: Quantifier;
  /**
   * The 4.x/5.x spellings (deprecated there, removed in 6.x): `r` is `r_SOME` and `r_NOT` is `r_NONE`, null
   * included (`r: null` = no related nodes, `r_NOT: null` = some). Accepted, with this modern suffix offered.
   */
  readonly deprecatedFor?: string;
}

export const RELATION_SUFFIXES: readonly RelationSuffix[] = [
  { suffix: '_SOME', quantifier: 'some' },
  { suffix: '_NONE', quantifier: 'none' },
  { suffix: '_ALL', quantifier: 'all' },
  { suffix: '_SINGLE', quantifier: 'single' },
  { suffix: '', quantifier: 'some', deprecatedFor: '_SOME' },
  { suffix: '_NOT', quantifier: 'none', deprecatedFor: '_NONE' },
];

export function suffixesFor(kind: FilterableKind): readonly WhereSuffix[] {
  return WHERE_SUFFIXES.filter((entry) => entry.kinds.includes(kind));
}
