/**
 * The controls ward can fix, and how: control id → planner. A plain typed map; one file in planners/ and one line
 * here per new control.
 */
import { WardError } from '../errors.js';
import type { Control } from '../model.js';
import { ALERT_SEVERITY_CONTROL_ID, alertSeverityPlanner } from './planners/alert-severity-planner.js';
import { ATTACK_PATH_CONTROL_ID, attackPathPlanner } from './planners/attack-path-planner.js';
import type { ControlPlanner } from './planners/control-planner.js';
import { EMAIL_CONTROL_ID, emailPlanner } from './planners/email-planner.js';
import { NOTIFY_OWNERS_CONTROL_ID, notifyOwnersPlanner } from './planners/notify-owners-planner.js';

export const REMEDIATION_PLANNERS: Readonly<Record<string, ControlPlanner>> = {
  [EMAIL_CONTROL_ID]: emailPlanner,
  [NOTIFY_OWNERS_CONTROL_ID]: notifyOwnersPlanner,
  [ALERT_SEVERITY_CONTROL_ID]: alertSeverityPlanner,
  [ATTACK_PATH_CONTROL_ID]: attackPathPlanner,
};

export function hasPlanner(control: Pick<Control, 'id'>): boolean {
  return Object.hasOwn(REMEDIATION_PLANNERS, control.id);
}

/** The planner of each control, in order; one error naming every control that has none. */
export function plannersFor(controls: readonly Control[]): { readonly control: Control; readonly planner: ControlPlanner }[] {
  const missing = controls.filter((control) => !hasPlanner(control));
  if (missing.length > 0) {
    const ids = missing.map((control) => control.id);
    throw new WardError('REMEDIATION_INVALID', `ward has no automated remediation for ${ids.length === 1 ? 'control' : 'controls'} ${ids.join(', ')}`, {
      hint: `controls with one: ${Object.keys(REMEDIATION_PLANNERS).join(', ')}; see \`ward controls show ${ids[0]}\` for the manual steps`,
    });
  }
  if (controls.length === 0) throw new WardError('REMEDIATION_INVALID', 'no control selected to remediate', { hint: 'give --control ID (repeatable) or --all-controls' });
  return controls.map((control) => ({ control, planner: REMEDIATION_PLANNERS[control.id]! }));
}
