/**
 * azure-defender-security-contact-notify-owners: an enabled contact emails the subscription's Owner role. The
 * `default` contact gets Owner in notificationsByRole.roles (the roles already listed kept) and state On.
 */
import type { ControlPlanner } from './control-planner.js';

export const NOTIFY_OWNERS_CONTROL_ID = 'azure-defender-security-contact-notify-owners';
const OWNER = 'Owner';

export const notifyOwnersPlanner: ControlPlanner = {
  fixDefaultContact: (properties) => {
    const { state, roles } = properties.notificationsByRole;
    const hasOwner = roles.some((role) => role.trim().toLowerCase() === OWNER.toLowerCase());
    const on = state.trim().toLowerCase() === 'on';
    const changes = [...(hasOwner ? [] : ['notifies the Owner role']), ...(on ? [] : ['turns role notifications on'])];
    const others = roles.filter((role) => role.trim().toLowerCase() !== OWNER.toLowerCase());
    const notes = !on && others.length > 0 ? [`turning role notifications on also mails the roles already listed: ${others.join(', ')}`] : [];
    return {
      properties: { ...properties, notificationsByRole: { state: 'On', roles: hasOwner ? [...roles] : [...roles, OWNER] } },
      changes,
      notes,
    };
  },
};
