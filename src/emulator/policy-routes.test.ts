import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CapturedBody } from '../core/inventory/capture.js';
import { deployIfNotExistsDefinition, SECURITY_ADMIN_ROLE_ID } from '../policy/policy-artifacts.js';
import { handleArmRequest } from './arm-routes.js';
import type { ArmResponse } from './arm-types.js';
import { currentContacts, createEmulatorState, type EmulatorState } from './emulator-state.js';

const BASE = 'https://127.0.0.1:1234';
const NO_CONTACT = '00000000-0000-4000-8000-00000000000a';
const EMPTY_EMAILS = '00000000-0000-4000-8000-00000000000b';
const COMPLIANT = '00000000-0000-4000-8000-00000000000c';
const NO_ATTACK_PATH = '00000000-0000-4000-8000-00000000000d';
const DISABLED = '00000000-0000-4000-8000-00000000000e';
const SCOPE = '/providers/Microsoft.Management/managementGroups/ward-test';

const contactList = (properties: Record<string, unknown>): CapturedBody => ({ body: { value: [{ id: 'x', name: 'default', type: 'Microsoft.Security/securityContacts', properties }] }, source: 't' });
const FULL = {
  emails: 'team@contoso.com',
  isEnabled: true,
  notificationsByRole: { state: 'On', roles: ['Owner'] },
  notificationsSources: [{ sourceType: 'Alert', minimalSeverity: 'Low' }, { sourceType: 'AttackPath', minimalRiskLevel: 'High' }],
};

function makeState(): EmulatorState {
  const ids = [NO_CONTACT, EMPTY_EMAILS, COMPLIANT, NO_ATTACK_PATH, DISABLED];
  return createEmulatorState(
    {
      subscriptions: {
        body: { value: ids.map((id) => ({ id: `/subscriptions/${id}`, subscriptionId: id, tenantId: 't', displayName: id.slice(-1), state: id === DISABLED ? 'Disabled' : 'Enabled' })) },
        source: 't',
      },
      securityContacts: new Map([
        [NO_CONTACT, { body: { value: [] }, source: 't' }],
        [EMPTY_EMAILS, contactList({ ...FULL, emails: '' })],
        [COMPLIANT, contactList(FULL)],
        [NO_ATTACK_PATH, contactList({ ...FULL, notificationsSources: [FULL.notificationsSources[0]] })],
        [DISABLED, { body: { value: [] }, source: 't' }],
      ]),
    },
    { managementGroups: [{ id: 'ward-test', displayName: 'Test', subscriptionIds: ids }] },
  );
}

function put(state: EmulatorState, path: string, body: unknown): ArmResponse {
  const url = new URL(path, BASE);
  return handleArmRequest(state, { method: 'PUT', path: url.pathname, query: url.searchParams, bodyText: JSON.stringify(body), baseUrl: BASE, pageSize: 100 });
}

/** Definition, assignment (parameters, identity), optionally the role, then a remediation task: its properties. */
function remediate(state: EmulatorState, definition: Record<string, unknown>, options: { grant?: boolean; parameters?: Record<string, unknown> } = {}): ArmResponse {
  const definitionId = `${SCOPE}/providers/Microsoft.Authorization/policyDefinitions/test-definition`;
  assert.equal(put(state, `${definitionId}?api-version=2023-04-01`, definition).status, 201);
  const assignmentId = `${SCOPE}/providers/Microsoft.Authorization/policyAssignments/test-assignment`;
  const parameters = Object.fromEntries(Object.entries({ emails: 'soc@contoso.com', ...options.parameters }).map(([key, value]) => [key, { value }]));
  const assignment = put(state, `${assignmentId}?api-version=2023-04-01`, {
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
    properties: { policyDefinitionId: definitionId, parameters },
  });
  assert.equal(assignment.status, 201);
  if (options.grant !== false) {
    const principalId = (assignment.body as any).identity.principalId;
    const role = put(state, `${SCOPE}/providers/Microsoft.Authorization/roleAssignments/6d9a3f7e-0000-4000-8000-000000000001?api-version=2022-04-01`, {
      properties: { principalId, roleDefinitionId: `${SCOPE}/providers/Microsoft.Authorization/roleDefinitions/${SECURITY_ADMIN_ROLE_ID}` },
    });
    assert.equal(role.status, 201);
  }
  return put(state, `${SCOPE}/providers/Microsoft.PolicyInsights/remediations/test-remediation?api-version=2021-10-01`, { properties: { policyAssignmentId: assignmentId } });
}

const defaultContact = (state: EmulatorState, id: string) => currentContacts(state, id).find((contact) => contact.name === 'default');
type Definition = ReturnType<typeof deployIfNotExistsDefinition> & { properties: any };

test('a remediation evaluates the definition\'s existence condition and deploys its template, with the assignment\'s parameters', () => {
  const state = makeState();
  const answer = remediate(state, deployIfNotExistsDefinition('westeurope'), { parameters: { minimalSeverity: 'Medium' } });
  assert.equal(answer.status, 201);
  const properties = (answer.body as any).properties;
  // NO_ATTACK_PATH has an address but no attack-path source: ward's condition asks for one, so it is redeployed too
  assert.deepEqual(properties.deploymentStatus, { totalDeployments: 3, successfulDeployments: 3, failedDeployments: 0 });
  assert.equal(properties.provisioningState, 'Succeeded');
  for (const id of [NO_CONTACT, EMPTY_EMAILS, NO_ATTACK_PATH]) {
    const deployed = defaultContact(state, id);
    assert.equal(deployed?.emails, 'soc@contoso.com', id);
    assert.deepEqual(deployed?.notificationsSources, [{ sourceType: 'Alert', minimalSeverity: 'Medium' }, { sourceType: 'AttackPath', minimalRiskLevel: 'High' }]);
  }
  assert.equal(defaultContact(state, COMPLIANT)?.emails, 'team@contoso.com', 'a compliant contact is left as it is');
  assert.equal(currentContacts(state, DISABLED).length, 0, 'a disabled subscription is not deployed to');
  // compliant now: a second task deploys nothing
  const again = put(state, `${SCOPE}/providers/Microsoft.PolicyInsights/remediations/second?api-version=2021-10-01`, {
    properties: { policyAssignmentId: `${SCOPE}/providers/Microsoft.Authorization/policyAssignments/test-assignment` },
  });
  assert.deepEqual((again.body as any).properties.deploymentStatus, { totalDeployments: 0, successfulDeployments: 0, failedDeployments: 0 });
});

test('the existence condition decides: a definition asking only for an address leaves an addressed contact alone', () => {
  const state = makeState();
  const definition = deployIfNotExistsDefinition('westeurope') as Definition;
  definition.properties.policyRule.then.details.existenceCondition = {
    allOf: [
      { field: 'Microsoft.Security/securityContacts/emails', exists: 'true' },
      { field: 'Microsoft.Security/securityContacts/emails', notEquals: '' },
    ],
  };
  const properties = (remediate(state, definition).body as any).properties;
  assert.deepEqual(properties.deploymentStatus, { totalDeployments: 2, successfulDeployments: 2, failedDeployments: 0 });
  assert.deepEqual(defaultContact(state, NO_ATTACK_PATH)?.notificationsSources, [FULL.notificationsSources[0]]);
});

test('a wrong template fails its deployments and writes nothing; a template that deploys a weaker contact deploys exactly that', () => {
  const broken = deployIfNotExistsDefinition('westeurope') as Definition;
  broken.properties.policyRule.then.details.deployment.properties.template.resources[0].properties.emails = ["[parameters('emails')]"];
  const state = makeState();
  const failed = (remediate(state, broken).body as any).properties;
  assert.equal(failed.provisioningState, 'Failed');
  assert.deepEqual(failed.deploymentStatus, { totalDeployments: 3, successfulDeployments: 0, failedDeployments: 3 });
  assert.match(failed.failureReason, /InvalidRequestContent: .*properties\.emails/);
  assert.equal(defaultContact(state, EMPTY_EMAILS)?.emails, '', 'nothing was written');
  assert.equal(defaultContact(state, NO_CONTACT), undefined);

  const wrongName = deployIfNotExistsDefinition('westeurope') as Definition;
  wrongName.properties.policyRule.then.details.deployment.properties.template.resources[0].name = 'default1';
  assert.match((remediate(makeState(), wrongName).body as any).properties.failureReason, /InvalidSecurityContactName/);

  const unknownParameter = deployIfNotExistsDefinition('westeurope') as Definition;
  unknownParameter.properties.policyRule.then.details.deployment.properties.template.resources[0].properties.phone = "[parameters('phone')]";
  assert.match((remediate(makeState(), unknownParameter).body as any).properties.failureReason, /InvalidTemplate: the parameter 'phone' has no value/);

  const weaker = deployIfNotExistsDefinition('westeurope') as Definition;
  weaker.properties.policyRule.then.details.deployment.properties.template.resources[0].properties.isEnabled = false;
  const weakState = makeState();
  assert.equal((remediate(weakState, weaker).body as any).properties.deploymentStatus.successfulDeployments, 3);
  assert.equal(defaultContact(weakState, NO_CONTACT)?.isEnabled, false, 'the template is what is deployed, not a contact of the emulator\'s own');
});

test('without the role the deployments fail with the reason; an audit-only effect cannot be remediated', () => {
  const state = makeState();
  const properties = (remediate(state, deployIfNotExistsDefinition('westeurope'), { grant: false }).body as any).properties;
  assert.deepEqual(properties.deploymentStatus, { totalDeployments: 3, successfulDeployments: 0, failedDeployments: 3 });
  assert.match(properties.failureReason, /holds none of the definition's roles/);
  assert.equal(defaultContact(state, NO_CONTACT), undefined);

  const audit = remediate(makeState(), deployIfNotExistsDefinition('westeurope'), { parameters: { effect: 'AuditIfNotExists' } });
  assert.equal(audit.status, 400);
  assert.equal((audit.body as any).error.code, 'InvalidCreateRemediationRequest');
});
