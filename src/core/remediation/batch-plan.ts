/**
 * Orders a plan's subscriptions for rollout and cuts it into batches. Pure.
 *
 * Production first: subscriptions whose tag matches the priority tag (`environment=prod`; value compared without
 * case) come before the others, each group in inventory order. A subscription's requests are never split across
 * batches. `maxChanges` bounds the number of requests: a larger plan is refused, or, with `truncate`, cut at a
 * subscription boundary, the rest listed as deferred.
 */
import { WardError } from '../errors.js';
import type { PlannedSubscription, RemediationPlan } from './plan-remediation.js';

export interface PriorityTag {
  readonly key: string;
  readonly value: string;
}

export interface BatchOptions {
  readonly batchSize: number;
  readonly priorityTag?: PriorityTag;
  readonly maxChanges?: number;
  readonly truncate?: boolean;
}

export interface BatchedPlan {
  readonly batches: readonly (readonly PlannedSubscription[])[];
  /** Subscriptions left out by --max-changes with truncation: run again to continue. */
  readonly deferred: readonly PlannedSubscription[];
  readonly changeCount: number;
  /** Set when something was left out. */
  readonly message?: string;
}

export function parsePriorityTag(value: string): PriorityTag {
  const match = /^([^=]+)=(.*)$/.exec(value);
  if (!match || match[1]!.trim() === '') {
    throw new WardError('USAGE', `--priority-tag must be KEY=VALUE, got ${JSON.stringify(value)}`, { hint: 'for example --priority-tag environment=prod' });
  }
  return { key: match[1]!.trim(), value: match[2]!.trim() };
}

export function isPriority(subscription: Pick<PlannedSubscription, 'tags'>, tag: PriorityTag | undefined): boolean {
  if (!tag) return false;
  const value = subscription.tags[tag.key];
  return value !== undefined && value.toLowerCase() === tag.value.toLowerCase();
}

export function batchPlan(plan: RemediationPlan, options: BatchOptions): BatchedPlan {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new WardError('USAGE', `--batch-size must be a whole number of at least 1, got ${options.batchSize}`);
  }
  if (options.maxChanges !== undefined && (!Number.isInteger(options.maxChanges) || options.maxChanges < 0)) {
    throw new WardError('USAGE', `--max-changes must be a whole number, got ${options.maxChanges}`);
  }
  const ordered = [
    ...plan.subscriptions.filter((subscription) => isPriority(subscription, options.priorityTag)),
    ...plan.subscriptions.filter((subscription) => !isPriority(subscription, options.priorityTag)),
  ];
  const total = ordered.reduce((sum, subscription) => sum + subscription.actions.length, 0);
  let included = ordered;
  let deferred: PlannedSubscription[] = [];
  let message: string | undefined;
  if (options.maxChanges !== undefined && total > options.maxChanges) {
    if (!options.truncate) {
      throw new WardError(
        'REMEDIATION_INVALID',
        `the plan makes ${total} changes on ${ordered.length} subscription(s), more than --max-changes ${options.maxChanges}`,
        { hint: 'raise --max-changes, narrow the scope (--subscription, --management-group), or add --truncate to apply the first changes now and the rest in a later run' },
      );
    }
    included = [];
    let count = 0;
    for (const subscription of ordered) {
      if (count + subscription.actions.length > options.maxChanges) break;
      included.push(subscription);
      count += subscription.actions.length;
    }
    deferred = ordered.slice(included.length);
    message =
      `--max-changes ${options.maxChanges}: applying ${count} of ${total} changes (${included.length} of ${ordered.length} subscriptions); ` +
      `${deferred.length} subscription(s) deferred to a later run`;
  }
  const batches: PlannedSubscription[][] = [];
  for (let index = 0; index < included.length; index += options.batchSize) batches.push(included.slice(index, index + options.batchSize));
  return {
    batches,
    deferred,
    changeCount: included.reduce((sum, subscription) => sum + subscription.actions.length, 0),
    ...(message === undefined ? {} : { message }),
  };
}
