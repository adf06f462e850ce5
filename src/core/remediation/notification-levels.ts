/**
 * The notification thresholds the security-contact controls require, from their parameter values in force
 * (control.yaml defaults, ward.yaml, `--param`). Pure. What policy deploys and the preventive templates use, so
 * that they satisfy the controls as the scan judges them.
 */
import { ALERT_SEVERITIES, ATTACK_PATH_RISK_LEVELS } from '../inventory/normalise-capture.js';
import type { Control } from '../model.js';
import type { NotificationLevels } from './contact-body.js';
import { ALERT_SEVERITY_CONTROL_ID } from './planners/alert-severity-planner.js';
import { ATTACK_PATH_CONTROL_ID } from './planners/attack-path-planner.js';
import { requiredLevel } from './planners/source-threshold.js';

/** The controls' defaults, for a control that is not loaded. */
export const DEFAULT_NOTIFICATION_LEVELS: NotificationLevels = { minimalSeverity: 'High', minimalRiskLevel: 'High' };

export function notificationLevelsInForce(controls: readonly Control[]): NotificationLevels {
  const alert = controls.find((control) => control.id === ALERT_SEVERITY_CONTROL_ID);
  const attackPath = controls.find((control) => control.id === ATTACK_PATH_CONTROL_ID);
  return {
    minimalSeverity: alert ? requiredLevel(alert, 'minimalSeverity', ALERT_SEVERITIES) : DEFAULT_NOTIFICATION_LEVELS.minimalSeverity,
    minimalRiskLevel: attackPath ? requiredLevel(attackPath, 'minimalRiskLevel', ATTACK_PATH_RISK_LEVELS) : DEFAULT_NOTIFICATION_LEVELS.minimalRiskLevel,
  };
}

/** True when a threshold mails at least what `required` asks for (it is the same level or lower). */
export function isAtOrBelow(levels: readonly string[], threshold: string, required: string): boolean {
  const index = (level: string): number => levels.findIndex((candidate) => candidate.toLowerCase() === level.trim().toLowerCase());
  return index(threshold) >= 0 && index(required) >= 0 && index(threshold) <= index(required);
}
