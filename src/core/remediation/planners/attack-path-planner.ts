/**
 * azure-defender-security-contact-attack-path: an enabled contact emails attack paths of the control's
 * `minimalRiskLevel` (default High). The `default` contact gets an AttackPath notification source at that level;
 * an existing lower threshold is kept. Only the 2023-12-01-preview body can carry it, which is what ward writes.
 */
import { ATTACK_PATH_RISK_LEVELS } from '../../inventory/normalise-capture.js';
import type { ControlPlanner } from './control-planner.js';
import { requiredLevel, sourceAtThreshold } from './source-threshold.js';

export const ATTACK_PATH_CONTROL_ID = 'azure-defender-security-contact-attack-path';

export const attackPathPlanner: ControlPlanner = {
  fixDefaultContact: (properties, { control }) => {
    const required = requiredLevel(control, 'minimalRiskLevel', ATTACK_PATH_RISK_LEVELS);
    const { sources, change } = sourceAtThreshold(properties.notificationsSources, {
      sourceType: 'AttackPath',
      field: 'minimalRiskLevel',
      levels: ATTACK_PATH_RISK_LEVELS,
      required,
    });
    return { properties: { ...properties, notificationsSources: sources }, changes: change ? [change] : [], notes: [] };
  },
};
