/**
 * After a crash: runs whose process died are marked `interrupted`, and their `pending` changes (recorded before the
 * request was sent, never answered) are settled by reading the contact: it reads as the request → `applied` (Azure
 * took it); as its before-state → `not-applied`; as neither → left `pending` (someone changed it since: rollback
 * decides, and refuses it without --force). `ward remediate --apply`, `ward remediate runs` and rollback do this;
 * a run still alive is never touched. Only changes made on the transport's ARM endpoint can be read.
 */
import type { SqlClient } from '../store/sql-client.js';
import type { ArmTransport } from './arm-transport.js';
import { standingOf } from './contact-state.js';
import { readContact } from './read-contact.js';
import { countChanges, listChanges, listRuns, markInterrupted, updateChange, type ChangeStatus, type RemediationRun } from './remediation-repository.js';
import { deadRunReason, type LivenessProbe } from './run-liveness.js';

export interface SettleRunsOptions {
  readonly store: SqlClient;
  readonly probe: LivenessProbe;
  readonly now: () => Date;
  /** Reads the contacts of pending changes; without one, runs are only marked interrupted. */
  readonly transport?: ArmTransport;
  readonly log?: (line: string) => void;
}

export interface SettledChange {
  readonly runId: number;
  readonly seq: number;
  /** `pending` when the contact reads as neither the request nor the before-state (changed since). */
  readonly status: ChangeStatus;
  readonly note: string;
}

export interface SettleResult {
  /** Runs this call found dead and marked interrupted, with the reason. */
  readonly interrupted: readonly { readonly runId: number; readonly reason: string }[];
  readonly changes: readonly SettledChange[];
  /** Runs with pending changes that could not be read here (another ARM endpoint, or no transport). */
  readonly unreadable: readonly { readonly runId: number; readonly pending: number; readonly reason: string }[];
}

export const interruptedMessage = (reason: string): string => `interrupted: ${reason}`;

/**
 * Settles the pending changes of one run that is not running (its changes as stored); see the module comment. The
 * first contact that cannot be read ends it (a failed sign-in would fail every read): the rest stay pending, and
 * `failure` says why.
 */
export async function settlePendingChanges(
  options: Omit<SettleRunsOptions, 'probe'> & { readonly transport: ArmTransport; readonly run: RemediationRun },
): Promise<{ settled: SettledChange[]; failure: string | null }> {
  const { store, transport, run, now } = options;
  const log = options.log ?? (() => undefined);
  const settled: SettledChange[] = [];
  for (const change of await listChanges(store, run.id)) {
    if (change.status !== 'pending') continue;
    const what = `run ${run.id}: ${change.method} ${change.contactName} on ${change.assetId}`;
    let live;
    try {
      live = await readContact(transport, change.path);
    } catch (error) {
      const failure = (error as Error).message;
      log(`ward: ${what} could not be read back (${failure}): it stays pending, with any others not read yet`);
      return { settled, failure };
    }
    const standing = standingOf(change, live);
    const at = now();
    if (standing === 'as-left') {
      const note = `read back on ${at.toISOString()} after the run ended unanswered: the contact is as requested, Azure applied it`;
      await updateChange(store, run.id, change.seq, { status: 'applied', at, afterBody: live === 'absent' ? null : live, note });
      settled.push({ runId: run.id, seq: change.seq, status: 'applied', note });
      log(`ward: ${what}: applied (the contact reads as the request)`);
    } else if (standing === 'at-before') {
      const note = `read back on ${at.toISOString()} after the run ended unanswered: the contact is as before, the request never took effect`;
      await updateChange(store, run.id, change.seq, { status: 'not-applied', at, note });
      settled.push({ runId: run.id, seq: change.seq, status: 'not-applied', note });
      log(`ward: ${what}: not applied (the contact reads as before the run)`);
    } else {
      const note = 'reads as neither the request nor its before-state (changed since): still pending; rollback leaves it alone without --force';
      settled.push({ runId: run.id, seq: change.seq, status: 'pending', note });
      log(`ward: ${what} ${note}`);
    }
  }
  return { settled, failure: null };
}

export async function settleRuns(options: SettleRunsOptions): Promise<SettleResult> {
  const { store, probe, transport } = options;
  const log = options.log ?? (() => undefined);
  const interrupted: { runId: number; reason: string }[] = [];
  const runs = await listRuns(store);
  const dead = new Set<number>();
  for (const run of runs) {
    const reason = deadRunReason(run, probe);
    if (reason === null) continue;
    dead.add(run.id);
    if (await markInterrupted(store, run.id, interruptedMessage(reason))) {
      interrupted.push({ runId: run.id, reason });
      log(`ward: remediation run ${run.id} was interrupted: ${reason} (ward remediate rollback ${run.id} undoes what it changed)`);
    }
  }
  const counts = await countChanges(store);
  const changes: SettledChange[] = [];
  const unreadable: { runId: number; pending: number; reason: string }[] = [];
  let failure: string | null = null;
  for (const run of runs) {
    const pending = counts.get(run.id)?.pending ?? 0;
    if (pending === 0 || (run.status === 'running' && !dead.has(run.id))) continue;
    if (!transport || transport.armEndpoint !== run.armEndpoint || failure !== null) {
      const reason = !transport
        ? 'not read (no ARM connection)'
        : transport.armEndpoint !== run.armEndpoint
          ? `it ran on ${run.armEndpoint}, not on ${transport.armEndpoint}`
          : `an earlier read failed: ${failure}`;
      unreadable.push({ runId: run.id, pending, reason });
      continue;
    }
    const outcome = await settlePendingChanges({ ...options, transport, run: { ...run, status: dead.has(run.id) ? 'interrupted' : run.status } });
    changes.push(...outcome.settled);
    if (outcome.failure !== null) {
      failure = outcome.failure;
      unreadable.push({ runId: run.id, pending: pending - outcome.settled.filter((change) => change.status !== 'pending').length, reason: failure });
    }
  }
  return { interrupted, changes, unreadable };
}
