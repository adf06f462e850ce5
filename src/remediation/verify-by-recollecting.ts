/**
 * Verification after a batch: collect the changed subscriptions again, normalise them exactly as a scan does,
 * and judge them with the control (in memory). A subscription that cannot be read is `error`, never a pass.
 */
import type { Capture } from '../core/inventory/capture.js';
import { normaliseCapture } from '../core/inventory/normalise-capture.js';
import { worseStatus } from '../core/engine/evaluate-check.js';
import type { Control } from '../core/model.js';
import { evaluateControlInMemory } from '../core/remediation/evaluate-control-in-memory.js';
import type { Verdict, VerifySubscriptions } from './apply-plan.js';

export function verifyByRecollecting(control: Control, collect: (subscriptionIds: readonly string[]) => Promise<Capture>): VerifySubscriptions {
  return async (subscriptionIds) => {
    const inventory = normaliseCapture(await collect(subscriptionIds), { invalidBodies: 'error' });
    const verdicts = new Map<string, Verdict>();
    for (const finding of evaluateControlInMemory(control, inventory)) {
      const previous = verdicts.get(finding.assetId);
      if (!previous || worseStatus(finding.status, previous.status) !== previous.status) {
        verdicts.set(finding.assetId, { status: finding.status, reason: finding.reason });
      }
    }
    return verdicts;
  };
}
