/**
 * The subscriptions in a connector's scope, as ARM lists them, without reading their contacts: what a queued
 * scan's planning job splits into batches. The same three scopes as the live collector: explicit subscriptions,
 * the descendants of a management group, or every subscription the identity can read.
 */
import { isObject } from '../../core/is-object.js';
import { API_VERSIONS } from '../../core/inventory/capture.js';
import type { ArmClient } from './arm-client.js';
import { listAll, readSubscription, subscriptionIdOf } from './collect-capture.js';

export interface SubscriptionScope {
  readonly subscriptionIds?: readonly string[] | null;
  readonly managementGroupId?: string | null;
  readonly excludeSubscriptionIds?: readonly string[];
}

/** A subscription named in the scope that could not be read: judged `error` with this ARM error body. */
export interface UnreadSubscription {
  readonly subscriptionId: string;
  readonly body: unknown;
  readonly source: string;
}

export interface ScopeSubscriptions {
  /** How many subscription items were handed to `onItems`. */
  readonly count: number;
  readonly unread: readonly UnreadSubscription[];
}

/**
 * Lists the scope, handing the subscription items (ARM bodies; excluded ones removed, each id once) to `onItems`
 * page by page as ARM returns them, so that work on the first page starts while the next is on its way. Throws a
 * WardError when the scope itself cannot be listed (sign-in, permissions, a bad group).
 */
export async function listScopeSubscriptions(
  client: ArmClient,
  scope: SubscriptionScope,
  onItems: (items: readonly Record<string, unknown>[]) => void,
  signal?: AbortSignal,
): Promise<ScopeSubscriptions> {
  const excluded = new Set((scope.excludeSubscriptionIds ?? []).map((id) => id.toLowerCase()));
  const unread: UnreadSubscription[] = [];
  const seen = new Set<string>();
  let count = 0;
  const hand = (page: readonly unknown[]): void => {
    const kept: Record<string, unknown>[] = [];
    for (const item of page) {
      const id = subscriptionIdOf(item)?.toLowerCase();
      if (!isObject(item) || id === undefined || excluded.has(id) || seen.has(id)) continue;
      seen.add(id);
      kept.push(item);
    }
    count += kept.length;
    if (kept.length > 0) onItems(kept);
  };
  const readEach = async (ids: readonly string[]): Promise<unknown[]> => {
    const read: unknown[] = [];
    for (const id of ids) {
      const entry = await readSubscription(client, id, signal);
      read.push(entry.item);
      if (entry.error) unread.push({ subscriptionId: id, body: entry.error.body, source: entry.error.source });
    }
    return read;
  };
  if (scope.subscriptionIds && scope.subscriptionIds.length > 0) {
    hand(await readEach([...new Set(scope.subscriptionIds.map((id) => id.toLowerCase()))]));
  } else if (scope.managementGroupId) {
    const group = scope.managementGroupId;
    const all = await listAll(client, `/subscriptions?api-version=${API_VERSIONS.subscriptions}`, 'listing subscriptions', signal);
    const descendants = await listAll(
      client,
      `/providers/Microsoft.Management/managementGroups/${encodeURIComponent(group)}/descendants?api-version=${API_VERSIONS.managementGroupDescendants}`,
      `descendants of management group ${group}`,
      signal,
    );
    const inGroup = new Set(
      descendants
        .filter((item) => isObject(item) && String(item.type).toLowerCase() === 'microsoft.management/managementgroups/subscriptions')
        .map((item) => String((item as Record<string, unknown>).name).toLowerCase()),
    );
    const items = all.filter((item) => inGroup.has(subscriptionIdOf(item)?.toLowerCase() ?? ''));
    const listed = new Set(items.map((item) => subscriptionIdOf(item)?.toLowerCase()));
    items.push(...(await readEach([...inGroup].filter((id) => !listed.has(id)))));
    hand(items);
  } else {
    await listAll(client, `/subscriptions?api-version=${API_VERSIONS.subscriptions}`, 'listing subscriptions', signal, hand);
  }
  return { count, unread: unread.filter((u) => !excluded.has(u.subscriptionId.toLowerCase())) };
}
