/**
 * A remediation plan as `ward remediate` shows it: judged by THE engine (evaluateInventory, the compiled SQL a
 * scan runs) before and after. The engine's findings on the inventory decide what is planned (after the scan's
 * exception rule); the plan's requests are simulated on the inventory through the collector's own normalisation
 * (simulate-actions.ts); the engine judges the simulated inventory; only then is the plan returned, each
 * subscription with its verified verdict. I/O: the engine's store, opened here when none is given.
 */
import { applyExceptions } from '../core/engine/apply-exceptions.js';
import { planRemediation, type PlanInput, type RemediationPlan } from '../core/remediation/plan-remediation.js';
import { plannersFor } from '../core/remediation/remediation-planners.js';
import { simulateActions } from '../core/remediation/simulate-actions.js';
import { verifyPlan } from '../core/remediation/verify-plan.js';
import { evaluateInventory } from '../scan/evaluate-inventory.js';
import { openEphemeralStore } from '../store/open-ephemeral-store.js';
import type { Store } from '../store/sql-client.js';

export interface VerifiedPlanInput extends Omit<PlanInput, 'findings'> {
  /** Where the engine loads the inventories it judges (rolled back after each evaluation); default an ephemeral PGlite. */
  readonly store?: Store;
}

export async function planVerifiedRemediation(input: VerifiedPlanInput): Promise<RemediationPlan> {
  plannersFor(input.controls); // a control without a planner is refused before anything runs
  const store = input.store ?? (await openEphemeralStore());
  try {
    const findings = await evaluateInventory(input.controls, input.inventory, store);
    const draft = planRemediation({ ...input, findings });
    const simulated = simulateActions(input.inventory, draft.actions);
    const after = draft.subscriptions.length > 0 ? await evaluateInventory(input.controls, simulated, store) : [];
    return verifyPlan(draft, applyExceptions(after, input.exceptions ?? [], input.now ?? new Date(0)));
  } finally {
    if (!input.store) await store.close();
  }
}
