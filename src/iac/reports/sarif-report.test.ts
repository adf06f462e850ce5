import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sarifReport } from './sarif-report.js';
import { SAMPLE_RESULT } from './test-support/sample-result.js';
import { sarifValidator } from '../../reporters/test-support/sarif-validator.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('sarifReport', () => {
  const sarif = JSON.parse(sarifReport(SAMPLE_RESULT, { colour: false, toolVersion: '0.1.0' })) as Json;
  const run = sarif.runs[0] as Json;

  it('is valid against the SARIF 2.1.0 JSON schema', () => {
    const validate = sarifValidator();
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors, null, 2));
  });

  it('is SARIF 2.1.0 with a driver, a rule per control (from control.yaml) plus the two ward iac rules, and one run', () => {
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.equal(sarif.runs.length, 1);
    assert.equal(run.tool.driver.name, 'ward');
    const rules = run.tool.driver.rules as Json[];
    assert.deepEqual(rules.map((rule) => rule.id), [...SAMPLE_RESULT.controls.map((control) => control.id), 'ward-iac-landing-zone-contact', 'ward-iac-security-contact-current-api']);
    for (const control of SAMPLE_RESULT.controls) {
      const rule = rules.find((candidate) => candidate.id === control.id) as Json;
      assert.equal(rule.shortDescription.text, control.title);
      assert.equal(rule.fullDescription.text, control.overview);
      assert.ok(rule.help.text && rule.help.markdown);
      assert.ok(rule.helpUri.startsWith('https://'));
    }
    const owners = rules.find((rule) => rule.id === 'azure-defender-security-contact-notify-owners') as Json;
    assert.equal(owners.properties['security-severity'], '5.5');
  });

  it('gives every result a rule, a level, a message and a relative physical location with uriBaseId', () => {
    const ruleIds = new Set((run.tool.driver.rules as Json[]).map((rule) => rule.id));
    for (const result of run.results as Json[]) {
      assert.ok(ruleIds.has(result.ruleId), result.ruleId);
      assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(result.level));
      assert.ok(result.message.text.length > 0);
      const location = result.locations[0].physicalLocation;
      assert.equal(location.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.ok(!location.artifactLocation.uri.startsWith('/'));
      assert.ok(Number.isInteger(location.region.startLine) && location.region.startLine >= 1);
    }
    assert.ok(run.originalUriBaseIds['%SRCROOT%']);
  });

  it('reports failures as errors, unknown as warnings, passes not at all; notes once per resource and landing zones as their own rules', () => {
    const summary = (run.results as Json[]).map((result) => `${result.ruleId} ${result.level} ${result.locations[0].physicalLocation.artifactLocation.uri}:${result.locations[0].physicalLocation.region.startLine}`);
    assert.deepEqual(summary, [
      'ward-iac-security-contact-current-api note infra/main.tf:2',
      'azure-defender-security-contact-notify-owners error infra/main.tf:6',
      'azure-defender-security-contact-email error infra/main.tf:12',
      'azure-defender-security-contact-email warning arm/t.json:9',
      'ward-iac-landing-zone-contact warning lz/main.tf:1',
    ]);
  });

  it('reports input errors as notifications of an unsuccessful run', () => {
    const invocation = run.invocations[0] as Json;
    assert.equal(invocation.executionSuccessful, false);
    assert.equal(invocation.toolExecutionNotifications[0].locations[0].physicalLocation.region.startLine, 3);
    assert.equal(invocation.toolExecutionNotifications[0].locations[0].physicalLocation.artifactLocation.uri, 'broken/x.tf');
  });
});
