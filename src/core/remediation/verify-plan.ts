/**
 * Judging a plan by its outcome. Pure: the findings come from the engine (evaluateInventory) run on the inventory
 * the plan's simulation produced, or on the subscriptions re-collected after applying it.
 *
 * A remediated subscription passes when every control it was planned for passes, and every selected control that
 * passed before still does (a fix for one control must not break another). Controls it failed under an exception
 * are not touched by the plan and are not judged.
 */
import type { Finding, FindingStatus } from '../model.js';
import { worseStatus } from '../engine/evaluate-check.js';
import { findingsByKey, verdictOf, type DraftRemediationPlan, type DraftSubscription, type PlannedSubscription, type RemediationPlan } from './plan-remediation.js';

export interface RemediatedVerdict {
  readonly status: FindingStatus;
  readonly reason: string;
  /** Every selected control's verdict afterwards. */
  readonly statuses: Readonly<Record<string, FindingStatus>>;
}

export function judgeRemediatedSubscription(
  subscription: Pick<DraftSubscription, 'assetId' | 'controlIds' | 'statuses'>,
  findings: readonly Finding[] | ReadonlyMap<string, Finding>,
): RemediatedVerdict {
  const byKey = findings instanceof Map ? findings : findingsByKey(findings as readonly Finding[]);
  const controls = Object.keys(subscription.statuses);
  const statuses = Object.fromEntries(controls.map((id) => [id, verdictOf(byKey, id, subscription.assetId).status]));
  const judged = controls.filter((id) => subscription.controlIds.includes(id) || subscription.statuses[id] === 'pass');
  let status: FindingStatus = 'pass';
  const reasons: string[] = [];
  for (const id of judged) {
    const verdict = verdictOf(byKey, id, subscription.assetId);
    status = worseStatus(verdict.status, status);
    if (verdict.status !== 'pass') reasons.push(`${id}: ${verdict.status}, ${verdict.reason}${subscription.controlIds.includes(id) ? '' : ' (it passed before)'}`);
  }
  return { status, reason: reasons.join('; '), statuses };
}

/** The draft with every subscription's simulated verdict. */
export function verifyPlan(draft: DraftRemediationPlan, simulatedFindings: readonly Finding[]): RemediationPlan {
  const byKey = findingsByKey(simulatedFindings);
  const subscriptions: PlannedSubscription[] = draft.subscriptions.map((subscription) => {
    const verdict = judgeRemediatedSubscription(subscription, byKey);
    return {
      ...subscription,
      verifiedStatus: verdict.status,
      verifiedStatuses: verdict.statuses,
      verification:
        verdict.status === 'pass'
          ? `simulated: ${subscription.controlIds.join(', ')} pass${subscription.controlIds.length === 1 ? 'es' : ''} once these requests are applied`
          : `simulated: would still report ${verdict.status} after these requests: ${verdict.reason}`,
    };
  });
  return { ...draft, subscriptions, unresolved: subscriptions.filter((subscription) => subscription.verifiedStatus !== 'pass') };
}
