/**
 * How a plan is shown: a readable before/after diff per request for people, a stable JSON document for machines.
 * Pure.
 */
import type { PlannedAction, RemediationPlan } from './plan-remediation.js';

export interface DiffLine {
  readonly kind: '+' | '-' | '~';
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && prefix) out.set(prefix, {});
    for (const [key, child] of entries) flatten(child, prefix ? `${prefix}.${key}` : key, out);
    return;
  }
  out.set(prefix, value);
}

function propertiesOf(resource: unknown): unknown {
  if (resource === 'absent' || resource === null || resource === undefined) return undefined;
  const properties = (resource as { properties?: unknown }).properties;
  return properties ?? {};
}

/** Field-by-field difference of a contact's properties before and after a request (arrays compared whole). */
export function diffContact(before: unknown, after: unknown): DiffLine[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  const beforeProperties = propertiesOf(before);
  const afterProperties = propertiesOf(after);
  if (beforeProperties !== undefined) flatten(beforeProperties, '', a);
  if (afterProperties !== undefined) flatten(afterProperties, '', b);
  const lines: DiffLine[] = [];
  for (const [path, value] of a) {
    if (!b.has(path)) lines.push({ kind: '-', path, before: value });
    else if (JSON.stringify(value) !== JSON.stringify(b.get(path))) lines.push({ kind: '~', path, before: value, after: b.get(path) });
  }
  for (const [path, value] of b) if (!a.has(path)) lines.push({ kind: '+', path, after: value });
  return lines;
}

const show = (value: unknown): string => JSON.stringify(value);

export function actionDiffText(action: PlannedAction): string[] {
  const after = action.method === 'DELETE' ? 'absent' : action.body;
  const lines = diffContact(action.before, after).map((line) =>
    line.kind === '+'
      ? `      + ${line.path}: ${show(line.after)}`
      : line.kind === '-'
        ? `      - ${line.path}: ${show(line.before)}`
        : `      ~ ${line.path}: ${show(line.before)} → ${show(line.after)}`,
  );
  if (action.before === 'absent') lines.unshift('      (the contact does not exist yet)');
  if (action.method === 'DELETE') lines.unshift('      (the contact is deleted)');
  return lines.length > 0 ? lines : ['      (no field changes)'];
}

const statusList = (statuses: Readonly<Record<string, string>>): string =>
  Object.entries(statuses)
    .map(([id, status]) => `${id} ${status}`)
    .join(', ');

/** The plan for a terminal; `applying`: it is about to be carried out (--apply), so it is not called a dry run. */
export function renderPlanText(plan: RemediationPlan, options: { applying?: boolean } = {}): string {
  const out: string[] = [];
  const controls = plan.controlIds.join(', ');
  if (plan.subscriptions.length === 0) {
    out.push(`Nothing to change: no subscription fails ${controls}.`);
  } else {
    out.push(
      `Remediation plan for ${controls}: ${plan.actions.length} request(s) on ${plan.subscriptions.length} subscription(s)` +
        (plan.addresses.length > 0 ? `, adding ${plan.addresses.join(', ')} where the email control fails` : ''),
      ...(options.applying ? [] : ['(dry run: nothing has been changed; add --apply to carry it out)']),
      '',
    );
    for (const subscription of plan.subscriptions) {
      out.push(`${subscription.name ?? subscription.subscriptionId} (${subscription.assetId})`);
      if (plan.controlIds.length > 1) out.push(`  now: ${statusList(subscription.statuses)}`, `  fixes: ${subscription.controlIds.join(', ')}`);
      for (const action of subscription.actions) {
        out.push(`  ${action.method} ${action.url}`, `    ${action.reason}`, ...actionDiffText(action));
      }
      for (const note of subscription.notes) out.push(`  note: ${note}`);
      out.push(`  ${subscription.verifiedStatus === 'pass' ? '✓' : '✗'} ${subscription.verification}`, '');
    }
  }
  if (plan.skipped.length > 0) {
    const counts = new Map<string, number>();
    for (const skipped of plan.skipped) counts.set(skipped.status, (counts.get(skipped.status) ?? 0) + 1);
    out.push(`Not planned: ${[...counts].map(([status, count]) => `${count} ${status}`).join(', ')}`);
    for (const skipped of plan.skipped.filter((entry) => entry.status !== 'pass')) {
      out.push(`  ${skipped.name ?? skipped.assetId} (${skipped.assetId}): ${skipped.reason}`);
    }
  }
  if (plan.unresolved.length > 0) {
    out.push('', `WARNING: ${plan.unresolved.length} subscription(s) would still not pass after this plan (see ✗ above); --apply refuses such a plan.`);
  }
  return `${out.join('\n')}\n`;
}

/** The plan as JSON: `{controlId, controlIds, addresses, actions, skipped, subscriptions, unresolved}`. */
export function planToJson(plan: RemediationPlan): unknown {
  return {
    controlId: plan.controlId,
    controlIds: plan.controlIds,
    addresses: plan.addresses,
    actions: plan.actions.map((action) => ({
      assetId: action.assetId,
      contactName: action.contactName,
      method: action.method,
      url: action.url,
      body: action.body,
      apiVersion: action.apiVersion,
      before: action.before,
      reason: action.reason,
      diff: diffContact(action.before, action.method === 'DELETE' ? 'absent' : action.body),
    })),
    skipped: plan.skipped,
    subscriptions: plan.subscriptions.map((subscription) => ({
      assetId: subscription.assetId,
      name: subscription.name,
      tags: subscription.tags,
      requests: subscription.actions.length,
      controlIds: subscription.controlIds,
      statuses: subscription.statuses,
      verifiedStatus: subscription.verifiedStatus,
      verifiedStatuses: subscription.verifiedStatuses,
      verification: subscription.verification,
      notes: subscription.notes,
    })),
    unresolved: plan.unresolved.map((subscription) => subscription.assetId),
  };
}
