/**
 * Verification after a batch: collect the changed subscriptions again, normalise them exactly as a scan does, and
 * judge them with THE engine (evaluateInventory, the compiled SQL of `ward scan`). A subscription passes when
 * every control it was planned for passes and none that passed before fails (verify-plan.ts). A subscription that
 * cannot be read is `error`, never a pass.
 */
import type { Capture } from '../core/inventory/capture.js';
import { normaliseCapture } from '../core/inventory/normalise-capture.js';
import type { Control } from '../core/model.js';
import { judgeRemediatedSubscription } from '../core/remediation/verify-plan.js';
import { evaluateInventory } from '../scan/evaluate-inventory.js';
import type { Store } from '../store/sql-client.js';
import type { Verdict, VerifySubscriptions } from './apply-plan.js';

/**
 * @param controls the plan's controls, with the parameter values it was made with
 * @param store where the engine loads the re-collected inventory (rolled back); default an ephemeral PGlite per batch
 */
export function verifyByRecollecting(controls: readonly Control[], collect: (subscriptionIds: readonly string[]) => Promise<Capture>, store?: Store): VerifySubscriptions {
  return async (subscriptions) => {
    const inventory = normaliseCapture(await collect(subscriptions.map((subscription) => subscription.subscriptionId)), { invalidBodies: 'error' });
    const findings = await evaluateInventory(controls, inventory, store);
    const verdicts = new Map<string, Verdict>();
    for (const subscription of subscriptions) {
      const { status, reason } = judgeRemediatedSubscription(subscription, findings);
      verdicts.set(subscription.assetId, { status, reason });
    }
    return verdicts;
  };
}
