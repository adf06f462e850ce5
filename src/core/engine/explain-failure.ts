/**
 * Says why a failing asset fails, in the words of control.yaml (`no security contact`), and which part of the
 * check's filter it matched (`{securityContacts_SOME: null}`), for machines. It runs on the same engine as the
 * check: each alternative of a top-level `OR` is compiled to SQL and asked for the failing ids only (one indexed
 * statement per alternative). A check with one alternative needs no query. The client is passed in.
 *
 * A finding's reason carries both in one text, so that every store and every report keeps them:
 * `no security contact; the address is empty (matched ["check: {securityContacts_SOME: null}", …])`.
 * `formatFailureReason` writes it and `splitFailureReason` reads it back (failure-reason.ts, which reports load
 * without this module's GraphQL); reports for people show the first part, JSON shows both. Between this module and
 * combine-check-findings.ts an explanation travels as `EXPLANATION_MARK` + JSON (evaluate-check puts the check's
 * name in front of it; combining takes it off).
 */
import { print, valueFromASTUntyped } from 'graphql';
import type { Check } from '../model.js';
import type { SqlClient } from '../sql-client.js';
import { alternativesOf, whereOfQuery } from '../control/check-reasons.js';
import { reasonWithValues } from '../control/reason-with-values.js';
import type { FilterTree } from '../query/filter-tree.js';
import { inventoryStorageModel, typeModel } from '../query/inventory-schema.js';
import { compileSelect } from '../query/sql-printer.js';
import { parseWhere } from '../query/where-parser.js';

/** Why one check failed an asset: plain reasons (one per matched alternative) and the alternatives as written. */
export interface FailureExplanation {
  readonly reasons: readonly string[];
  /** The matched alternatives, printed, with the values of the variables they read. */
  readonly matched: readonly string[];
}

/** Starts an encoded explanation inside a per-check finding's reason (never in a combined finding). */
export const EXPLANATION_MARK = '\u001f';

export function encodeExplanation(explanation: FailureExplanation): string {
  return `${EXPLANATION_MARK}${JSON.stringify(explanation)}`;
}

/** The explanation a per-check failure carries, or undefined when it carries none (its reason is then the check's name). */
export function decodeExplanation(reason: string): FailureExplanation | undefined {
  const at = reason.lastIndexOf(EXPLANATION_MARK);
  if (at < 0) return undefined;
  try {
    const value = JSON.parse(reason.slice(at + 1)) as FailureExplanation;
    return Array.isArray(value.reasons) && Array.isArray(value.matched) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Asset id → its encoded explanation, for the failing ids; ids it cannot explain are absent (their failure then reads
 * the check's name). Without reasons in control.yaml, the plain reason of an alternative is the check's name.
 */
export async function explainFailures(
  client: SqlClient,
  check: Check,
  variables: Readonly<Record<string, unknown>>,
  failingIds: readonly string[],
): Promise<Map<string, string>> {
  const explained = new Map<string, string>();
  if (failingIds.length === 0) return explained;
  let where;
  try {
    where = whereOfQuery(check.query, check.rootField);
  } catch {
    return explained;
  }
  if (!where) return explained;
  // a filter that reads parameters says which values were in force: `… $minimalSeverity … (minimalSeverity = "High")`
  const bound = Object.entries(variables).map(([name, value]) => `${name} = ${JSON.stringify(value)}`);
  const withValues = (text: string): string => (bound.length > 0 && text.includes('$') ? `${text} (${bound.join(', ')})` : text);
  const alternatives = alternativesOf(where).map((node, index) => ({
    node,
    matched: withValues(print(node)),
    reason: reasonWithValues(check.reasons?.[index]?.reason ?? check.name, variables),
  }));
  const explanation = (matches: readonly (typeof alternatives)[number][]): string =>
    encodeExplanation({ reasons: matches.map((m) => m.reason), matched: matches.map((m) => m.matched) });
  if (alternatives.length === 1) {
    const text = explanation(alternatives);
    for (const id of failingIds) explained.set(id, text);
    return explained;
  }
  const model = inventoryStorageModel();
  const type = typeModel(model, check.assetType);
  const idField = type.fields.get('id');
  if (idField?.kind !== 'scalar') return explained;
  const matched = new Map<string, (typeof alternatives)[number][]>();
  for (const alternative of alternatives) {
    const tree = parseWhere(valueFromASTUntyped(alternative.node, { ...variables }), type, model);
    const onlyFailing: FilterTree = { kind: 'predicate', field: idField, operator: 'in', values: [...failingIds] };
    const { sql, params } = compileSelect(model, type, tree === null ? onlyFailing : { kind: 'and', filters: [onlyFailing, tree] }, { fields: [] });
    const { rows } = await client.query<{ id: string }>(sql, params);
    for (const row of rows) {
      const list = matched.get(row.id);
      if (list) list.push(alternative);
      else matched.set(row.id, [alternative]);
    }
  }
  for (const [id, matches] of matched) explained.set(id, explanation(matches));
  return explained;
}
