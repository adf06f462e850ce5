/**
 * Says which part of a check's filter a failing asset matched, so a failure reads
 * `matched { securityContacts_SOME: { email: "" } }` rather than only the check's name. It runs on the same engine
 * as the check: each alternative of a top-level `OR` is compiled to SQL and asked for the failing ids only (one
 * indexed statement per alternative). A check with one alternative needs no query. The client is passed in.
 */
import { Kind, parse, print, valueFromASTUntyped, type ObjectValueNode, type ValueNode } from 'graphql';
import type { Check } from '../model.js';
import type { SqlClient } from '../sql-client.js';
import type { FilterTree } from '../query/filter-tree.js';
import { inventoryStorageModel, typeModel } from '../query/inventory-schema.js';
import { compileSelect } from '../query/sql-printer.js';
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

/** Asset id → `matched <alternative> and <alternative>`, for the failing ids; ids it cannot explain are absent. */
export async function explainFailures(
  client: SqlClient,
  check: Check,
  variables: Readonly<Record<string, unknown>>,
  failingIds: readonly string[],
): Promise<Map<string, string>> {
  const explained = new Map<string, string>();
  if (failingIds.length === 0) return explained;
  let where: ObjectValueNode | undefined;
  try {
    where = whereOf(check);
  } catch {
    return explained;
  }
  if (!where) return explained;
  // a filter that reads parameters says which values were in force: `… $minimalSeverity … (minimalSeverity = "High")`
  const bound = Object.entries(variables).map(([name, value]) => `${name} = ${JSON.stringify(value)}`);
  const withValues = (text: string): string => (bound.length > 0 && text.includes('$') ? `${text} (${bound.join(', ')})` : text);
  const alternatives = alternativesOf(where);
  if (alternatives.length === 1) {
    const text = `matched ${withValues(print(alternatives[0]!))}`;
    for (const id of failingIds) explained.set(id, text);
    return explained;
  }
  const model = inventoryStorageModel();
  const type = typeModel(model, check.assetType);
  const idField = type.fields.get('id');
  if (idField?.kind !== 'scalar') return explained;
  const matched = new Map<string, string[]>();
  for (const node of alternatives) {
    const text = withValues(print(node));
    const tree = parseWhere(valueFromASTUntyped(node, { ...variables }), type, model);
    const onlyFailing: FilterTree = { kind: 'predicate', field: idField, operator: 'in', values: [...failingIds] };
    const { sql, params } = compileSelect(model, type, tree === null ? onlyFailing : { kind: 'and', filters: [onlyFailing, tree] }, { fields: [] });
    const { rows } = await client.query<{ id: string }>(sql, params);
    for (const row of rows) {
      const list = matched.get(row.id);
      if (list) list.push(text);
      else matched.set(row.id, [text]);
    }
  }
  for (const [id, texts] of matched) explained.set(id, `matched ${texts.join(' and ')}`);
  return explained;
}
