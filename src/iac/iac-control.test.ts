import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_CONTROLS_DIR } from '../core/package-paths.js';
import { loadControls } from '../scan/load-controls.js';
import { LANDING_ZONE_RULE, OBSOLETE_API_NOTE_RULE } from './iac-control.js';
import { IAC_REPORTS } from './reports/index.js';
import { SAMPLE_RESULT } from './reports/test-support/sample-result.js';

test("ward iac's own rules do not collide with a control id", () => {
  const ids = loadControls(BUILTIN_CONTROLS_DIR).map((control) => control.id);
  assert.ok(ids.includes('azure-defender-security-contact-email'));
  for (const rule of [LANDING_ZONE_RULE, OBSOLETE_API_NOTE_RULE]) assert.ok(!ids.includes(rule.id), rule.id);
});

test('control metadata in reports comes from control.yaml', () => {
  const result = SAMPLE_RESULT;
  const email = result.controls.find((control) => control.id === 'azure-defender-security-contact-email');
  assert.ok(email);
  const sarif = JSON.parse(IAC_REPORTS.sarif(result, { colour: false, toolVersion: '0.1.0' })) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string }; properties: { tags: string[] } }> } } }> };
  const rule = sarif.runs[0]?.tool.driver.rules.find((candidate) => candidate.id === email.id);
  assert.equal(rule?.shortDescription.text, email.title);
  for (const mapping of email.frameworks) assert.ok(rule?.properties.tags.includes(`${mapping.framework} ${mapping.version} ${mapping.requirement}`));
});
