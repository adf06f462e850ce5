import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeFixtureStore, findingFor, scanFixtures, verdicts } from '../test-support/scan-fixtures.js';

/** azapi_resource contacts (the only way Terraform writes the current api-version) in .tf, .tf.json and plan JSON. */
describe('azapi_resource security contacts', () => {
  after(closeFixtureStore);

  it('reads an HCL object body (azapi 2.x): pass, fail and unknown at the `emails` line; other azapi types are ignored', async () => {
    const result = await scanFixtures(['azapi/hcl-body']);
    assert.deepEqual(verdicts(result), [
      'pass azapi/hcl-body/main.tf:13 azapi_resource.pass',
      'fail azapi/hcl-body/main.tf:33 azapi_resource.fail',
      'unknown azapi/hcl-body/main.tf:49 azapi_resource.unknown',
    ]);
    assert.match(findingFor(result, 'azapi_resource.pass').message, /^`body\.properties\.emails` names 2 valid addresses: secops@contoso\.com, soc@contoso\.com \(check: not returned by: /);
    assert.match(findingFor(result, 'azapi_resource.fail').message, /^`body\.properties\.emails` is empty: no security contact address is set \(check: a security contact's address is empty; a security contact has no usable address\)$/);
    assert.match(findingFor(result, 'azapi_resource.unknown').message, /^`body\.properties\.emails` cannot be resolved statically: var\.security_emails has no default/);
    assert.equal(findingFor(result, 'azapi_resource.pass').column, 7);
    assert.deepEqual(findingFor(result, 'azapi_resource.pass').notes, []);
    assert.deepEqual(result.errors, []);
  });

  it('reads a jsonencode() body (azapi 1.x), resolving locals inside it, with the api-version from `type`', async () => {
    const result = await scanFixtures(['azapi/jsonencode']);
    assert.deepEqual(verdicts(result), [
      'pass azapi/jsonencode/main.tf:17 azapi_resource.pass',
      'fail azapi/jsonencode/main.tf:36 azapi_resource.fail',
      'unknown azapi/jsonencode/main.tf:49 azapi_resource.unknown',
      'fail azapi/jsonencode/main.tf:54 azapi_resource.legacy', // no `email`: the resource line
    ]);
    assert.match(findingFor(result, 'azapi_resource.pass').message, /^`body\.properties\.emails` names 1 valid address: secops@contoso\.com /);
    assert.match(findingFor(result, 'azapi_resource.fail').message, /"not-an-address"/);
    const legacy = findingFor(result, 'azapi_resource.legacy');
    assert.match(legacy.message, /^`body\.properties\.email` is missing/);
    assert.ok(legacy.notes?.some((note) => /2017-08-01-preview is obsolete/.test(note)));
    assert.ok(legacy.notes?.some((note) => /`body\.properties\.emails` is not read by api-version 2017-08-01-preview; it reads `email`/.test(note)));
    assert.ok(legacy.notes?.some((note) => /named `default1`/.test(note)));
  });

  it('reads .tf.json: object bodies, "${jsonencode(…)}" strings and azurerm contacts, with their lines', async () => {
    const result = await scanFixtures(['azapi/tf-json']);
    assert.deepEqual(verdicts(result), [
      'pass azapi/tf-json/main.tf.json:14 azapi_resource.pass',
      'fail azapi/tf-json/main.tf.json:24 azapi_resource.fail', // a one-line jsonencode: the `body` line
      'unknown azapi/tf-json/main.tf.json:33 azapi_resource.unknown',
      'pass azapi/tf-json/main.tf.json:40 azurerm_security_center_contact.legacy',
    ]);
    assert.match(findingFor(result, 'azapi_resource.fail').message, /^`body\.properties\.emails` is empty/);
    assert.match(findingFor(result, 'azapi_resource.unknown').message, /var\.security_emails has no default/);
    assert.match(findingFor(result, 'azurerm_security_center_contact.legacy').message, /^`email` names 1 valid address/);
  });

  it('reads plan JSON: an object body (azapi 2.x), a JSON string body (azapi 1.x) and after_unknown inside the body', async () => {
    const result = await scanFixtures(['azapi/plan']);
    assert.deepEqual(verdicts(result), [
      'pass azapi/plan/azapi-plan.json:129 azapi_resource.object_body',
      'fail azapi/plan/azapi-plan.json:172 azapi_resource.string_body',
      'unknown azapi/plan/azapi-plan.json:198 module.platform.azapi_resource.computed',
    ]);
    assert.match(findingFor(result, 'module.platform.azapi_resource.computed').message, /^`body\.properties\.emails` cannot be resolved statically: the plan marks it after_unknown/);
  });

  it('warns when azapi creates a subscription (Microsoft.Subscription/aliases) and the configuration deploys no contact', async () => {
    const result = await scanFixtures(['azapi/landing-zone', 'azapi/passing']);
    assert.deepEqual(
      result.warnings.map((warning) => `${warning.kind} ${warning.file}:${warning.line} ${warning.resource}`),
      ['landing-zone-without-contact azapi/landing-zone/main.tf:2 azapi_resource.workload'],
    );
  });

  it('reports a .tf.json syntax error with its position', async () => {
    const { extractIac } = await import('../scan-iac.js');
    const { nodeIacHost } = await import('../node-iac-host.js');
    const text = '{\n  "resource": {\n    "azapi_resource": { "c": { "type": "Microsoft.Security/securityContacts@2023-12-01-preview" } }\n  },\n}\n';
    const host = { ...nodeIacHost('/'), readText: async () => text, listDir: async () => [] };
    const extracted = await extractIac(['/x/main.tf.json'], { host, options: { varFiles: [], parameterFiles: [] }, cache: new Map() });
    assert.deepEqual(extracted.errors, [{ file: 'x/main.tf.json', line: 5, column: 1, message: 'JSON syntax error: property name expected' }]);
  });

  it('makes a body that normalisation rejects an input error at its line', async () => {
    const { extractIac } = await import('../scan-iac.js');
    const { judgeIacResources } = await import('../judge-iac-resources.js');
    const { fixtureEvaluator, shippedControls } = await import('../test-support/scan-fixtures.js');
    const { nodeIacHost } = await import('../node-iac-host.js');
    const text = 'resource "azapi_resource" "bad" {\n  type = "Microsoft.Security/securityContacts@2023-12-01-preview"\n  name = "default"\n  body = {\n    properties = {\n      isEnabled = "yes"\n    }\n  }\n}\n';
    const host = { ...nodeIacHost('/'), readText: async () => text, listDir: async () => [] };
    const extracted = await extractIac(['/x/main.tf'], { host, options: { varFiles: [], parameterFiles: [] }, cache: new Map() });
    const judged = await judgeIacResources(extracted.resources, shippedControls(), { evaluate: fixtureEvaluator });
    assert.deepEqual(judged.findings, []);
    assert.equal(judged.errors.length, 1);
    assert.equal(judged.errors[0]?.line, 6);
    assert.match(judged.errors[0]?.message ?? '', /^azapi_resource\.bad: `body\.properties\.isEnabled` expected a boolean, found "yes"/);
  });
});
