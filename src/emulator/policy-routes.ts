/**
 * Azure Policy routes of the ARM emulator, enough for `ward policy apply`: policy definitions, assignments (with a
 * system-assigned identity), role assignments and remediation tasks, at subscription or management-group scope.
 * A remediation task runs at once: every enabled subscription in scope whose `default` contact has no address gets
 * the contact the DeployIfNotExists template describes, if the assignment's identity holds Security Admin.
 * Pure over the emulator state (the policy objects live in a side table keyed by the state).
 */
import { createHash } from 'node:crypto';
import { armError } from './arm-error.js';
import type { ArmRequest, ArmResponse } from './arm-routes.js';
import type { StoredContact } from './contact-shapes.js';
import { storedContacts, type EmulatorState } from './emulator-state.js';

const SECURITY_ADMIN = 'fb1c8493-542b-48eb-b624-b4c8fea62acd';
const POLICY_PATH =
  /^((?:\/subscriptions\/[^/]+)|(?:\/providers\/microsoft\.management\/managementgroups\/[^/]+))\/providers\/(microsoft\.authorization\/policydefinitions|microsoft\.authorization\/policyassignments|microsoft\.authorization\/roleassignments|microsoft\.policyinsights\/remediations)\/([^/]+)\/?$/i;

type Json = Record<string, unknown>;

interface PolicyObjects {
  readonly byId: Map<string, Json>;
}

const tables = new WeakMap<EmulatorState, PolicyObjects>();

/** The policy objects the emulator holds (tests read them). */
export function policyObjects(state: EmulatorState): PolicyObjects {
  let table = tables.get(state);
  if (!table) {
    table = { byId: new Map() };
    tables.set(state, table);
  }
  return table;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

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

function parameterValue(assignment: Json, definition: Json | undefined, name: string): unknown {
  const given = (assignment.properties as Json | undefined)?.parameters as Record<string, { value?: unknown }> | undefined;
  if (given?.[name] && 'value' in given[name]!) return given[name]!.value;
  return ((definition?.properties as Json | undefined)?.parameters as Record<string, { defaultValue?: unknown }> | undefined)?.[name]?.defaultValue;
}

function runRemediation(state: EmulatorState, objects: PolicyObjects, scope: string, assignment: Json): Json {
  const properties = assignment.properties as Json;
  const definition = objects.byId.get(String(properties.policyDefinitionId).toLowerCase());
  const principalId = (assignment.identity as Json | undefined)?.principalId;
  const granted = [...objects.byId.values()].some(
    (object) =>
      String(object.type) === 'Microsoft.Authorization/roleAssignments' &&
      (object.properties as Json).principalId === principalId &&
      String((object.properties as Json).roleDefinitionId).toLowerCase().endsWith(SECURITY_ADMIN),
  );
  const ids = subscriptionsIn(state, scope);
  const emails = parameterValue(assignment, definition, 'emails');
  const minimalSeverity = parameterValue(assignment, definition, 'minimalSeverity') ?? 'High';
  let total = 0;
  let succeeded = 0;
  for (const id of ids) {
    const subscription = state.subscriptions.find((s) => String(s.subscriptionId).toLowerCase() === id.toLowerCase());
    if (!subscription || !['Enabled', 'Warned', 'PastDue', undefined].includes(subscription.state as string | undefined)) continue;
    const contacts = storedContacts(state, String(subscription.subscriptionId));
    if (contacts === null) continue;
    const current = contacts.get('default');
    if (typeof current?.emails === 'string' && current.emails !== '') continue;
    total += 1;
    if (!granted || typeof emails !== 'string') continue;
    const deployed: StoredContact = {
      name: 'default',
      emails,
      isEnabled: true,
      notificationsByRole: { state: 'On', roles: ['Owner'] },
      notificationsSources: [{ sourceType: 'Alert', minimalSeverity: String(minimalSeverity) }],
    };
    contacts.set('default', deployed);
    succeeded += 1;
  }
  return {
    provisioningState: total > 0 && succeeded < total ? 'Failed' : 'Succeeded',
    deploymentStatus: { totalDeployments: total, successfulDeployments: succeeded, failedDeployments: total - succeeded },
    ...(granted ? {} : { failureReason: `the assignment identity ${String(principalId)} lacks the Security Admin role on the scope` }),
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
    stored = { ...stored, properties: { ...properties, ...runRemediation(state, objects, scope, assignment) } };
  }
  objects.byId.set(id.toLowerCase(), stored);
  return { status: existing ? 200 : 201, body: stored, route };
}
