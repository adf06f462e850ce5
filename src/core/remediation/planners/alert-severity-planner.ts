/**
 * azure-defender-security-contact-alert-severity: an enabled contact emails alerts of the control's
 * `minimalSeverity` (default High). The `default` contact gets an Alert notification source at that severity; an
 * existing lower threshold (which mails those alerts too) is kept.
 */
import { ALERT_SEVERITIES } from '../../inventory/normalise-capture.js';
import type { ControlPlanner } from './control-planner.js';
import { requiredLevel, sourceAtThreshold } from './source-threshold.js';

export const ALERT_SEVERITY_CONTROL_ID = 'azure-defender-security-contact-alert-severity';

export const alertSeverityPlanner: ControlPlanner = {
  fixDefaultContact: (properties, { control }) => {
    const required = requiredLevel(control, 'minimalSeverity', ALERT_SEVERITIES);
    const { sources, change } = sourceAtThreshold(properties.notificationsSources, { sourceType: 'Alert', field: 'minimalSeverity', levels: ALERT_SEVERITIES, required });
    return { properties: { ...properties, notificationsSources: sources }, changes: change ? [change] : [], notes: [] };
  },
};
