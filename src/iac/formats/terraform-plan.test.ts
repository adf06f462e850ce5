import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeFixtureStore, findingFor, scanFixtures, verdicts } from '../test-support/scan-fixtures.js';
import { extractTerraformPlan } from './terraform-plan.js';

describe('terraformPlan format', () => {
  after(closeFixtureStore);

  it('judges known values, after_unknown and child modules, and ignores deletions', async () => {
    const result = await scanFixtures(['plan/plan.json']);
    assert.deepEqual(verdicts(result), [
      'fail plan/plan.json:55 module.platform.azurerm_security_center_contact.legacy',
      'pass plan/plan.json:80 azurerm_security_center_contact.known',
      'unknown plan/plan.json:91 azurerm_security_center_contact.computed',
    ]);
    assert.match(findingFor(result, 'azurerm_security_center_contact.computed').message, /after_unknown/);
    assert.ok(findingFor(result, 'module.platform.azurerm_security_center_contact.legacy').notes?.some((note) => /named `default1`/.test(note)));
  });

  it('treats an address absent from planned_values as unknown, not missing', async () => {
    const text = JSON.stringify({
      format_version: '1.2',
      terraform_version: '1.9.8',
      planned_values: { root_module: { resources: [{ address: 'azurerm_security_center_contact.x', mode: 'managed', type: 'azurerm_security_center_contact', name: 'x', values: { name: 'default' } }] } },
    });
    const { resources } = await extractTerraformPlan({ path: '/p.json', displayPath: 'p.json', text });
    assert.deepEqual(resources[0]?.unresolved.find((entry) => entry.path === 'properties.email'), { path: 'properties.email', reason: 'it is absent from planned_values, so known only after apply' });
  });

  it('warns when a plan creates a subscription and no contact', async () => {
    const result = await scanFixtures(['plan/landing-zone-plan.json']);
    assert.deepEqual(result.warnings.map((warning) => `${warning.file}:${warning.line} ${warning.resource}`), ['plan/landing-zone-plan.json:19 azurerm_subscription.workload']);
  });
});
