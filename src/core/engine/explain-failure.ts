import { Kind, parse, print, valueFromASTUntyped, type ObjectValueNode, type ValueNode } from 'graphql';
import type { Check, Inventory } from '../model.js';
import { inventoryStorageModel, typeModel } from '../query/inventory-schema.js';
import { ReferenceEvaluator } from '../query/reference-evaluator.js';
import { parseWhere } from '../query/where-parser.js';

/** The `where` argument of the check's root field, as written. */
function whereOf(check: Check): ObjectValueNode | undefined {
  const document = parse(check.query);
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      if ((selection.alias?.value ?? selection.name.value) !== check.rootField) continue;
      const where = selection.arguments?.find((argument) => argument.name.value === 'where')?.value;
      return where?.kind === Kind.OBJECT ? where : undefined;
    }
  }
  return undefined;
}

/** The alternatives of a top-level `OR` (each printed back as written), or the whole filter. */
function alternativesOf(where: ObjectValueNode): ValueNode[] {
  const only = where.fields.length === 1 ? where.fields[0] : undefined;
  if (only?.name.value === 'OR' && only.value.kind === Kind.LIST) return [...only.value.values];
  return [where];
}

/**
 * Says which part of a check's filter an asset matched, so a failure reads
 * `matched { securityContacts_SOME: { email: "" } }` rather than only the check's name. Uses the reference
 * evaluator on the inventory already in memory: no extra queries. Returns undefined where it cannot tell.
 */
export function failureExplainer(check: Check, inventory: Inventory): (assetId: string) => string | undefined {
  let where: ObjectValueNode | undefined;
  try {
    where = whereOf(check);
  } catch {
    return () => undefined;
  }
  if (!where) return () => undefined;
  const model = inventoryStorageModel();
  const type = typeModel(model, check.assetType);
  const evaluator = new ReferenceEvaluator(inventory, model);
  const rows = new Map(evaluator.rows(type).map((row) => [String((row as Record<string, unknown>).id), row] as const));
  const alternatives = alternativesOf(where).map((node) => ({
    text: print(node),
    tree: parseWhere(valueFromASTUntyped(node), type, model),
  }));
  return (assetId) => {
    const row = rows.get(assetId);
    if (!row) return undefined;
    const matched = alternatives.filter((alternative) => evaluator.matches(alternative.tree, row, type)).map((a) => a.text);
    return matched.length > 0 ? `matched ${matched.join(' and ')}` : undefined;
  };
}
