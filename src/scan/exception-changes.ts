/**
 * Adding and removing an exception, with the same validation, warnings and audit line whoever asks: `ward exceptions`
 * and the server's form and API call these, so a rule can never be enforced on one door and not the other.
 */
import { WardError, type ErrorLocation } from '../core/errors.js';
import { coverageWarning } from '../core/exceptions/coverage-warning.js';
import { exceptionProblem, type DeclaredException, type ExceptionProblem, type ExceptionRules } from '../core/exceptions/validate-exception.js';
import type { ExceptionRecord, Finding } from '../core/model.js';
import { nextExceptionId, removeException, saveException } from '../store/exception-repository.js';
import { latestCompleteScan } from '../store/scan-repository.js';
import { judgedFindingsAt } from '../store/finding-state-repository.js';
import type { SqlClient } from '../store/sql-client.js';

/** Who makes a change and through which door (`cli`, `serve`, `import:<file>`): the audit log records both. */
export interface ExceptionChangeBy {
  readonly actor: string;
  readonly source: string;
}

/** A declared exception that breaks a rule, as the WardError every door reports (EXCEPTION_INVALID). A form that
 * shows the problem beside its field calls exceptionProblem itself. */
export function exceptionRefusal(problem: ExceptionProblem, location?: ErrorLocation): WardError {
  return new WardError('EXCEPTION_INVALID', problem.message, {
    ...(problem.hint ? { hint: problem.hint } : {}),
    ...(location ? { location } : {}),
  });
}

/** Asset ids ward has seen: the inventory and every finding ever stored. */
async function assetSeen(client: SqlClient, pattern: string): Promise<boolean> {
  const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined;
  const { rows } = await client.query<{ seen: boolean }>(
    prefix === undefined
      ? 'SELECT EXISTS (SELECT 1 FROM connectors WHERE lower(id) = lower($1)) OR EXISTS (SELECT 1 FROM finding_states WHERE lower(asset_id) = lower($1)) AS seen'
      : 'SELECT EXISTS (SELECT 1 FROM connectors WHERE starts_with(lower(id), lower($1))) OR EXISTS (SELECT 1 FROM finding_states WHERE starts_with(lower(asset_id), lower($1))) AS seen',
    [prefix ?? pattern],
  );
  return Boolean(rows[0]?.seen);
}

const unseenWarning = (assetId: string): string =>
  `${assetId.endsWith('*') ? `no asset ward has seen matches ${assetId}` : `ward has not seen ${assetId} yet`}; the exception is stored and applies once a scan finds it`;

/** The current judged state (every subscription's last verdict) that new exceptions are checked against. */
export interface JudgedState {
  readonly scan: number;
  readonly findings: readonly Finding[];
}

export async function judgedState(client: SqlClient): Promise<JudgedState | undefined> {
  const latest = await latestCompleteScan(client);
  return latest ? { scan: latest.id, findings: await judgedFindingsAt(client, latest.id) } : undefined;
}

/** The warnings for an exception about to be stored: an asset never seen, or findings it would not accept. */
export async function exceptionWarnings(client: SqlClient, record: Pick<ExceptionRecord, 'controlId' | 'assetId'>, current: JudgedState | undefined): Promise<string[]> {
  if (!(await assetSeen(client, record.assetId))) return [unseenWarning(record.assetId)];
  const warning = current ? coverageWarning(record, current.findings, current.scan) : undefined;
  return warning ? [`${warning}; the exception is stored`] : [];
}

export interface AddedException {
  readonly saved: ExceptionRecord;
  readonly warnings: readonly string[];
}

/**
 * Validates a declared exception against `rules` (an EXCEPTION_INVALID WardError naming the field when it breaks
 * one), then stores it under the next free id with its audit line, in one transaction.
 */
export async function addException(
  client: SqlClient,
  declared: DeclaredException,
  rules: ExceptionRules,
  by: ExceptionChangeBy,
): Promise<AddedException> {
  const problem = exceptionProblem(declared, rules);
  if (problem) throw exceptionRefusal(problem);
  return client.transaction(async (tx) => {
    const record: ExceptionRecord = {
      id: await nextExceptionId(tx),
      controlId: declared.controlId!.trim(),
      assetId: declared.assetId!.trim(),
      owner: declared.owner!.trim(),
      reason: declared.reason!.trim(),
      expires: declared.expires!.trim(),
      createdAt: rules.now.toISOString(),
      createdBy: by.actor,
    };
    const warnings = await exceptionWarnings(tx, record, await judgedState(tx));
    await saveException(tx, record, { actor: by.actor, at: rules.now, source: by.source });
    return { saved: record, warnings };
  });
}

/** Removes exception `id` with its audit line; a NOT_FOUND WardError when there is none. */
export async function removeExceptionById(client: SqlClient, id: string, at: Date, by: ExceptionChangeBy): Promise<ExceptionRecord> {
  const removed = await client.transaction((tx) => removeException(tx, id, { actor: by.actor, at, source: by.source }));
  if (!removed) throw new WardError('NOT_FOUND', `no exception ${id}`, { hint: 'ward exceptions list shows them' });
  return removed;
}
