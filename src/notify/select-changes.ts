/**
 * What one channel is told of a scan's changes: the groups its events ask for, narrowed to its connectors and
 * minimum severity. Pure: the payload builders (webhook, Slack, Teams) all start from this.
 *
 * - new-failures: findings failing now that were not failing before (new, or moved to `fail` from error or excepted);
 * - resolved: problems (fail, error, excepted) that are not problems any more;
 * - errors: every finding of the scan in error (ward could not read or evaluate it), new or not: a blind spot is
 *   repeated with each scan until it is fixed;
 * - drift: all of the scan's drift: new failures, new errors, resolved, and every other change (excepted, …).
 */
import type { NotificationChannel, NotificationEvent } from '../store/notification-repository.js';
import type { ChangeItem, ScanChanges } from './scan-changes.js';
import { meetsSeverity, severityRank } from './validate-channel.js';

export interface ChannelChanges {
  readonly newFailures: readonly ChangeItem[];
  readonly errors: readonly ChangeItem[];
  readonly resolved: readonly ChangeItem[];
  /** Drift that is neither of the above (a problem now excepted, …): only with `drift`. */
  readonly otherChanges: readonly ChangeItem[];
}

export type ChangeGroup = keyof ChannelChanges;
/** The groups in the order messages list them. */
export const CHANGE_GROUPS: readonly ChangeGroup[] = ['newFailures', 'errors', 'resolved', 'otherChanges'];

export const GROUP_TITLES: Readonly<Record<ChangeGroup, string>> = {
  newFailures: 'New failures',
  errors: 'Errors',
  resolved: 'Resolved',
  otherChanges: 'Other changes',
};

export type ChannelFilters = Pick<NotificationChannel, 'events' | 'connectors' | 'minSeverity'>;

/** Most severe first, then by control and asset: the order a capped list keeps the most important items in. */
export const byImportance = (a: ChangeItem, b: ChangeItem): number =>
  severityRank(b.severity) - severityRank(a.severity) || a.controlId.localeCompare(b.controlId) || a.assetId.localeCompare(b.assetId);

export function selectChanges(changes: ScanChanges, filters: ChannelFilters): ChannelChanges {
  const on = (event: NotificationEvent): boolean => filters.events.includes(event);
  const connectors = filters.connectors === null ? null : new Set(filters.connectors);
  const keep = (items: readonly ChangeItem[]): ChangeItem[] =>
    items.filter((item) => (connectors === null || (item.connector !== null && connectors.has(item.connector))) && meetsSeverity(item.severity, filters.minSeverity)).sort(byImportance);
  const moved = [...changes.new, ...changes.changed];
  const drift = on('drift');
  return {
    newFailures: on('new-failures') || drift ? keep(moved.filter((e) => e.after === 'fail')) : [],
    errors: on('errors') ? keep(changes.errors) : drift ? keep(moved.filter((e) => e.after === 'error')) : [],
    resolved: on('resolved') || drift ? keep(changes.resolved) : [],
    otherChanges: drift ? keep(moved.filter((e) => e.after !== 'fail' && e.after !== 'error')) : [],
  };
}

export const countOf = (changes: ChannelChanges): number => CHANGE_GROUPS.reduce((n, group) => n + changes[group].length, 0);

/** `3 new failures, 1 error, 2 resolved` (groups with nothing left out); `no changes` when all are empty. */
export function describeCounts(changes: ChannelChanges): string {
  const parts: string[] = [];
  const n = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;
  if (changes.newFailures.length > 0) parts.push(n(changes.newFailures.length, 'new failure', 'new failures'));
  if (changes.errors.length > 0) parts.push(n(changes.errors.length, 'error', 'errors'));
  if (changes.resolved.length > 0) parts.push(`${changes.resolved.length} resolved`);
  if (changes.otherChanges.length > 0) parts.push(n(changes.otherChanges.length, 'other change', 'other changes'));
  return parts.length === 0 ? 'no changes' : parts.join(', ');
}

/** The first `limit` items over the groups in order, and how many were left out. */
export function capChanges(changes: ChannelChanges, limit: number): { listed: ChannelChanges; omitted: number } {
  let room = limit;
  const take = (items: readonly ChangeItem[]): ChangeItem[] => {
    const kept = items.slice(0, Math.max(0, room));
    room -= kept.length;
    return kept;
  };
  const listed = { newFailures: take(changes.newFailures), errors: take(changes.errors), resolved: take(changes.resolved), otherChanges: take(changes.otherChanges) };
  return { listed, omitted: countOf(changes) - countOf(listed) };
}
