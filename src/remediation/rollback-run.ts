/**
 * Undoes a remediation run: every applied change, newest first, back to the before-state the store recorded —
 * the old body PUT again in its own api-version, or a DELETE of what did not exist before. Changes already rolled
 * back are skipped, so a rollback that stopped midway can be run again.
 */
import { WardError } from '../core/errors.js';
import type { SqlClient } from '../store/sql-client.js';
import type { ArmAnswer, ArmTransport } from './arm-transport.js';
import { finishRun, getRun, listChanges, updateChange } from './remediation-repository.js';
import { armErrorText, writeError } from './write-errors.js';

export interface RollbackResult {
  readonly runId: number;
  readonly restored: number;
  readonly skipped: number;
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

export async function rollbackRun(options: {
  readonly store: SqlClient;
  readonly transport: ArmTransport;
  readonly runId: number;
  readonly now: () => Date;
  readonly log?: (line: string) => void;
}): Promise<RollbackResult> {
  const { store, transport, runId, now } = options;
  const log = options.log ?? (() => undefined);
  const run = await getRun(store, runId);
  if (!run) throw new WardError('NOT_FOUND', `no remediation run ${runId}`, { hint: 'the run id is printed by `ward remediate --apply`' });
  if (run.armEndpoint !== transport.armEndpoint) {
    throw new WardError('REMEDIATION_INVALID', `run ${runId} was applied on ${run.armEndpoint}, not on ${transport.armEndpoint}`, {
      hint: 'point WARD_ARM_ENDPOINT (or --cloud) at the endpoint the run used',
    });
  }
  const changes = await listChanges(store, runId);
  let restored = 0;
  let skipped = 0;
  for (const change of [...changes].reverse()) {
    if (change.status !== 'applied' && change.status !== 'rollback-failed') {
      skipped += 1;
      continue;
    }
    const what = `rollback of ${change.method} ${change.contactName} on ${change.assetId}`;
    let answer: ArmAnswer;
    try {
      if (change.beforeExists) {
        answer = await transport.request('PUT', change.path, { properties: restorableProperties(change.beforeBody) });
      } else {
        answer = await transport.request('DELETE', change.path);
      }
    } catch (error) {
      answer = { status: 0, body: { error: { code: 'RequestFailed', message: (error as Error).message } } };
    }
    if (!isSuccess(answer)) {
      await updateChange(store, runId, change.seq, { status: 'rollback-failed', at: now(), error: armErrorText(answer) });
      await finishRun(store, runId, 'rollback-failed', now(), `${what}: ${armErrorText(answer)}`);
      throw writeError(answer, what, `fix the cause and run \`ward remediate rollback ${runId}\` again (restored changes are skipped)`);
    }
    await updateChange(store, runId, change.seq, { status: 'rolled-back', at: now() });
    restored += 1;
    log(`  restored ${change.contactName} on ${change.assetId} (${change.beforeExists ? 'PUT previous body' : 'DELETE: it did not exist'}, ${change.apiVersion})`);
  }
  await finishRun(store, runId, 'rolled-back', now(), `rolled back ${restored} change(s)`);
  return { runId, restored, skipped };
}
