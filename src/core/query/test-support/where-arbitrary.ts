/**
 * fast-check arbitraries for the property tests: random rows of a storage model's types (every field randomly
 * missing, null, empty or a value from a small shared pool, so the same value turns up in several places) and
 * random `where` inputs over every operator the model offers, depth-limited.
 */
import fc from 'fast-check';
import type { ScalarFieldModel, ScalarTypeName, StorageModel, TypeModel } from '../inventory-schema.js';
import { RELATION_SUFFIXES, suffixesFor } from '../where-operators.js';

export const TEXT_POOL = ['', 'a', 'ab', 'b', 'A', 'a@x.io', 'x.io'] as const;

const POOLS: Readonly<Record<ScalarTypeName, readonly (string | number | boolean)[]>> = {
  String: TEXT_POOL,
  ID: TEXT_POOL,
  Int: [-1, 0, 1, 2],
  Float: [-1.5, 0, 0.5, 2],
  Boolean: [true, false],
};

function poolValue(field: ScalarFieldModel): fc.Arbitrary<string | number | boolean> {
  return fc.constantFrom(...POOLS[field.scalar]);
}

/** A random value for a stored field: missing (undefined), null, or from the pool (a list for list fields). */
export function fieldValueArbitrary(field: ScalarFieldModel, options: { nullable: boolean }): fc.Arbitrary<unknown> {
  const value = field.list ? fc.array(poolValue(field), { maxLength: 3 }) : poolValue(field);
  return options.nullable ? fc.oneof(fc.constant(undefined), fc.constant(null), value, value) : value;
}

type Where = Record<string, unknown>;

function scalarLeaf(type: TypeModel): fc.Arbitrary<Where> {
  const fields = [...type.fields.values()].filter((f): f is ScalarFieldModel => f.kind === 'scalar');
  return fc.constantFrom(...fields).chain((field) =>
    fc.constantFrom(...suffixesFor(field.filter)).chain((entry) => {
      const item = poolValue(field);
      const input =
        entry.input === 'value'
          ? item
          : field.list
            ? fc.array(item, { maxLength: 3 })
            : fc.array(fc.oneof(item, item, fc.constant(null)), { maxLength: 3 });
      return fc.oneof({ arbitrary: input, weight: 4 }, { arbitrary: fc.constant(null), weight: 1 }).map((value) => ({ [`${field.name}${entry.suffix}`]: value }));
    }),
  );
}

/** Random `<Type>Where` values: every operator, AND/OR/NOT, empty pieces and relationship quantifiers. */
export function whereArbitrary(model: StorageModel, type: TypeModel, depth: number): fc.Arbitrary<Where> {
  const leaves: fc.Arbitrary<Where>[] = [scalarLeaf(type), scalarLeaf(type), scalarLeaf(type), fc.constant({})];
  const relations = [...type.fields.values()].filter((f) => f.kind === 'relation');
  for (const relation of relations) {
    // `_SOME: null`, `_NONE: null` and the 4.x/5.x `r: null`, `r_NOT: null` are filters; `_ALL: null` and
    // `_SINGLE: null` are rejected, so never generated.
    leaves.push(fc.constantFrom(...['_SOME', '_NONE', '', '_NOT'].map((suffix) => ({ [`${relation.name}${suffix}`]: null }))));
  }
  if (depth <= 0) return fc.oneof(...leaves);
  const inner = whereArbitrary(model, type, depth - 1);
  const branches: fc.Arbitrary<Where>[] = [
    fc.array(inner, { maxLength: 3 }).map((items) => ({ AND: items })),
    fc.array(inner, { maxLength: 3 }).map((items) => ({ OR: items })),
    inner.map((item) => ({ NOT: item })),
    inner.map((item) => ({ NOT: item })),
    fc.tuple(inner, inner).map(([a, b]) => ({ ...a, ...b })),
  ];
  for (const relation of relations) {
    if (relation.kind !== 'relation') continue;
    const target = model.types.get(relation.target)!;
    const sub = whereArbitrary(model, target, depth - 1);
    branches.push(fc.tuple(fc.constantFrom(...RELATION_SUFFIXES), sub).map(([{ suffix }, where]) => ({ [`${relation.name}${suffix}`]: where })));
  }
  return fc.oneof({ arbitrary: fc.oneof(...leaves), weight: 2 }, { arbitrary: fc.oneof(...branches), weight: 3 });
}
