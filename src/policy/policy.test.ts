import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import tls from 'node:tls';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ClientSecretCredential } from '@azure/identity';
import { collectCapture } from '../connectors/azure/collect-capture.js';
import { normaliseCapture } from '../core/inventory/normalise-capture.js';
import { isWardError } from '../core/errors.js';
import { BUILTIN_CONTROLS_DIR } from '../core/package-paths.js';
import { validateContactBody } from '../emulator/contact-schemas.js';
import { policyObjects } from '../emulator/policy-routes.js';
import { startEmulator, type RunningEmulator } from '../emulator/start-emulator.js';
import { createLiveArmTransport, type ArmTransport } from '../remediation/arm-transport.js';
import { evaluateInventory } from '../scan/evaluate-inventory.js';
import { loadControls } from '../scan/load-controls.js';
import { main } from '../cli/main.js';
import type { Capture } from '../core/inventory/capture.js';
import type { Control } from '../core/model.js';
import { applyPolicy } from './apply-policy.js';
import { parsePolicyScope, planPolicy, policyFiles, SECURITY_ADMIN_ROLE_ID } from './policy-artifacts.js';
import { evaluatePolicyCondition } from '../emulator/policy-condition.js';

/**
 * Whether a contact's properties meet an existence condition, by the emulator's evaluator of the Azure Policy
 * condition language (the one its policy remediation runs), so the tests and the emulator cannot disagree.
 */
function evaluateExistenceCondition(condition: unknown, properties: Record<string, unknown>, parameters: Readonly<Record<string, unknown>>): boolean {
  const top = { type: 'Microsoft.Security/securityContacts', name: 'default' };
  return evaluatePolicyCondition(condition, { top, properties, aliasPrefix: 'Microsoft.Security/securityContacts/' }, parameters);
}

const here = fileURLToPath(new URL('.', import.meta.url));
const controls = loadControls(BUILTIN_CONTROLS_DIR);
const control = controls.find((c) => c.id === 'azure-defender-security-contact-email')!;
const FOUR: Control[] = controls.filter((c) => c.id.startsWith('azure-defender-security-contact-'));
const withLevels = (minimalSeverity: string, minimalRiskLevel: string): Control[] =>
  FOUR.map((c) =>
    c.id.endsWith('alert-severity') ? { ...c, parameterValues: { minimalSeverity } } : c.id.endsWith('attack-path') ? { ...c, parameterValues: { minimalRiskLevel } } : c,
  );

/** The template's contact properties with the deployment parameters in place of the expressions. */
function resolveTemplate(value: unknown, parameters: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const match = /^\[parameters\('([^']+)'\)\]$/.exec(value);
    return match ? parameters[match[1]!] : value;
  }
  if (Array.isArray(value)) return value.map((item) => resolveTemplate(item, parameters));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTemplate(v, parameters)]));
  return value;
}

/** An inventory with one subscription per contact body, each holding only that `default` contact. */
function tenantOf(bodies: readonly Record<string, unknown>[]): Capture {
  const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    subscriptions: { source: 'test', body: { value: bodies.map((_, n) => ({ subscriptionId: id(n), displayName: `s${n}`, state: 'Enabled' })) } },
    securityContacts: new Map(
      bodies.map((properties, n) => [id(n), { source: 'test', body: { value: [{ id: `/subscriptions/${id(n)}/providers/Microsoft.Security/securityContacts/default`, name: 'default', properties }] } }]),
    ),
  };
}

describe('policy artifacts', () => {
  const plan = planPolicy({ scope: parsePolicyScope('ward-prod'), addresses: ['soc@contoso.com', 'cert@contoso.com'] });
  const definition = plan.requests.definition.body.properties as any;

  it('parses management-group and subscription scopes, and refuses anything else', () => {
    assert.deepEqual(parsePolicyScope('/providers/Microsoft.Management/managementGroups/corp'), { kind: 'managementGroup', id: '/providers/Microsoft.Management/managementGroups/corp', name: 'corp' });
    assert.equal(parsePolicyScope('/subscriptions/00000000-0000-4000-8000-000000000101').kind, 'subscription');
    assert.throws(() => parsePolicyScope('/subscriptions/nope'), /not a subscription id/);
    assert.throws(() => parsePolicyScope('/resourceGroups/x'), /--scope must be/);
  });

  it('a DeployIfNotExists on subscriptions that deploys the 2023 default contact satisfying the whole family', () => {
    assert.deepEqual(definition.policyRule.if, { field: 'type', equals: 'Microsoft.Resources/subscriptions' });
    const details = definition.policyRule.then.details;
    assert.equal(details.type, 'Microsoft.Security/securityContacts');
    assert.equal(details.deploymentScope, 'subscription');
    assert.deepEqual(details.roleDefinitionIds, [`/providers/Microsoft.Authorization/roleDefinitions/${SECURITY_ADMIN_ROLE_ID}`]);
    const template = details.deployment.properties.template;
    assert.match(template.$schema, /subscriptionDeploymentTemplate\.json#$/);
    const resource = template.resources[0];
    assert.deepEqual([resource.apiVersion, resource.name], ['2023-12-01-preview', 'default']);
    const resolved = resolveTemplate(resource.properties, { emails: 'soc@contoso.com', minimalSeverity: 'High', minimalRiskLevel: 'High' });
    assert.deepEqual(resolved, {
      emails: 'soc@contoso.com',
      isEnabled: true,
      notificationsByRole: { state: 'On', roles: ['Owner'] },
      notificationsSources: [
        { sourceType: 'Alert', minimalSeverity: 'High' },
        { sourceType: 'AttackPath', minimalRiskLevel: 'High' },
      ],
    });
    assert.equal(validateContactBody('2023-12-01-preview', { properties: resolved }), null);
    assert.deepEqual(Object.keys(details.deployment.properties.parameters), ['emails', 'minimalSeverity', 'minimalRiskLevel']);
  });

  it('what the deployment writes passes all four controls as the engine judges them, at the thresholds in force', async () => {
    const details = definition.policyRule.then.details;
    for (const [severity, risk] of [['High', 'High'], ['Medium', 'Low'], ['Low', 'Critical']] as const) {
      const tuned = planPolicy({ scope: parsePolicyScope('ward-prod'), addresses: ['soc@contoso.com'], levels: { minimalSeverity: severity, minimalRiskLevel: risk } });
      const parameters = Object.fromEntries(Object.entries((tuned.requests.deployAssignment.body as any).properties.parameters).map(([k, v]) => [k, (v as { value: unknown }).value]));
      assert.deepEqual(parameters, { emails: 'soc@contoso.com', minimalSeverity: severity, minimalRiskLevel: risk });
      const deployed = resolveTemplate(details.deployment.properties.template.resources[0].properties, parameters) as Record<string, unknown>;
      const findings = await evaluateInventory(withLevels(severity, risk), normaliseCapture(tenantOf([deployed])));
      assert.deepEqual(findings.map((f) => f.status), ['pass', 'pass', 'pass', 'pass'], `${severity}/${risk}`);
      assert.equal(evaluateExistenceCondition(details.existenceCondition, deployed, parameters), true, 'and it is compliant: no redeployment loop');
    }
  });

  it('the existence condition accepts exactly the contacts that pass all four controls (every combination, two threshold settings)', async () => {
    const condition = definition.policyRule.then.details.existenceCondition;
    const bodies: Record<string, unknown>[] = [];
    for (const emails of ['', 'soc@contoso.com'])
      for (const isEnabled of [true, false])
        for (const byRole of [{ state: 'On', roles: ['Owner'] }, { state: 'Off', roles: ['Owner'] }, { state: 'On', roles: ['Contributor', 'Owner'] }, { state: 'On', roles: ['Contributor'] }])
          for (const alert of [undefined, 'Low', 'Medium', 'High'])
            for (const risk of [undefined, 'Low', 'Medium', 'High', 'Critical'])
              bodies.push({
                emails,
                isEnabled,
                notificationsByRole: byRole,
                notificationsSources: [
                  ...(alert ? [{ sourceType: 'Alert', minimalSeverity: alert }] : []),
                  ...(risk ? [{ sourceType: 'AttackPath', minimalRiskLevel: risk }] : []),
                ],
              });
    const inventory = normaliseCapture(tenantOf(bodies));
    for (const [severity, risk] of [['High', 'High'], ['Medium', 'Low']] as const) {
      const findings = await evaluateInventory(withLevels(severity, risk), inventory);
      const parameters = { emails: 'x@contoso.com', minimalSeverity: severity, minimalRiskLevel: risk };
      let compliant = 0;
      bodies.forEach((body, n) => {
        const assetId = inventory.connectors[n]!.id;
        const passes = findings.filter((f) => f.assetId === assetId).every((f) => f.status === 'pass');
        const accepted = evaluateExistenceCondition(condition, body, parameters);
        assert.equal(accepted, passes, `${severity}/${risk}: ${JSON.stringify(body)}`);
        if (accepted) compliant += 1;
      });
      assert.ok(compliant > 0 && compliant < bodies.length);
    }
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
    assert.deepEqual((result.remediation as any).properties.deploymentStatus, { totalDeployments: 3, successfulDeployments: 3, failedDeployments: 0 });
    const verdicts = new Map((await evaluateInventory([control], await collect())).map((f) => [f.assetId.slice(-3), f.status]));
    assert.equal(verdicts.get('102'), 'pass', 'prod: emails was empty, the policy deployed the contact');
    assert.equal(verdicts.get('105'), 'pass', 'prod: no attack-path source, so ward\'s own definition redeploys it (as Azure would); it passes after');
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

describe('ward policy plan (in process)', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const run = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await main(args, {
      stdout: { write: (text: string) => (out += text), isTTY: false },
      stderr: { write: (text: string) => (err += text), isTTY: false },
      stdin: Readable.from(['']),
      env: { NO_COLOR: '1' },
      cwd: root,
      now: () => new Date('2026-01-10T09:00:00Z'),
    });
    return { code, out, err };
  };

  it('deploys at the thresholds the controls hold in force; a flag may only lower them', async () => {
    const tuned = await run('policy', 'plan', '--scope', 'ward-prod', '--email', 'soc@contoso.com', '--format', 'json', '--param', 'azure-defender-security-contact-alert-severity.minimalSeverity=Medium');
    assert.equal(tuned.code, 0, tuned.err);
    const parameters = JSON.parse(tuned.out).requests.deployAssignment.body.properties.parameters;
    assert.deepEqual(parameters, { emails: { value: 'soc@contoso.com' }, minimalSeverity: { value: 'Medium' }, minimalRiskLevel: { value: 'High' } });
    const lower = await run('policy', 'plan', '--scope', 'ward-prod', '--email', 'soc@contoso.com', '--format', 'json', '--severity', 'Low', '--risk-level', 'Medium');
    assert.equal(lower.code, 0, lower.err);
    assert.equal(JSON.parse(lower.out).requests.deployAssignment.body.properties.parameters.minimalRiskLevel.value, 'Medium');
    const higher = await run('policy', 'plan', '--scope', 'ward-prod', '--email', 'soc@contoso.com', '--severity', 'High', '--param', 'azure-defender-security-contact-alert-severity.minimalSeverity=Medium');
    assert.equal(higher.code, 2);
    assert.match(higher.err, /--severity High is above the Medium that azure-defender-security-contact-alert-severity\.minimalSeverity requires/);
  });
});
