/** What every emitter receives, and the small pure helpers they share. */
import type { ContactBody2023, ContactProperties2023 } from '../../core/remediation/contact-body.js';
import { CURRENT_CONTACT_API_VERSION } from '../../core/remediation/contact-body.js';
import type { PlannedAction, PlannedSubscription, RemediationPlan } from '../../core/remediation/plan-remediation.js';

export interface EmitInput {
  /** The verified plan: its requests are the merged fix the material carries out. */
  readonly plan: RemediationPlan;
  /** The requested addresses (validated; may be empty). */
  readonly addresses: readonly string[];
  /**
   * The preventive baseline (baselineContactBody): the addresses with every notification setting the
   * security-contact controls require at their thresholds in force. Templates default to it.
   */
  readonly baseline: ContactBody2023;
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

/** The merged `default` properties a subscription's plan PUTs, if it changes the `default` contact. */
export function mainProperties(subscription: Pick<PlannedSubscription, 'actions'>): ContactProperties2023 | undefined {
  return (subscription.actions.find(isMainAction)?.body as ContactBody2023 | undefined)?.properties;
}

/** The controls a plan fixes, for headers. */
export const controlsOf = (plan: RemediationPlan): string => plan.controlIds.join(', ');

export function nothingFlagged(plan: RemediationPlan, comment: string): string | undefined {
  return plan.subscriptions.length === 0 ? `${comment} ward: no subscription fails ${controlsOf(plan)}: nothing to do.\n` : undefined;
}

export function header(comment: string, lines: readonly string[]): string {
  return lines.map((line) => (line === '' ? comment : `${comment} ${line}`)).join('\n');
}
