/**
 * Undoes a remediation run, change by change, newest first. Each contact is read first (GET) and compared with what
 * the run recorded (contact-state.ts), as apply compares the plan with the live contact before it writes:
 * - still exactly what the change left (the request, or the answer Azure gave; pending changes included, whose
 *   answer a crash lost) → restored: the old body PUT again in its own api-version, or a DELETE of what did not
 *   exist before;
 * - already back at its before-state (or the request never took effect) → reported and left alone;
 * - changed since by someone else → refused with a one-line reason and left alone; the other changes go on. With
 *   `force` it is restored to its before-state anyway, and the outcome lists every address that disappears, marking
 *   those the run did not put there.
 * Changes Azure refused (`failed`) and changes already rolled back are skipped, so a rollback that stopped midway,
 * or refused some changes, can be run again. A run whose process is still applying it is refused; one whose process
 * died is marked interrupted and rolled back like any other.
 */
import { WardError } from '../core/errors.js';
import type { SqlClient } from '../store/sql-client.js';
import type { ArmAnswer, ArmTransport } from './arm-transport.js';
import { addressesMissingFrom, addressesOf, afterStatesOf, beforeStateOf, describeDifference, standingOf, type ContactState } from './contact-state.js';
import { readContact } from './read-contact.js';
import { finishRun, getRun, listChanges, markInterrupted, updateChange, type RemediationChange } from './remediation-repository.js';
import { deadRunReason, localLivenessProbe, type LivenessProbe } from './run-liveness.js';
import { interruptedMessage } from './settle-runs.js';
import { armErrorText, writeError } from './write-errors.js';

export type RollbackOutcomeKind =
  /** the contact was what the run left: put back */
  | 'restored'
  /** the contact had changed since; --force put it back anyway */
  | 'forced'
  /** the contact already reads as its before-state: left alone */
  | 'at-before'
  /** the contact changed since: left alone */
  | 'refused'
  /** Azure refused the request when the run made it: nothing to undo */
  | 'not-applied'
  /** rolled back by an earlier rollback */
  | 'already-rolled-back';

export interface RollbackOutcome {
  readonly seq: number;
  readonly assetId: string;
  readonly contactName: string;
  readonly method: 'PUT' | 'DELETE';
  readonly outcome: RollbackOutcomeKind;
  /** One line: why it was refused or forced, or what was found. */
  readonly reason: string | null;
  /** Addresses the contact held that the restore removed (restored and forced). */
  readonly removedAddresses: readonly string[];
  /** Of those, the ones the run did not write: someone else's, lost by --force. */
  readonly foreignAddresses: readonly string[];
}

export interface RollbackResult {
  readonly runId: number;
  readonly restored: number;
  readonly forced: number;
  readonly atBefore: number;
  readonly refused: number;
  /** Not applied or already rolled back: nothing to do. */
  readonly skipped: number;
  /** Every change, newest first. */
  readonly outcomes: readonly RollbackOutcome[];
  /** Set when this rollback found the run's process dead and marked it interrupted. */
  readonly interrupted: string | null;
}

/**
 * The before-state's properties as a request body. Explicit nulls are left out: the API schemas reject null
 * (`emails` must be a string) and ARM reads an absent property as null, so the restored contact reads back the same.
 */
export function restorableProperties(before: unknown): Record<string, unknown> {
  const properties = (before as { properties?: unknown } | null)?.properties;
  if (typeof properties !== 'object' || properties === null) return {};
  return Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== null));
}

const isSuccess = (answer: ArmAnswer): boolean => answer.status >= 200 && answer.status < 300;

/** The addresses the run wrote to this contact (what its request held). */
const writtenAddresses = (change: RemediationChange): string[] => afterStatesOf(change).flatMap(addressesOf);

export interface RollbackOptions {
  readonly store: SqlClient;
  readonly transport: ArmTransport;
  readonly runId: number;
  readonly now: () => Date;
  /** Restore the before-state of contacts that changed since the run, too (what disappears is listed). */
  readonly force?: boolean;
  /** Decides whether a `running` run's process is still there (default: this host's process table and heartbeats). */
  readonly probe?: LivenessProbe;
  readonly log?: (line: string) => void;
}

export async function rollbackRun(options: RollbackOptions): Promise<RollbackResult> {
  const { store, transport, runId, now } = options;
  const force = Boolean(options.force);
  const log = options.log ?? (() => undefined);
  const run = await getRun(store, runId);
  if (!run) throw new WardError('NOT_FOUND', `no remediation run ${runId}`, { hint: 'the run id is printed by `ward remediate --apply`; `ward remediate runs` lists them' });
  if (run.armEndpoint !== transport.armEndpoint) {
    throw new WardError('REMEDIATION_INVALID', `run ${runId} was applied on ${run.armEndpoint}, not on ${transport.armEndpoint}`, {
      hint: 'point WARD_ARM_ENDPOINT (or --cloud) at the endpoint the run used',
    });
  }
  let interrupted: string | null = null;
  if (run.status === 'running') {
    const reason = deadRunReason(run, options.probe ?? localLivenessProbe({ exclusiveStore: false, now }));
    if (reason === null) {
      const who = run.owner ? `process ${run.owner.pid} on ${run.owner.host}` : 'its process';
      throw new WardError('REMEDIATION_INVALID', `run ${runId} is still being applied by ${who}`, {
        hint: `let it finish or stop it, then run \`ward remediate rollback ${runId}\` (nothing was changed)`,
      });
    }
    if (await markInterrupted(store, runId, interruptedMessage(reason))) {
      interrupted = reason;
      log(`  run ${runId} was interrupted: ${reason}`);
    }
  }

  const outcomes: RollbackOutcome[] = [];
  const record = (change: RemediationChange, outcome: RollbackOutcomeKind, reason: string | null, removed: readonly string[] = [], foreign: readonly string[] = []): void => {
    outcomes.push({ seq: change.seq, assetId: change.assetId, contactName: change.contactName, method: change.method, outcome, reason, removedAddresses: removed, foreignAddresses: foreign });
  };
  for (const change of (await listChanges(store, runId)).reverse()) {
    const what = `${change.method} ${change.contactName} on ${change.assetId}`;
    if (change.status === 'rolled-back') {
      record(change, 'already-rolled-back', null);
      continue;
    }
    if (change.status === 'failed') {
      record(change, 'not-applied', `Azure refused the request (${change.error ?? 'no message'}): nothing to undo`);
      continue;
    }
    const before = beforeStateOf(change);
    const fail = async (message: string, answer: ArmAnswer): Promise<never> => {
      await updateChange(store, runId, change.seq, { status: 'rollback-failed', at: now(), error: message });
      await finishRun(store, runId, 'rollback-failed', now(), `rollback of ${what}: ${message}`);
      throw writeError(answer, `rollback of ${what}`, `fix the cause and run \`ward remediate rollback ${runId}\` again (restored changes are skipped)`);
    };
    let live: ContactState;
    try {
      live = await readContact(transport, change.path);
    } catch (error) {
      const message = (error as Error).message;
      return fail(message, { status: 0, body: { error: { code: 'ReadFailed', message } } });
    }
    const standing = before === undefined ? 'changed' : standingOf(change, live);
    if (standing === 'at-before') {
      const applied = change.status !== 'pending' && change.status !== 'not-applied';
      const reason = applied ? 'already at its before-state: left alone' : 'the request never took effect: left alone';
      await updateChange(store, runId, change.seq, { status: applied ? 'rolled-back' : 'not-applied', at: now(), note: `rollback found the contact at its before-state; nothing written` });
      record(change, 'at-before', reason);
      log(`  ${what}: ${reason}`);
      continue;
    }
    const expected = afterStatesOf(change)[0]!;
    const removed = addressesMissingFrom(addressesOf(live), before === undefined || before === 'absent' ? [] : addressesOf(before));
    const foreign = addressesMissingFrom(removed, writtenAddresses(change));
    if (standing === 'changed') {
      const loss =
        before === 'absent' ? `delete it${foreign.length > 0 ? ` with ${foreign.join(', ')}` : ''}` : foreign.length > 0 ? `remove ${foreign.join(', ')}` : 'undo that';
      const reason =
        before === undefined
          ? 'no before-state was recorded, so it cannot be restored: left as it is'
          : `changed since run ${runId} wrote it (${describeDifference(expected, live)}); restoring its before-state would ${loss}: left as it is (--force restores it)`;
      if (!force || before === undefined) {
        await updateChange(store, runId, change.seq, { status: 'rollback-refused', at: now(), error: reason });
        record(change, 'refused', reason);
        log(`  refused: ${what}: ${reason}`);
        continue;
      }
    }
    let answer: ArmAnswer;
    try {
      answer = before === 'absent' ? await transport.request('DELETE', change.path) : await transport.request('PUT', change.path, { properties: restorableProperties(before) });
    } catch (error) {
      answer = { status: 0, body: { error: { code: 'RequestFailed', message: (error as Error).message } } };
    }
    if (!isSuccess(answer)) return fail(armErrorText(answer), answer);
    const restoredHow = `${before === 'absent' ? 'DELETE: it did not exist' : 'PUT its previous body'}, ${change.apiVersion}`;
    if (standing === 'changed') {
      const lost = foreign.length > 0 ? `; removed ${foreign.join(', ')}, which run ${runId} did not write` : '';
      const reason = `had changed since run ${runId} wrote it (${describeDifference(expected, live)}); --force restored its before-state${lost}`;
      await updateChange(store, runId, change.seq, { status: 'rolled-back', at: now(), note: `forced: ${reason}` });
      record(change, 'forced', reason, removed, foreign);
      log(`  forced: ${what}: ${reason} (${restoredHow})`);
    } else {
      await updateChange(store, runId, change.seq, { status: 'rolled-back', at: now() });
      record(change, 'restored', null, removed, foreign);
      log(`  restored ${change.contactName} on ${change.assetId} (${restoredHow})`);
    }
  }
  const count = (kind: RollbackOutcomeKind): number => outcomes.filter((outcome) => outcome.outcome === kind).length;
  const result: RollbackResult = {
    runId,
    restored: count('restored'),
    forced: count('forced'),
    atBefore: count('at-before'),
    refused: count('refused'),
    skipped: count('not-applied') + count('already-rolled-back'),
    outcomes,
    interrupted,
  };
  const message =
    `rolled back ${result.restored + result.forced} change(s)` +
    (result.forced ? ` (${result.forced} forced over later changes)` : '') +
    (result.atBefore ? `, ${result.atBefore} already at the before-state` : '') +
    (result.refused ? `, ${result.refused} refused: changed since the run` : '');
  await finishRun(store, runId, result.refused > 0 ? 'partly-rolled-back' : 'rolled-back', now(), message);
  return result;
}
