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
 *
 * Crash safety: the run is recorded (with its owner, pid on host) before the first write and `onStarted` is told its
 * id; while it works it renews a heartbeat. Each change is stored `pending` before its request is sent, so a process
 * killed mid-request leaves a record that the next apply, `ward remediate runs` or a rollback settles by reading the
 * contact back (settle-runs.ts). An apply first settles the runs earlier processes left behind.
 */
import { WardError } from '../core/errors.js';
import type { FindingStatus } from '../core/model.js';
import type { BatchedPlan } from '../core/remediation/batch-plan.js';
import type { PlannedAction, PlannedSubscription, RemediationPlan } from '../core/remediation/plan-remediation.js';
import type { SqlClient } from '../store/sql-client.js';
import type { ArmAnswer, ArmTransport } from './arm-transport.js';
import { addressesOf } from './contact-state.js';
import { createRun, finishRun, insertChange, touchRun, updateChange, type RunOwner } from './remediation-repository.js';
import { currentRunOwner, HEARTBEAT_INTERVAL_MS, localLivenessProbe, type LivenessProbe } from './run-liveness.js';
import { settleRuns } from './settle-runs.js';
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
  /** Told the run's id once it is recorded, before the first write. */
  readonly onStarted?: (runId: number) => void;
  /** The process applying the run (default this one). */
  readonly owner?: RunOwner;
  /** Decides which earlier runs are dead (default: this host's process table and heartbeats). */
  readonly probe?: LivenessProbe;
  readonly heartbeatMs?: number;
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
  const { store, transport, plan, now } = options;
  const log = options.log ?? (() => undefined);
  if (plan.unresolved.length > 0) {
    throw new WardError('REMEDIATION_INVALID', `the plan would leave ${plan.unresolved.length} subscription(s) failing: ${plan.unresolved.map((s) => s.assetId).join(', ')}`, {
      hint: 'run without --apply to see why; nothing was changed',
    });
  }
  await settleRuns({ store, transport, now, probe: options.probe ?? localLivenessProbe({ exclusiveStore: false, now }), log });
  const runId = await createRun(store, {
    controlId: plan.controlId,
    startedAt: now(),
    armEndpoint: transport.armEndpoint,
    addresses: plan.addresses,
    options: options.runOptions ?? {},
    owner: options.owner ?? currentRunOwner(),
  });
  options.onStarted?.(runId);
  const heartbeat = setInterval(() => void touchRun(store, runId, now()).catch(() => undefined), options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  try {
    return await applyBatches(options, runId, log);
  } finally {
    clearInterval(heartbeat);
  }
}

async function applyBatches(options: ApplyPlanOptions, runId: number, log: (line: string) => void): Promise<ApplyResult> {
  const { store, transport, batched, verify, now } = options;
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
          // no answer: the request may or may not have reached Azure. It stays pending, to be settled by reading the contact back
          await updateChange(store, runId, seq, { status: 'pending', at: now(), error: (error as Error).message });
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
