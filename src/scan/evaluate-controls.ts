/**
 * THE evaluation engine: every control's stored checks run as compiled SQL against an inventory in a store, and
 * are judged per asset. `ward scan`, remediation planning and verification, and `ward iac` all come here; the
 * in-memory reference evaluator is a test oracle only.
 */
import { checkVariables } from '../core/control/control-parameters.js';
import { coveredAssets } from '../core/engine/covered-assets.js';
import { combineCheckFindings } from '../core/engine/combine-check-findings.js';
import { evaluateCheck, INACTIVE_STATES, isPerAssetCheck, type CheckOutcome, type CoveredAsset } from '../core/engine/evaluate-check.js';
import { explainFailures } from '../core/engine/explain-failure.js';
import type { Check, Control, Finding, Inventory } from '../core/model.js';
import { executeRootIds, executeValidatedQuery, validateCheckQuery } from '../core/query/execute-query.js';
import { splitAssetIds } from '../core/query/with-asset-id.js';
import type { SqlClient } from '../core/sql-client.js';

async function runCheckQuery(client: SqlClient, check: Check, variables: Record<string, unknown>): Promise<CheckOutcome> {
  try {
    const validated = validateCheckQuery(check.query, check.file);
    // a per-asset check needs only which assets the root returns: its compiled SQL, without a GraphQL result
    if (isPerAssetCheck(check)) {
      const ids = await executeRootIds(client, validated, check.rootField, variables);
      if (ids !== undefined) return { ok: true, ids, items: ids };
    }
    const result = await executeValidatedQuery(client, validated, variables);
    if (result.errors?.length) return { ok: false, message: result.errors.map((e) => e.message).join('; ') };
    const items = (result.data as Record<string, unknown> | null | undefined)?.[check.rootField];
    if (!Array.isArray(items)) return { ok: false, message: `the query returned no ${check.rootField} list` };
    return { ok: true, ...splitAssetIds(items) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** The assets a per-asset check would mark failing: returned, active and readable. */
function failingIds(assets: readonly CoveredAsset[], outcome: CheckOutcome): string[] {
  if (!outcome.ok) return [];
  const returned = new Set(outcome.ids);
  return assets.filter((asset) => returned.has(asset.id) && !asset.readError && !(asset.state && INACTIVE_STATES.has(asset.state))).map((asset) => asset.id);
}

/**
 * Evaluates every control's checks on an inventory that is already in the store behind `client`: one finding per
 * (control, asset). `inventory` is the same data in memory, for the assets each check covers (read errors, states).
 */
export async function evaluateControls(client: SqlClient, controls: readonly Control[], inventory: Inventory): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const control of controls) {
    const perCheck: Finding[] = [];
    for (const check of control.checks) {
      const variables = checkVariables(control, check);
      const outcome = await runCheckQuery(client, check, variables);
      const assets = coveredAssets(inventory, check.assetType);
      const explanations = isPerAssetCheck(check) ? await explainFailures(client, check, variables, failingIds(assets, outcome)).catch(() => new Map<string, string>()) : new Map<string, string>();
      // no spread: a tenant of 200,000 subscriptions would overflow the call stack
      for (const finding of evaluateCheck(control, check, assets, outcome, (id) => explanations.get(id))) perCheck.push(finding);
    }
    for (const finding of combineCheckFindings(perCheck)) findings.push(finding);
  }
  return findings;
}
