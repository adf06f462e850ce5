/**
 * Evaluates a control's checks over an inventory held in memory, with no store: the stored GraphQL check runs
 * through graphql-js with resolvers backed by the reference evaluator (the oracle the SQL compiler is
 * property-tested against), then the engine's own evaluateCheck judges each asset. Pure and synchronous.
 *
 * A TEST ORACLE ONLY. Production code judges with one engine, the compiled SQL (src/scan/evaluate-inventory.ts);
 * remediation tests use this second, independent evaluation to cross-check what that engine says about a plan.
 */
import { execute, getNamedType, type GraphQLFieldResolver } from 'graphql';
import { coveredAssets } from '../../engine/covered-assets.js';
import { combineCheckFindings } from '../../engine/combine-check-findings.js';
import { evaluateCheck, type CheckOutcome } from '../../engine/evaluate-check.js';
import type { Control, Finding, Inventory } from '../../model.js';
import { validateCheckQuery } from '../../query/execute-query.js';
import { splitAssetIds } from '../../query/with-asset-id.js';
import { checkVariables } from '../../control/control-parameters.js';
import { buildInventorySchema, inventoryStorageModel, type StorageModel, type TypeModel } from '../../query/inventory-schema.js';
import { ReferenceEvaluator } from '../../query/test-support/reference-evaluator.js';
import { parseWhere } from '../../query/where-parser.js';

type Row = Readonly<Record<string, unknown>>;

interface Context {
  readonly evaluator: ReferenceEvaluator;
  readonly model: StorageModel;
}

const rowTypes = new WeakMap<Row, TypeModel>();

const resolver: GraphQLFieldResolver<unknown, Context> = (source, args, context, info) => {
  const { model, evaluator } = context;
  if (info.parentType === info.schema.getQueryType()) {
    const type = model.types.get(getNamedType(info.returnType).name)!;
    const rows = evaluator.select(type, parseWhere(args.where, type, model));
    for (const row of rows) rowTypes.set(row, type);
    return rows;
  }
  const row = source as Row;
  const parentType = rowTypes.get(row) ?? model.types.get(info.parentType.name);
  const field = parentType?.fields.get(info.fieldName);
  if (parentType && field?.kind === 'relation') {
    const target = model.types.get(field.target)!;
    const foreignKey = [...target.fields.values()].find((f) => f.kind !== 'relation' && f.column === field.foreignKey);
    const tree = parseWhere(args.where, target, model);
    const children = evaluator
      .rows(target)
      .filter((child) => foreignKey !== undefined && child[foreignKey.name] === row.id && evaluator.matches(tree, child, target));
    for (const child of children) rowTypes.set(child, target);
    return children;
  }
  const value = row[info.fieldName];
  if (value !== undefined) return value;
  if (info.fieldName === 'type') return parentType?.name ?? info.parentType.name;
  if (info.fieldName === 'provider') return 'azure';
  return null;
};

/** Runs one check's query over the inventory; an error of the query is an `error` outcome, never a pass. */
export function runCheckInMemory(query: string, source: string, rootField: string, inventory: Inventory, variables: Record<string, unknown> = {}): CheckOutcome {
  try {
    const validated = validateCheckQuery(query, source);
    const model = inventoryStorageModel();
    const result = execute({
      schema: buildInventorySchema(),
      document: validated.document,
      contextValue: { evaluator: new ReferenceEvaluator(inventory, model), model } satisfies Context,
      fieldResolver: resolver,
      variableValues: variables,
    });
    if (result instanceof Promise) return { ok: false, message: 'the check did not evaluate synchronously' };
    if (result.errors?.length) return { ok: false, message: result.errors.map((error) => error.message).join('; ') };
    const items = (result.data as Record<string, unknown> | null | undefined)?.[rootField];
    if (!Array.isArray(items)) return { ok: false, message: `the query returned no ${rootField} list` };
    return { ok: true, ...splitAssetIds(items) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** Every check of `control` judged on `inventory`: the same findings a scan would store. */
export function evaluateControlInMemory(control: Control, inventory: Inventory): Finding[] {
  return combineCheckFindings(
    control.checks.flatMap((check) =>
      evaluateCheck(control, check, coveredAssets(inventory, check.assetType), runCheckInMemory(check.query, check.file, check.rootField, inventory, checkVariables(control, check))),
    ),
  );
}
