/**
 * The typed filter tree a `where` input parses into. Both the SQL printer and the reference evaluator read it.
 * Empty pieces never reach the tree: "no condition" is represented by the absence of a tree (null).
 */
import type { RelationFieldModel, ScalarFieldModel } from './inventory-schema.js';
import type { ListOperator, NullOperator, Quantifier, ValueOperator } from './where-operators.js';

export type ScalarValue = string | number | boolean;

/** `f IS NULL` / `f IS NOT NULL` (what any operator given `null` becomes). */
export interface NullPredicate {
  readonly kind: 'predicate';
  readonly field: ScalarFieldModel;
  readonly operator: NullOperator;
}

/** A comparison with one value. */
export interface ValuePredicate {
  readonly kind: 'predicate';
  readonly field: ScalarFieldModel;
  readonly operator: ValueOperator;
  readonly value: ScalarValue;
}

/**
 * `_IN` / `_NOT_IN` with the list as given (a null item is kept: `x IN [null]` is unknown, never true), or
 * list-field (in)equality (whose items are never null).
 */
export interface ListPredicate {
  readonly kind: 'predicate';
  readonly field: ScalarFieldModel;
  readonly operator: ListOperator;
  readonly values: readonly (ScalarValue | null)[];
}

export type Predicate = NullPredicate | ValuePredicate | ListPredicate;

/** `r_SOME/_NONE/_ALL/_SINGLE: W` with a non-empty W. */
export interface RelationFilter {
  readonly kind: 'relation';
  readonly field: RelationFieldModel;
  readonly quantifier: Quantifier;
  readonly filter: FilterTree;
}

/**
 * `r_SOME: null` (no related rows: `exists: false`) and `r_NONE: null` (at least one: `exists: true`); also what
 * `r_SOME` / `r_NONE` become when their filter is not `{}` but holds only empty pieces (`r_SOME: { NOT: {} }` is
 * "at least one related row", as the library compiles it).
 */
export interface RelationExists {
  readonly kind: 'relationExists';
  readonly field: RelationFieldModel;
  readonly exists: boolean;
}

export interface AndFilter {
  readonly kind: 'and';
  readonly filters: readonly FilterTree[];
}

export interface OrFilter {
  readonly kind: 'or';
  readonly filters: readonly FilterTree[];
}

export interface NotFilter {
  readonly kind: 'not';
  readonly filter: FilterTree;
}

export type FilterTree = Predicate | RelationFilter | RelationExists | AndFilter | OrFilter | NotFilter;
