/**
 * Carries out a batched remediation plan against ARM. I/O at this edge only: the transport, the store, the clock
 * and the verification are passed in.
 *
 * For every request: GET the contact first (the before-state, or "absent" on 404) and refuse to write over a
 * contact that changed since the plan in a way the plan would lose (an address the body does not keep); store the
 * before-state; then PUT or DELETE; store the answer. After each batch the changed subscriptions are re-collected
 * and re-evaluated by `verify` (the engine, on every control the plan fixes there); if any of them does not pass, the
 * run STOPS there (later batches untouched). The run records the plan's control ids joined by "," as its control.
 * `ward remediate rollback RUN_ID` restores what the store recorded.
 */
import { WardError } from '../core/errors.js';
import { splitEmailAddresses } from '../core/email-addresses.js';
import type { FindingStatus } from '../core/model.js';
import type { BatchedPlan } from '../core/remediation/batch-plan.js';
import type { PlannedAction, PlannedSubscription, RemediationPlan } from '../core/remediation/plan-remediation.js';
import type { SqlClient } from '../store/sql-client.js';
import type { ArmAnswer, ArmTransport } from './arm-transport.js';
import { createRun, finishRun, insertChange, updateChange } from './remediation-repository.js';
import { armErrorText, writeError } from './write-errors.js';

export interface Verdict {
  readonly status: FindingStatus;
  readonly reason: string;
}

/** Re-collects the given planned subscriptions and judges each by the controls it was planned for: asset id → verdict. */
export type VerifySubscriptions = (subscriptions: readonly PlannedSubscription[]) => Promise<ReadonlyMap<string, Verdict>>;

export interface ApplyPlanOptions {
  readonly store: SqlClient;
  readonly transport: ArmTransport;
  readonly plan: RemediationPlan;
  readonly batched: BatchedPlan;
  readonly verify: VerifySubscriptions;
  readonly now: () => Date;
  readonly log?: (line: string) => void;
  /** Recorded with the run (flags), for the audit trail. */
  readonly runOptions?: Record<string, unknown>;
}

export interface BatchOutcome {
  readonly batch: number;
  readonly subscriptions: readonly string[];
  readonly verdicts: Readonly<Record<string, Verdict>>;
}

export interface ApplyResult {
  readonly runId: number;
  readonly status: 'complete' | 'stopped';
  readonly applied: number;
  readonly batches: readonly BatchOutcome[];
  /** Subscriptions that did not pass verification (the reason the run stopped). */
  readonly failedVerification: readonly { readonly assetId: string; readonly verdict: Verdict }[];
  readonly message: string;
}

const isSuccess = (answer: ArmAnswer): boolean => answer.status >= 200 && answer.status < 300;

/** The entries of a contact's address field, whatever its api-version shape (`emails` or 2017 `email`). */
function addressesOf(resource: unknown): string[] {
  if (resource === 'absent' || typeof resource !== 'object' || resource === null) return [];
  const properties = (resource as { properties?: Record<string, unknown> }).properties ?? {};
  return splitEmailAddresses(typeof properties.emails === 'string' ? properties.emails : typeof properties.email === 'string' ? properties.email : null);
}

/**
 * What the live contact gained since the plan was made that the planned request would lose, if anything. Entries
 * the plan saw and drops on purpose (malformed ones the control fails on) are not a drift.
 */
function driftOf(action: PlannedAction, current: unknown): string | null {
  if (current === 'absent') return null;
  const seen = new Set(addressesOf(action.before).map((address) => address.toLowerCase()));
  const gained = addressesOf(current).filter((address) => !seen.has(address.toLowerCase()));
  if (action.method === 'DELETE') {
    return gained.length > 0 ? `contact ${action.contactName} now holds ${gained.join(', ')}: deleting it would lose them` : null;
  }
  const planned = new Set(addressesOf(action.body).map((address) => address.toLowerCase()));
  const lost = gained.filter((address) => !planned.has(address.toLowerCase()));
  return lost.length > 0 ? `contact ${action.contactName} changed since the plan: ${lost.join(', ')} would be lost` : null;
}

export async function applyPlan(options: ApplyPlanOptions): Promise<ApplyResult> {
  const { store, transport, plan, batched, verify, now } = options;
  const log = options.log ?? (() => undefined);
  if (plan.unresolved.length > 0) {
    throw new WardError('REMEDIATION_INVALID', `the plan would leave ${plan.unresolved.length} subscription(s) failing: ${plan.unresolved.map((s) => s.assetId).join(', ')}`, {
      hint: 'run without --apply to see why; nothing was changed',
    });
  }
  const runId = await createRun(store, {
    controlId: plan.controlId,
    startedAt: now(),
    armEndpoint: transport.armEndpoint,
    addresses: plan.addresses,
    options: options.runOptions ?? {},
  });
  const rollbackHint = `ward remediate rollback ${runId} restores what this run changed`;
  let seq = 0;
  let applied = 0;
  const outcomes: BatchOutcome[] = [];
  const fail = async (error: WardError): Promise<never> => {
    await finishRun(store, runId, 'failed', now(), error.message);
    throw error;
  };

  for (const [index, batch] of batched.batches.entries()) {
    const number = index + 1;
    log(`batch ${number}/${batched.batches.length}: ${batch.length} subscription(s)`);
    for (const subscription of batch) {
      for (const action of subscription.actions) {
        seq += 1;
        const what = `${action.method} ${action.contactName} on subscription ${action.subscriptionId}`;
        let current: ArmAnswer;
        try {
          current = await transport.request('GET', action.path);
        } catch (error) {
          return fail(new WardError('AZURE_ERROR', `${what}: could not read the contact first: ${(error as Error).message}`, { hint: rollbackHint }));
        }
        if (current.status !== 404 && !isSuccess(current)) {
          return fail(new WardError('AZURE_ERROR', `${what}: could not read the contact first: ${armErrorText(current)}`, { hint: rollbackHint }));
        }
        const before = current.status === 404 ? 'absent' : current.body;
        const drift = driftOf(action, before);
        if (drift) {
          return fail(new WardError('REMEDIATION_INVALID', `${what}: ${drift}`, { hint: `plan again (nothing of this request was written); ${rollbackHint}` }));
        }
        await insertChange(store, {
          runId,
          seq,
          batch: number,
          assetId: action.assetId,
          contactName: action.contactName,
          method: action.method,
          path: action.path,
          apiVersion: action.apiVersion,
          requestBody: action.body,
          beforeExists: before !== 'absent',
          beforeBody: before === 'absent' ? null : before,
        });
        let answer: ArmAnswer;
        try {
          answer = await transport.request(action.method, action.path, action.method === 'PUT' ? action.body : undefined);
        } catch (error) {
          await updateChange(store, runId, seq, { status: 'failed', at: now(), error: (error as Error).message });
          return fail(new WardError('AZURE_ERROR', `${what}: ${(error as Error).message}`, { hint: rollbackHint }));
        }
        if (!isSuccess(answer)) {
          await updateChange(store, runId, seq, { status: 'failed', at: now(), error: armErrorText(answer) });
          return fail(writeError(answer, what, rollbackHint));
        }
        await updateChange(store, runId, seq, { status: 'applied', at: now(), afterBody: answer.body ?? null });
        applied += 1;
        log(`  ${action.method} ${action.path} → ${answer.status}`);
      }
    }
    let verdicts: ReadonlyMap<string, Verdict>;
    try {
      verdicts = await verify(batch);
    } catch (error) {
      const message = `verification of batch ${number} failed: ${(error as Error).message}`;
      await finishRun(store, runId, 'stopped', now(), message);
      throw new WardError('AZURE_ERROR', message, { hint: `re-scan to see where things stand; ${rollbackHint}` });
    }
    const record: Record<string, Verdict> = {};
    const failed: { assetId: string; verdict: Verdict }[] = [];
    for (const subscription of batch) {
      const verdict = verdicts.get(subscription.assetId) ?? { status: 'error' as const, reason: 'not returned by the re-collection' };
      record[subscription.assetId] = verdict;
      if (verdict.status !== 'pass') failed.push({ assetId: subscription.assetId, verdict });
    }
    outcomes.push({ batch: number, subscriptions: batch.map((s) => s.assetId), verdicts: record });
    if (failed.length > 0) {
      const remaining = batched.batches.slice(index + 1).reduce((sum, rest) => sum + rest.length, 0);
      const message =
        `stopped after batch ${number}: ${failed.length} subscription(s) did not pass on re-collection ` +
        `(${failed.map((f) => `${f.assetId}: ${f.verdict.status}, ${f.verdict.reason}`).join('; ')}); ${remaining} subscription(s) not touched`;
      await finishRun(store, runId, 'stopped', now(), message);
      return { runId, status: 'stopped', applied, batches: outcomes, failedVerification: failed, message };
    }
    log(`  verified: ${batch.length} subscription(s) pass`);
  }
  const message = `applied ${applied} change(s) on ${batched.batches.flat().length} subscription(s); every one passes on re-collection`;
  await finishRun(store, runId, 'complete', now(), message);
  return { runId, status: 'complete', applied, batches: outcomes, failedVerification: [], message };
}
