import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import tls from 'node:tls';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientSecretCredential } from '@azure/identity';
import { collectCapture } from '../connectors/azure/collect-capture.js';
import { normaliseCapture } from '../core/inventory/normalise-capture.js';
import { isWardError } from '../core/errors.js';
import { BUILTIN_CONTROLS_DIR } from '../core/package-paths.js';
import { evaluateControlInMemory } from '../core/remediation/evaluate-control-in-memory.js';
import { validateContactBody } from '../emulator/contact-schemas.js';
import { policyObjects } from '../emulator/policy-routes.js';
import { startEmulator, type RunningEmulator } from '../emulator/start-emulator.js';
import { createLiveArmTransport, type ArmTransport } from '../remediation/arm-transport.js';
import { loadControls } from '../scan/load-controls.js';
import { applyPolicy } from './apply-policy.js';
import { parsePolicyScope, planPolicy, policyFiles, SECURITY_ADMIN_ROLE_ID } from './policy-artifacts.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const control = loadControls(BUILTIN_CONTROLS_DIR).find((c) => c.id === 'azure-defender-security-contact-email')!;

describe('policy artifacts', () => {
  const plan = planPolicy({ scope: parsePolicyScope('ward-prod'), addresses: ['soc@contoso.com', 'cert@contoso.com'] });
  const definition = plan.requests.definition.body.properties as any;

  it('parses management-group and subscription scopes, and refuses anything else', () => {
    assert.deepEqual(parsePolicyScope('/providers/Microsoft.Management/managementGroups/corp'), { kind: 'managementGroup', id: '/providers/Microsoft.Management/managementGroups/corp', name: 'corp' });
    assert.equal(parsePolicyScope('/subscriptions/00000000-0000-4000-8000-000000000101').kind, 'subscription');
    assert.throws(() => parsePolicyScope('/subscriptions/nope'), /not a subscription id/);
    assert.throws(() => parsePolicyScope('/resourceGroups/x'), /--scope must be/);
  });

  it('a DeployIfNotExists on subscriptions that deploys the 2023 default contact where emails is missing or empty', () => {
    assert.deepEqual(definition.policyRule.if, { field: 'type', equals: 'Microsoft.Resources/subscriptions' });
    const details = definition.policyRule.then.details;
    assert.equal(details.type, 'Microsoft.Security/securityContacts');
    assert.equal(details.deploymentScope, 'subscription');
    assert.deepEqual(details.roleDefinitionIds, [`/providers/Microsoft.Authorization/roleDefinitions/${SECURITY_ADMIN_ROLE_ID}`]);
    assert.deepEqual(details.existenceCondition.allOf.map((c: any) => c.field), ['Microsoft.Security/securityContacts/emails', 'Microsoft.Security/securityContacts/emails']);
    const template = details.deployment.properties.template;
    assert.match(template.$schema, /subscriptionDeploymentTemplate\.json#$/);
    const resource = template.resources[0];
    assert.deepEqual([resource.apiVersion, resource.name], ['2023-12-01-preview', 'default']);
    const resolved = JSON.parse(JSON.stringify(resource.properties).replace("[parameters('emails')]", 'soc@contoso.com').replace("[parameters('minimalSeverity')]", 'High'));
    assert.equal(validateContactBody('2023-12-01-preview', { properties: resolved }), null);
  });

  it('assignment with a system-assigned identity, Security Admin role assignment, remediation task and the az commands', () => {
    const assignment = plan.requests.deployAssignment.body as any;
    assert.deepEqual(assignment.identity, { type: 'SystemAssigned' });
    assert.equal(assignment.properties.parameters.emails.value, 'soc@contoso.com;cert@contoso.com');
    assert.match((plan.requests.roleAssignment.body as any).properties.roleDefinitionId, /roleDefinitions\/fb1c8493-542b-48eb-b624-b4c8fea62acd$/);
    assert.equal((plan.requests.auditAssignment.body as any).properties.policyDefinitionId, '/providers/Microsoft.Authorization/policyDefinitions/4f4f78b8-e367-4b10-a341-d9a4ad5cf1c7');
    const commands = plan.commands.join('\n');
    assert.match(commands, /az policy assignment create --name ward-contact-audit --scope '\/providers\/Microsoft\.Management\/managementGroups\/ward-prod' --policy 4f4f78b8-e367-4b10-a341-d9a4ad5cf1c7/);
    assert.match(commands, /az policy assignment create --name ward-contact-deploy .* --mi-system-assigned --location 'westeurope' --role fb1c8493-542b-48eb-b624-b4c8fea62acd/);
    assert.match(commands, /az policy remediation create --name ward-security-contact --policy-assignment '\/providers\/Microsoft\.Management\/managementGroups\/ward-prod\/providers\/Microsoft\.Authorization\/policyAssignments\/ward-contact-deploy'/);
    const notes = plan.notes.join('\n');
    assert.match(notes, /AuditIfNotExists: it reports, it cannot remediate/);
    assert.match(notes, /obsolete singular alias Microsoft\.Security\/securityContacts\/email/);
    const files = policyFiles(plan);
    assert.deepEqual(JSON.parse(files['policy-rules.json']!), definition.policyRule);
    assert.ok(files['commands.sh']!.startsWith('#!/usr/bin/env bash'));
  });
});

describe('ward policy apply against the emulator', () => {
  let emulator: RunningEmulator;
  let transport: ArmTransport;
  let collect: () => Promise<ReturnType<typeof normaliseCapture>>;

  before(async () => {
    emulator = await startEmulator({ captureDir: join(here, '../core/remediation/fixtures/mixed-tenant') });
    const env = { WARD_ARM_ENDPOINT: emulator.url };
    const credential = new ClientSecretCredential(emulator.credentials.tenantId, emulator.credentials.clientId, emulator.credentials.clientSecret, {
      authorityHost: emulator.url,
      disableInstanceDiscovery: true,
      agent: new Agent({ ca: [...tls.rootCertificates, emulator.caPem] }),
    });
    transport = createLiveArmTransport({ env, credential, ca: emulator.caPem, maxRetries: 1 });
    collect = async () => normaliseCapture(await collectCapture({ env, credential, ca: emulator.caPem, retryDelayMs: 5 }), { invalidBodies: 'error' });
  });
  after(async () => emulator?.close());

  it('creates definition, assignments, role and remediation; the task deploys the contact where none has an address', async () => {
    const plan = planPolicy({ scope: parsePolicyScope('ward-prod'), addresses: ['soc@contoso.com'] });
    const result = await applyPolicy(plan, transport);
    assert.equal(result.steps.length, 5);
    assert.match(result.principalId, /^[0-9a-f-]{36}$/);
    assert.deepEqual((result.remediation as any).properties.deploymentStatus, { totalDeployments: 2, successfulDeployments: 2, failedDeployments: 0 });
    const verdicts = new Map(evaluateControlInMemory(control, await collect()).map((f) => [f.assetId.slice(-3), f.status]));
    assert.equal(verdicts.get('102'), 'pass', 'prod: emails was empty, the policy deployed the contact');
    assert.equal(verdicts.get('105'), 'pass', 'prod: already configured, untouched');
    assert.equal(verdicts.get('108'), 'fail', 'prod: the legacy default1 without address still fails: ward remediate covers it');
    assert.equal(verdicts.get('101'), 'fail', 'not below ward-prod: untouched');
    const again = await applyPolicy(plan, transport);
    assert.deepEqual(again.steps.map((s) => s.status), [200, 200, 200, 200, 200], 'a second apply updates in place');
    assert.ok(policyObjects(emulator.state).byId.size >= 5);
  });

  it('a 403 names the role the step needs', async () => {
    const forbidden: ArmTransport = { armEndpoint: emulator.url, request: async () => ({ status: 403, body: { error: { code: 'AuthorizationFailed', message: 'no' } } }) };
    await assert.rejects(applyPolicy(planPolicy({ scope: parsePolicyScope('ward-prod'), addresses: ['soc@contoso.com'] }), forbidden), (error: unknown) =>
      isWardError(error) && /needs Resource Policy Contributor \(or Owner\)/.test(error.message),
    );
  });
});
