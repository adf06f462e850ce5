import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Control, Finding } from '../core/model.js';
import { contactResource, type IacContactResource } from './contact-resource.js';
import { readsOfControl } from './control-reads.js';
import { iacInventory } from './iac-inventory.js';
import { iacFindingsFromVerdicts } from './judge-iac-resources.js';
import { closeFixtureStore, EMAIL_CONTROL_ID, findingFor, scanFixtures, shippedControls } from './test-support/scan-fixtures.js';

const OWNERS = 'azure-defender-security-contact-notify-owners';
const SEVERITY = 'azure-defender-security-contact-alert-severity';
const ATTACK_PATH = 'azure-defender-security-contact-attack-path';
const FAMILY = [OWNERS, SEVERITY, ATTACK_PATH];
const haveFamily = FAMILY.every((id) => shippedControls().some((control) => control.id === id));
const familySkip = haveFamily ? false : `the family controls (${FAMILY.join(', ')}) are not in controls/ yet`;

const emailControl = (): Control => shippedControls().find((control) => control.id === EMAIL_CONTROL_ID) as Control;

describe('judging IaC resources with the stored checks', () => {
  after(closeFixtureStore);

  it('runs every shipped control through the engine: a complete 2023 contact passes them all', async () => {
    const result = await scanFixtures(['azapi/passing'], { controls: shippedControls() });
    assert.deepEqual(
      result.findings.map((finding) => `${finding.controlId} ${finding.status}`),
      shippedControls().map((control) => `${control.id} pass`),
    );
    assert.ok(result.findings.every((finding) => finding.severity === shippedControls().find((control) => control.id === finding.controlId)?.severity));
  });

  it('judges the family controls on code: owners, alert severity and attack paths, at the line of what they read', { skip: familySkip }, async () => {
    const result = await scanFixtures(['azapi/hcl-body'], { controls: shippedControls() });
    const status = (resource: string, control: string): string => {
      const finding = findingFor(result, resource, control);
      return `${finding.status}:${finding.line}`;
    };
    // Owner in notificationsByRole (and an Alert source) passes; Contributor only fails, pointing at notificationsByRole
    assert.equal(status('azapi_resource.pass', OWNERS), 'pass:14');
    assert.equal(status('azapi_resource.fail', OWNERS), 'fail:34');
    assert.match(findingFor(result, 'azapi_resource.fail', OWNERS).message, /^`body\.properties\.notificationsByRole` is \{"roles":\["Contributor"\],"state":"On"\}.*\(check: no enabled security contact emails the subscription owners\)$/);
    assert.equal(status('azapi_resource.pass', SEVERITY), 'pass:18');
    assert.equal(status('azapi_resource.fail', SEVERITY), 'fail:26');
    assert.match(findingFor(result, 'azapi_resource.fail', SEVERITY).message, /`body\.properties\.notificationsSources` is not set/);
    assert.equal(status('azapi_resource.pass', ATTACK_PATH), 'pass:18');
    // an unresolved address leaves the controls that do not read it judged
    assert.equal(status('azapi_resource.unknown', EMAIL_CONTROL_ID), 'unknown:49');
    assert.equal(status('azapi_resource.unknown', OWNERS), 'pass:50');
    assert.equal(status('azapi_resource.unknown', SEVERITY), 'pass:54');
    assert.equal(status('azapi_resource.unknown', ATTACK_PATH), 'fail:54');
  });

  it('is unknown for every control, never pass, when the whole body is unresolved, naming it', async () => {
    const result = await scanFixtures(['azapi/unknown-body'], { controls: shippedControls() });
    assert.equal(result.findings.length, shippedControls().length);
    for (const finding of result.findings) {
      assert.equal(finding.status, 'unknown', finding.controlId);
      assert.equal(finding.line, 10);
      assert.match(finding.message, /^`body\.properties` cannot be resolved statically: var\.contact_body has no default/);
    }
  });

  it('gives no finding for a file without contact resources', async () => {
    const result = await scanFixtures(['terraform/no-contacts', 'arm/not-a-template.json'], { controls: shippedControls() });
    assert.deepEqual(result.findings, []);
  });
});

describe('iacFindingsFromVerdicts', () => {
  const resource = (properties: Record<string, unknown>, unresolved: IacContactResource['unresolved'] = []): IacContactResource =>
    contactResource({
      file: 'main.json',
      at: { line: 5, column: 7 },
      resource: "Microsoft.Security/securityContacts 'default'",
      format: 'arm',
      spelling: 'arm',
      apiVersion: { value: '2023-12-01-preview' },
      name: { value: 'default' },
      properties: { value: properties, unresolved, sources: new Map() },
      positions: new Map([['properties.emails', { line: 9, column: 9 }]]),
    });
  const verdictFor = (assetId: string, status: Finding['status'], reason: string): Finding => ({
    controlId: EMAIL_CONTROL_ID,
    checkId: `${EMAIL_CONTROL_ID}/check`,
    assetId,
    assetName: null,
    status,
    reason,
    severity: 'low',
  });

  it('maps the engine verdict back to the resource, at the line of the property the control reads', () => {
    const resources = [resource({ emails: 'soc@contoso.com', isEnabled: true })];
    const { resourceOf, inventory } = iacInventory(resources);
    const connector = inventory.connectors[0]?.id ?? '';
    const judged = iacFindingsFromVerdicts(resources, [emailControl()], resourceOf, [verdictFor(connector, 'pass', 'not returned by: x')]);
    assert.deepEqual(
      judged.findings.map((finding) => [finding.status, finding.line, finding.message]),
      [['pass', 9, '`properties.emails` names 1 valid address: soc@contoso.com (check: not returned by: x)']],
    );
  });

  it('never passes an unresolved value the control reads, whatever the engine says', () => {
    const resources = [resource({ isEnabled: true }, [{ path: 'properties.emails', reason: 'parameter p has no defaultValue' }])];
    const { resourceOf, inventory } = iacInventory(resources);
    const judged = iacFindingsFromVerdicts(resources, [emailControl()], resourceOf, [verdictFor(inventory.connectors[0]?.id ?? '', 'pass', 'x')]);
    assert.equal(judged.findings[0]?.status, 'unknown');
    assert.equal(judged.findings[0]?.message, '`properties.emails` cannot be resolved statically: parameter p has no defaultValue');
  });

  it('turns a check that could not run into unknown plus an input error (exit 2), not a pass', () => {
    const resources = [resource({ emails: 'soc@contoso.com' })];
    const { resourceOf, inventory } = iacInventory(resources);
    const judged = iacFindingsFromVerdicts(resources, [emailControl()], resourceOf, [verdictFor(inventory.connectors[0]?.id ?? '', 'error', 'the check could not run: boom')]);
    assert.equal(judged.findings[0]?.status, 'unknown');
    assert.equal(judged.errors.length, 1);
    assert.match(judged.errors[0]?.message ?? '', /^control azure-defender-security-contact-email: the check could not run: boom/);
  });
});

describe('readsOfControl', () => {
  it('reads the address fields for the email control, from its stored checks', () => {
    assert.deepEqual(readsOfControl(emailControl()), { paths: ['properties.email', 'properties.emails'], subscriptionFields: [] });
  });

  it('maps derived fields back to the properties they come from', { skip: familySkip }, () => {
    const owners = shippedControls().find((control) => control.id === OWNERS) as Control;
    assert.deepEqual(readsOfControl(owners).paths, ['properties.notificationsByRole', 'properties.alertsToAdmins', 'properties.isEnabled']);
  });

  it('marks subscription fields code does not declare, and checks over the whole inventory', () => {
    const email = emailControl();
    const check = email.checks[0];
    assert.ok(check);
    const tenant: Control = { ...email, checks: [{ ...check, query: '{ connectors(where: { tenantId: null }) { ...AssetFragment } }' }] };
    assert.deepEqual(readsOfControl(tenant).subscriptionFields, ['tenantId']);
    const counted: Control = { ...email, checks: [{ ...check, expect: { kind: 'count', op: 'eq', value: 0, source: 'count == 0' } }] };
    assert.equal(readsOfControl(counted).wholeInventory, 'count == 0');
  });
});
