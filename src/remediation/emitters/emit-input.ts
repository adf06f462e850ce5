/** What every emitter receives, and the small pure helpers they share. */
import type { ContactBody2023 } from '../../core/remediation/contact-body.js';
import { CURRENT_CONTACT_API_VERSION, DEFAULT_NOTIFICATION_SOURCES, DEFAULT_ROLE_NOTIFICATIONS } from '../../core/remediation/contact-body.js';
import type { PlannedAction, RemediationPlan } from '../../core/remediation/plan-remediation.js';

export interface EmitInput {
  readonly plan: RemediationPlan;
  /** The requested addresses (validated). */
  readonly addresses: readonly string[];
}

/** name → pure function returning the text to print. */
export type Emitter = (input: EmitInput) => string;

/** Quotes for POSIX shells: single quotes, with embedded ones closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** PowerShell single-quoted string: '' stands for one quote. */
export function powershellQuote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export const isMainAction = (action: PlannedAction): boolean => action.apiVersion === CURRENT_CONTACT_API_VERSION && action.method === 'PUT';

/** The preventive baseline: the requested addresses with ward's default notification settings. */
export function baselineBody(addresses: readonly string[]): ContactBody2023 {
  return {
    properties: {
      emails: addresses.join(';'),
      isEnabled: true,
      notificationsByRole: { state: DEFAULT_ROLE_NOTIFICATIONS.state, roles: [...DEFAULT_ROLE_NOTIFICATIONS.roles] },
      notificationsSources: DEFAULT_NOTIFICATION_SOURCES.map((source) => ({ ...source })),
    },
  };
}

/** The merged `emails` value planned for each flagged subscription (empty when only legacy contacts change). */
export function plannedEmails(plan: RemediationPlan): { subscriptionId: string; name: string | null; emails: string | undefined }[] {
  return plan.subscriptions.map((subscription) => {
    const main = subscription.actions.find(isMainAction);
    return {
      subscriptionId: subscription.subscriptionId,
      name: subscription.name,
      emails: (main?.body as ContactBody2023 | undefined)?.properties.emails,
    };
  });
}

export function nothingFlagged(plan: RemediationPlan, comment: string): string | undefined {
  return plan.subscriptions.length === 0 ? `${comment} ward: no subscription fails ${plan.controlId}: nothing to do.\n` : undefined;
}

export function header(comment: string, lines: readonly string[]): string {
  return lines.map((line) => (line === '' ? comment : `${comment} ${line}`)).join('\n');
}
