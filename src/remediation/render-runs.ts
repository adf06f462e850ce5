/** `ward remediate runs` output: every run with its id, start, state, controls and its changes counted by status. Pure. */
import { formatColumns } from '../reporters/table-reporter.js';
import { CHANGE_STATUSES, type ChangeStatus, type RemediationRun } from './remediation-repository.js';

export interface RunListing {
  readonly run: RemediationRun;
  readonly changes: Partial<Record<ChangeStatus, number>>;
}

/** The controls a run remediated: its options' list, else its control id (ids joined by ","). */
export function runControls(run: RemediationRun): string[] {
  const listed = run.options.controls;
  if (Array.isArray(listed) && listed.every((id) => typeof id === 'string')) return listed as string[];
  return run.controlId.split(',');
}

const total = (changes: Partial<Record<ChangeStatus, number>>): number => CHANGE_STATUSES.reduce((sum, status) => sum + (changes[status] ?? 0), 0);

/** `8: 5 rolled-back, 1 rollback-refused, 2 not-applied`, or `0`. */
export function describeChangeCounts(changes: Partial<Record<ChangeStatus, number>>): string {
  const parts = CHANGE_STATUSES.filter((status) => (changes[status] ?? 0) > 0).map((status) => `${changes[status]} ${status}`);
  return parts.length === 0 ? '0' : `${total(changes)}: ${parts.join(', ')}`;
}

export function renderRunsTable(listings: readonly RunListing[]): string {
  if (listings.length === 0) return 'no remediation runs yet (ward remediate --apply)\n';
  const rows = listings.map(({ run, changes }) => [
    String(run.id),
    run.startedAt.toISOString(),
    run.status,
    describeChangeCounts(changes),
    runControls(run).join(','),
  ]);
  const lines = formatColumns([['RUN', 'STARTED', 'STATE', 'CHANGES', 'CONTROLS'], ...rows]);
  const notes = listings
    .filter(({ run, changes }) => run.status === 'interrupted' || (changes.pending ?? 0) > 0 || (changes['rollback-refused'] ?? 0) > 0)
    .map(({ run, changes }) => {
      const what: string[] = [];
      if (run.message) what.push(run.message);
      if ((changes.pending ?? 0) > 0) what.push(`${changes.pending} change(s) still pending: their outcome is not known yet (read back by the next apply, rollback or listing)`);
      if ((changes['rollback-refused'] ?? 0) > 0) what.push(`${changes['rollback-refused']} change(s) left alone by rollback: changed since the run (--force restores them)`);
      return `run ${run.id}: ${what.join('; ')}`;
    });
  return `${[...lines, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n')}\n`;
}

export function runsJson(listings: readonly RunListing[]): string {
  const body = listings.map(({ run, changes }) => ({
    id: run.id,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    controls: runControls(run),
    armEndpoint: run.armEndpoint,
    owner: run.owner,
    heartbeatAt: run.heartbeatAt?.toISOString() ?? null,
    message: run.message,
    changes: { total: total(changes), ...Object.fromEntries(CHANGE_STATUSES.map((status) => [status, changes[status] ?? 0])) },
  }));
  return `${JSON.stringify(body, null, 2)}\n`;
}
