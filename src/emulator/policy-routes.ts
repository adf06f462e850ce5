/**
 * Azure Policy routes of the ARM emulator, enough for `ward policy apply`: policy definitions, assignments (with a
 * system-assigned identity), role assignments and remediation tasks, at subscription or management-group scope.
 * A remediation task runs at once (see runRemediation): the assigned definition's rule and existence condition are
 * evaluated (policy-condition.ts) and its template deployed (plan-contact-deployment.ts), never a contact of the
 * emulator's own. Pure over the emulator state, which holds the policy objects.
 */
import { createHash } from 'node:crypto';
import { armError, isArmErrorBody } from './arm-error.js';
import type { ArmRequest, ArmResponse } from './arm-types.js';
import { isObject } from '../core/is-object.js';
import { contactResourceId, contactToProperties, type StoredContact } from './contact-shapes.js';
import { planContactDeployment } from './plan-contact-deployment.js';
import { currentContacts, findSubscription, storedContacts, type EmulatorState } from './emulator-state.js';
import { evaluatePolicyCondition, PolicyConditionError, resolveParameterExpression, type ConditionResource } from './policy-condition.js';

const POLICY_PATH =
  /^((?:\/subscriptions\/[^/]+)|(?:\/providers\/microsoft\.management\/managementgroups\/[^/]+))\/providers\/(microsoft\.authorization\/policydefinitions|microsoft\.authorization\/policyassignments|microsoft\.authorization\/roleassignments|microsoft\.policyinsights\/remediations)\/([^/]+)\/?$/i;

type Json = Record<string, unknown>;

export interface PolicyObjects {
  readonly byId: Map<string, Json>;
}

/** The policy objects the emulator holds (tests read them). */
export function policyObjects(state: EmulatorState): PolicyObjects {
  return { byId: state.policyObjects };
}


function fail(status: number, code: string, message: string, route: string): ArmResponse {
  return { status, body: armError(code, message), route };
}

function principalFor(id: string): string {
  const hex = createHash('sha256').update(id.toLowerCase()).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The subscriptions a scope covers: itself, or every subscription below a management group. */
function subscriptionsIn(state: EmulatorState, scope: string): string[] {
  const subscription = /^\/subscriptions\/([^/]+)$/i.exec(scope);
  if (subscription) return [subscription[1]!];
  const group = /managementgroups\/([^/]+)$/i.exec(scope)?.[1];
  const out: string[] = [];
  const visit = (id: string): void => {
    const node = [...state.managementGroups.values()].find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
    if (!node) return;
    out.push(...node.subscriptionIds);
    for (const child of state.managementGroups.values()) if (child.parent === node.id) visit(child.id);
  };
  if (group) visit(group);
  return out;
}

function scopeExists(state: EmulatorState, scope: string): boolean {
  const subscription = /^\/subscriptions\/([^/]+)$/i.exec(scope);
  if (subscription) return state.subscriptions.some((s) => String(s.subscriptionId).toLowerCase() === subscription[1]!.toLowerCase());
  const group = /managementgroups\/([^/]+)$/i.exec(scope)?.[1] ?? '';
  return [...state.managementGroups.keys()].some((id) => id.toLowerCase() === group.toLowerCase());
}

/** The policy's parameter values: the definition's defaults, overridden by the assignment's values. */
function policyParameters(assignment: Json, definition: Json): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const declared = (definition.properties as Json | undefined)?.parameters;
  if (isObject(declared)) {
    for (const [name, declaration] of Object.entries(declared)) if (isObject(declaration) && 'defaultValue' in declaration) out[name] = declaration.defaultValue;
  }
  const given = (assignment.properties as Json | undefined)?.parameters;
  if (isObject(given)) for (const [name, value] of Object.entries(given)) if (isObject(value) && 'value' in value) out[name] = value.value;
  return out;
}

/** A contact as the Microsoft.Security/securityContacts aliases see it: the current shape, and the legacy `email`. */
function aliasView(subscriptionId: string, contact: StoredContact): ConditionResource {
  const properties = contactToProperties(contact, '2023-12-01-preview');
  return {
    top: { type: 'Microsoft.Security/securityContacts', name: contact.name, id: contactResourceId(subscriptionId, contact.name) },
    properties: contact.emails === undefined ? properties : { ...properties, email: contact.emails },
    aliasPrefix: 'Microsoft.Security/securityContacts/',
  };
}

function subscriptionView(subscription: Json): ConditionResource {
  const id = String(subscription.subscriptionId);
  return {
    top: { type: 'Microsoft.Resources/subscriptions', name: id, id: `/subscriptions/${id}`, tags: subscription.tags ?? {} },
    properties: subscription,
    aliasPrefix: 'Microsoft.Resources/subscriptions/',
  };
}

/** Whether the principal holds one of the roles on a scope that covers the subscription. */
function holdsRole(state: EmulatorState, objects: PolicyObjects, principalId: unknown, roleIds: readonly string[], subscriptionId: string): boolean {
  return [...objects.byId.values()].some((object) => {
    if (String(object.type) !== 'Microsoft.Authorization/roleAssignments') return false;
    const properties = object.properties as Json;
    if (properties.principalId !== principalId) return false;
    const role = String(properties.roleDefinitionId ?? '').toLowerCase();
    if (!roleIds.some((id) => role.endsWith(id.toLowerCase().split('/').pop() ?? id))) return false;
    return subscriptionsIn(state, String(properties.scope ?? '')).some((id) => id.toLowerCase() === subscriptionId.toLowerCase());
  });
}

type RemediationOutcome = { readonly refused: ArmResponse } | { readonly properties: Json };

/**
 * A remediation task, run at once: every enabled subscription in scope that the rule's `if` selects and whose
 * related contact (details.type and name) does not meet the existence condition gets the definition's deployment,
 * if the assignment's identity holds one of the definition's roles there. What is deployed is the template, as
 * given: a template ARM would refuse fails that subscription's deployment and writes nothing.
 */
function runRemediation(state: EmulatorState, objects: PolicyObjects, scope: string, assignment: Json, route: string): RemediationOutcome {
  const properties = assignment.properties as Json;
  const definition = objects.byId.get(String(properties.policyDefinitionId).toLowerCase());
  const refuse = (message: string): RemediationOutcome => ({ refused: fail(400, 'InvalidCreateRemediationRequest', message, route) });
  if (!definition) return refuse(`The policy of assignment '${String(assignment.id)}' has no DeployIfNotExists or Modify effect: it cannot be remediated.`);
  const parameters = policyParameters(assignment, definition);
  const rule = (definition.properties as Json).policyRule as Json;
  const then = rule.then as Json;
  let effect: unknown;
  try {
    effect = resolveParameterExpression(then.effect, parameters);
  } catch (error) {
    return refuse(`The policy rule's effect cannot be evaluated: ${(error as Error).message}`);
  }
  if (String(effect).toLowerCase() !== 'deployifnotexists') {
    return refuse(`The policy of assignment '${String(assignment.id)}' has the effect '${String(effect)}', not DeployIfNotExists: it cannot be remediated.`);
  }
  const details = isObject(then.details) ? then.details : {};
  const relatedName = typeof details.name === 'string' ? details.name.toLowerCase() : undefined;
  const roleIds = Array.isArray(details.roleDefinitionIds) ? details.roleDefinitionIds.map(String) : [];
  const principalId = (assignment.identity as Json | undefined)?.principalId;
  let total = 0;
  let succeeded = 0;
  const failures: string[] = [];
  try {
    for (const id of subscriptionsIn(state, scope)) {
      const subscription = findSubscription(state, id);
      if (!subscription || !['Enabled', 'Warned', 'PastDue', undefined].includes(subscription.state as string | undefined)) continue;
      const subscriptionId = String(subscription.subscriptionId);
      if (!evaluatePolicyCondition(rule.if, subscriptionView(subscription), parameters)) continue;
      const entry = state.contacts.get(subscriptionId);
      if (entry?.kind === 'captured' && isArmErrorBody(entry.body)) continue; // a contact ARM cannot read is not evaluated
      const related = currentContacts(state, subscriptionId).filter((contact) => relatedName === undefined || contact.name.toLowerCase() === relatedName);
      const compliant = related.some(
        (contact) => details.existenceCondition === undefined || evaluatePolicyCondition(details.existenceCondition, aliasView(subscriptionId, contact), parameters),
      );
      if (compliant) continue;
      total += 1;
      if (!holdsRole(state, objects, principalId, roleIds, subscriptionId)) {
        failures.push(`${subscriptionId}: the assignment identity ${String(principalId)} holds none of the definition's roles there`);
        continue;
      }
      const deployment = planContactDeployment(details.deployment, parameters);
      if (!deployment.ok) {
        failures.push(`${subscriptionId}: ${deployment.error}`);
        continue;
      }
      const contacts = storedContacts(state, subscriptionId);
      if (contacts === null) continue;
      for (const contact of deployment.contacts) contacts.set(contact.name, contact);
      succeeded += 1;
    }
  } catch (error) {
    if (error instanceof PolicyConditionError) return refuse(`The policy rule cannot be evaluated: ${error.message}`);
    throw error;
  }
  return {
    properties: {
      provisioningState: total > 0 && succeeded < total ? 'Failed' : 'Succeeded',
      deploymentStatus: { totalDeployments: total, successfulDeployments: succeeded, failedDeployments: total - succeeded },
      ...(failures.length === 0 ? {} : { failureReason: failures.join('; ') }),
    },
  };
}

/** Answers a policy request, or undefined when the path is not one (the router goes on). */
export function handlePolicyRequest(state: EmulatorState, request: ArmRequest): ArmResponse | undefined {
  const match = POLICY_PATH.exec(request.path);
  if (!match) return undefined;
  const scope = match[1]!.replace(/^\/providers\/microsoft\.management\/managementgroups\//i, '/providers/Microsoft.Management/managementGroups/');
  const kind = match[2]!.toLowerCase();
  const name = decodeURIComponent(match[3]!);
  const route = `policy:${kind.split('/')[1]}`;
  if (!request.query.get('api-version')) return fail(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.', route);
  if (!scopeExists(state, scope)) return fail(404, 'NotFound', `The scope '${scope}' does not exist.`, route);
  const objects = policyObjects(state);
  const type = {
    'microsoft.authorization/policydefinitions': 'Microsoft.Authorization/policyDefinitions',
    'microsoft.authorization/policyassignments': 'Microsoft.Authorization/policyAssignments',
    'microsoft.authorization/roleassignments': 'Microsoft.Authorization/roleAssignments',
    'microsoft.policyinsights/remediations': 'Microsoft.PolicyInsights/remediations',
  }[kind]!;
  const id = `${scope}/providers/${type}/${name}`;
  const existing = objects.byId.get(id.toLowerCase());
  if (request.method === 'GET') return existing ? { status: 200, body: existing, route } : fail(404, 'NotFound', `'${id}' was not found.`, route);
  if (request.method !== 'PUT') return fail(405, 'MethodNotAllowed', `The HTTP method '${request.method}' is not supported by the emulator's policy routes.`, route);

  let body: unknown;
  try {
    body = JSON.parse(request.bodyText);
  } catch {
    return fail(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.', route);
  }
  if (!isObject(body) || !isObject(body.properties)) return fail(400, 'InvalidRequestContent', "The request content must have a 'properties' object.", route);
  const properties = body.properties;
  let stored: Json = { id, name, type, properties };

  if (type === 'Microsoft.Authorization/policyDefinitions') {
    const rule = properties.policyRule;
    if (!isObject(rule) || !isObject(rule.if) || !isObject(rule.then)) return fail(400, 'InvalidPolicyRule', "The policy rule must have 'if' and 'then'.", route);
  } else if (type === 'Microsoft.Authorization/policyAssignments') {
    const definitionId = String(properties.policyDefinitionId ?? '');
    const builtin = /^\/providers\/Microsoft\.Authorization\/policy(Set)?Definitions\/[0-9a-f-]{36}$/i.test(definitionId);
    const definition = objects.byId.get(definitionId.toLowerCase());
    if (!builtin && !definition) return fail(404, 'PolicyDefinitionNotFound', `The policy definition '${definitionId}' could not be found.`, route);
    const effect = JSON.stringify((definition?.properties as Json | undefined)?.policyRule ?? {}).includes('DeployIfNotExists');
    const identity = body.identity;
    if (effect && (!isObject(identity) || identity.type !== 'SystemAssigned')) {
      return fail(400, 'InvalidCreatePolicyAssignmentRequest', 'A policy assignment with a DeployIfNotExists effect needs a managed identity.', route);
    }
    if (isObject(identity) && typeof body.location !== 'string') {
      return fail(400, 'LocationRequired', 'A policy assignment with a managed identity needs a location.', route);
    }
    stored = {
      ...stored,
      ...(typeof body.location === 'string' ? { location: body.location } : {}),
      ...(isObject(identity) ? { identity: { type: identity.type, principalId: principalFor(id), tenantId: state.tenantId } } : {}),
    };
  } else if (type === 'Microsoft.Authorization/roleAssignments') {
    const principalId = properties.principalId;
    const known = [...objects.byId.values()].some((object) => (object.identity as Json | undefined)?.principalId === principalId);
    if (!known) return fail(400, 'PrincipalNotFound', `Principal ${String(principalId)} does not exist in the directory ${state.tenantId}.`, route);
    if (!/\/roleDefinitions\/[0-9a-f-]{36}$/i.test(String(properties.roleDefinitionId ?? ''))) {
      return fail(400, 'InvalidRoleDefinitionId', `The role definition ID '${String(properties.roleDefinitionId)}' is not valid.`, route);
    }
    stored = { ...stored, properties: { ...properties, scope } };
  } else {
    const assignment = objects.byId.get(String(properties.policyAssignmentId ?? '').toLowerCase());
    if (!assignment) return fail(400, 'InvalidPolicyAssignmentId', `The policy assignment '${String(properties.policyAssignmentId)}' could not be found.`, route);
    const outcome = runRemediation(state, objects, scope, assignment, route);
    if ('refused' in outcome) return outcome.refused;
    stored = { ...stored, properties: { ...properties, ...outcome.properties } };
  }
  objects.byId.set(id.toLowerCase(), stored);
  return { status: existing ? 200 : 201, body: stored, route };
}
