import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TERRAFORM_CONTACT_API_NOTE } from '../contact-notes.js';
import { closeFixtureStore, findingFor, scanFixtures, verdicts } from '../test-support/scan-fixtures.js';

describe('terraform format', () => {
  after(closeFixtureStore);

  it('judges literal addresses with the exact attribute or resource line', async () => {
    const result = await scanFixtures(['terraform/literal']);
    assert.deepEqual(verdicts(result), [
      'pass terraform/literal/main.tf:4 azurerm_security_center_contact.good',
      'fail terraform/literal/main.tf:12 azurerm_security_center_contact.empty',
      'fail terraform/literal/main.tf:20 azurerm_security_center_contact.blank',
      'fail terraform/literal/main.tf:25 azurerm_security_center_contact.invalid',
      'fail terraform/literal/main.tf:28 azurerm_security_center_contact.missing',
      'pass terraform/literal/main.tf:35 azurerm_security_center_contact.heredoc',
    ]);
    assert.equal(findingFor(result, 'azurerm_security_center_contact.good').column, 3);
    assert.equal(findingFor(result, 'azurerm_security_center_contact.missing').column, 1);
    assert.match(findingFor(result, 'azurerm_security_center_contact.invalid').message, /"not-an-address"/);
    assert.deepEqual(result.errors, []);
  });

  it('notes the 2017 API shape on every contact and the provider default name default1', async () => {
    const result = await scanFixtures(['terraform/literal']);
    assert.deepEqual(findingFor(result, 'azurerm_security_center_contact.good').notes, [TERRAFORM_CONTACT_API_NOTE]);
    const unnamed = findingFor(result, 'azurerm_security_center_contact.empty').notes ?? [];
    assert.equal(unnamed.length, 2);
    assert.match(unnamed[1] ?? '', /`default1` \(the provider default\).*only the name `default`/);
  });

  it('resolves variable defaults, terraform.tfvars, *.auto.tfvars.json and object attributes', async () => {
    const result = await scanFixtures(['terraform/variables']);
    assert.deepEqual(verdicts(result), [
      'pass terraform/variables/main.tf:3 azurerm_security_center_contact.default_only',
      'fail terraform/variables/main.tf:8 azurerm_security_center_contact.from_tfvars',
      'pass terraform/variables/main.tf:13 azurerm_security_center_contact.from_auto',
      'pass terraform/variables/main.tf:18 azurerm_security_center_contact.from_var_file',
      'unknown terraform/variables/main.tf:23 azurerm_security_center_contact.no_default',
      'pass terraform/variables/main.tf:28 azurerm_security_center_contact.object_attribute',
    ]);
    assert.match(findingFor(result, 'azurerm_security_center_contact.default_only').message, /defaults@contoso\.com \(from the default of var\.default_only\)/);
    assert.match(findingFor(result, 'azurerm_security_center_contact.from_tfvars').message, /"not an address" \(from var\.from_tfvars in terraform\/variables\/terraform\.tfvars\)/);
    assert.match(findingFor(result, 'azurerm_security_center_contact.from_auto').message, /contacts\.auto\.tfvars\.json/);
    assert.match(findingFor(result, 'azurerm_security_center_contact.from_var_file').message, /before-var-file@contoso\.com/);
    assert.match(findingFor(result, 'azurerm_security_center_contact.no_default').message, /var\.no_default has no default/);
  });

  it('lets --var-file override tfvars, later files winning (HCL and JSON)', async () => {
    const hcl = await scanFixtures(['terraform/variables'], { varFiles: ['terraform/variables/env/prod.tfvars'] });
    assert.match(findingFor(hcl, 'azurerm_security_center_contact.from_var_file').message, /prod-soc@contoso\.com \(from var\.from_var_file in terraform\/variables\/env\/prod\.tfvars\)/);
    assert.equal(findingFor(hcl, 'azurerm_security_center_contact.no_default').status, 'pass');
    const both = await scanFixtures(['terraform/variables'], { varFiles: ['terraform/variables/env/prod.tfvars', 'terraform/variables/env/prod.tfvars.json'] });
    assert.match(findingFor(both, 'azurerm_security_center_contact.from_var_file').message, /json-soc@contoso\.com/);
    assert.equal(findingFor(both, 'azurerm_security_center_contact.no_default').status, 'pass');
  });

  it('resolves locals and string interpolation', async () => {
    const result = await scanFixtures(['terraform/locals']);
    assert.deepEqual(verdicts(result), [
      'pass terraform/locals/main.tf:14 azurerm_security_center_contact.local',
      'pass terraform/locals/main.tf:19 azurerm_security_center_contact.interpolated',
      'pass terraform/locals/main.tf:24 azurerm_security_center_contact.template',
      'fail terraform/locals/main.tf:29 azurerm_security_center_contact.broken',
    ]);
    assert.match(findingFor(result, 'azurerm_security_center_contact.interpolated').message, /secops@contoso\.com, soc@contoso\.com \(from local\.addresses\)/);
    assert.match(findingFor(result, 'azurerm_security_center_contact.broken').message, /"secops@"/);
  });

  it('reports values known only at plan or apply as unknown with the reason, never pass', async () => {
    const result = await scanFixtures(['terraform/unknown']);
    assert.deepEqual(verdicts(result), [
      'unknown terraform/unknown/main.tf:9 azurerm_security_center_contact.from_data',
      'unknown terraform/unknown/main.tf:14 azurerm_security_center_contact.from_module',
      'unknown terraform/unknown/main.tf:19 azurerm_security_center_contact.from_function',
      'unknown terraform/unknown/main.tf:24 azurerm_security_center_contact.undeclared',
    ]);
    assert.match(findingFor(result, 'azurerm_security_center_contact.from_data').message, /data\.azurerm_client_config\.current\.object_id is read from a data source/);
    assert.match(findingFor(result, 'azurerm_security_center_contact.from_module').message, /module output/);
  });

  it('warns when a configuration creates a subscription without a security contact', async () => {
    const result = await scanFixtures(['terraform/landing-zone', 'terraform/landing-zone-with-contact']);
    assert.deepEqual(
      result.warnings.map((warning) => `${warning.kind} ${warning.file}:${warning.line} ${warning.resource}`),
      ['landing-zone-without-contact terraform/landing-zone/main.tf:1 azurerm_subscription.workload'],
    );
    assert.match(result.warnings[0]?.message ?? '', /start non-compliant/);
  });

  it('reports a syntax error with file, line, column and message, and still scans the other files', async () => {
    const result = await scanFixtures(['terraform/syntax-error', 'terraform/literal']);
    assert.deepEqual(result.errors, [
      {
        file: 'terraform/syntax-error/broken.tf',
        line: 3,
        column: 10,
        message: 'Terraform syntax error: Invalid expression; Expected the start of an expression, but found an invalid expression token.',
      },
    ]);
    assert.ok(verdicts(result).includes('pass terraform/syntax-error/good.tf:3 azurerm_security_center_contact.good'));
    assert.equal(result.findings.length, 7);
  });

  it('does not parse modules without the resource types of interest', async () => {
    const { controls: _controls, ...result } = await scanFixtures(['terraform/no-contacts']);
    assert.deepEqual(result, { findings: [], warnings: [], errors: [], filesScanned: 1 });
  });
});
