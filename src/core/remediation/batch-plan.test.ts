import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWardError } from '../errors.js';
import { batchPlan, parsePriorityTag } from './batch-plan.js';
import type { PlannedAction, PlannedSubscription, RemediationPlan } from './plan-remediation.js';

function subscription(n: number, requests: number, tags: Record<string, string> = {}): PlannedSubscription {
  const assetId = `/subscriptions/${n}`;
  return {
    assetId,
    subscriptionId: String(n),
    name: `s${n}`,
    tags,
    actions: Array.from({ length: requests }, () => ({ assetId }) as PlannedAction),
    controlIds: ['c'],
    statuses: { c: 'fail' },
    verifiedStatus: 'pass',
    verifiedStatuses: { c: 'pass' },
    verification: '',
    notes: [],
  };
}

function plan(subscriptions: PlannedSubscription[]): RemediationPlan {
  return { controlId: 'c', controlIds: ['c'], addresses: [], subscriptions, actions: subscriptions.flatMap((s) => s.actions), skipped: [], unresolved: [] };
}

const names = (batches: readonly (readonly PlannedSubscription[])[]): string[][] => batches.map((batch) => batch.map((s) => s.name ?? ''));

test('production first (tag value compared without case), then the rest, in batches of the given size', () => {
  const p = plan([subscription(1, 1), subscription(2, 1, { environment: 'prod' }), subscription(3, 2), subscription(4, 1, { environment: 'PROD' })]);
  const batched = batchPlan(p, { batchSize: 2, priorityTag: parsePriorityTag('environment=prod') });
  assert.deepEqual(names(batched.batches), [['s2', 's4'], ['s1', 's3']]);
  assert.equal(batched.changeCount, 5);
  assert.equal(batched.message, undefined);
});

test('--max-changes refuses a larger plan unless truncation is asked for, and then cuts at a subscription boundary', () => {
  const p = plan([subscription(1, 2), subscription(2, 2), subscription(3, 1)]);
  assert.throws(() => batchPlan(p, { batchSize: 10, maxChanges: 3 }), (error: unknown) => isWardError(error) && /more than --max-changes 3/.test(error.message));
  const cut = batchPlan(p, { batchSize: 10, maxChanges: 3, truncate: true });
  assert.deepEqual(names(cut.batches), [['s1']]);
  assert.deepEqual(cut.deferred.map((s) => s.name), ['s2', 's3']);
  assert.equal(cut.changeCount, 2);
  assert.match(cut.message ?? '', /applying 2 of 5 changes/);
  assert.equal(batchPlan(p, { batchSize: 10, maxChanges: 5 }).changeCount, 5);
});

test('bad batch sizes and priority tags are usage errors', () => {
  assert.throws(() => batchPlan(plan([]), { batchSize: 0 }), /batch-size/);
  assert.throws(() => parsePriorityTag('environment'), /KEY=VALUE/);
});
