/**
 * The ARM routes the emulator answers, as a pure function of the state and one parsed request: each route family
 * in its own module, tried in turn. The HTTPS layer (arm-http-handler.ts) adds authentication, limits, latency,
 * throttling and faults around it.
 */
import { armFailure } from './arm-route-helpers.js';
import type { ArmRequest, ArmResponse } from './arm-types.js';
import { handleContactRequest } from './contact-routes.js';
import type { EmulatorState } from './emulator-state.js';
import { handleManagementGroupRequest } from './management-group-routes.js';
import { handlePolicyRequest } from './policy-routes.js';
import { handleSubscriptionRequest } from './subscription-routes.js';

export type { ArmRequest, ArmResponse } from './arm-types.js';

const ROUTE_FAMILIES: readonly ((state: EmulatorState, request: ArmRequest) => ArmResponse | undefined)[] = [
  handlePolicyRequest,
  handleContactRequest,
  handleSubscriptionRequest,
  handleManagementGroupRequest,
];

export function handleArmRequest(state: EmulatorState, request: ArmRequest): ArmResponse {
  for (const family of ROUTE_FAMILIES) {
    const answer = family(state, request);
    if (answer) return answer;
  }
  return armFailure(404, 'NotFound', `The resource path '${request.path}' is not served by the ward ARM emulator.`, 'unknown');
}
