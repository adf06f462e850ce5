import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonReport } from './json-report.js';
import { SAMPLE_RESULT } from './test-support/sample-result.js';
import { tableReport } from './table-report.js';

describe('tableReport', () => {
  it('prints one row per (resource, control) with file:line, notes once per resource, warnings, errors and a summary', () => {
    const text = tableReport(SAMPLE_RESULT, { colour: false, toolVersion: '0.1.0' });
    assert.doesNotMatch(text, /\u001b\[/);
    assert.match(text, /^FAIL +infra\/main\.tf:12 +azurerm_security_center_contact\.empty +azure-defender-security-contact-email +`email` is empty/m);
    assert.match(text, /^FAIL +infra\/main\.tf:6 +azurerm_security_center_contact\.good +azure-defender-security-contact-notify-owners +`alerts_to_admins`.*\n +note: api note$/m);
    assert.equal(text.match(/note: api note/g)?.length, 1);
    assert.match(text, /^WARNING lz\/main\.tf:1 azurerm_subscription\.w/m);
    assert.match(text, /^ERROR broken\/x\.tf:3:10: Terraform syntax error/m);
    assert.match(text, /4 file\(s\), 3 security contact\(s\), 2 control\(s\): 1 pass, 2 fail, 1 unknown; 1 warning\(s\), 1 input error\(s\)/);
  });

  it('colours only when asked', () => {
    assert.match(tableReport(SAMPLE_RESULT, { colour: true, toolVersion: '0.1.0' }), /\u001b\[31mFAIL/);
  });
});

describe('jsonReport', () => {
  it('keeps the documented field names and a summary', () => {
    const document = JSON.parse(jsonReport(SAMPLE_RESULT, { colour: false, toolVersion: '0.1.0' })) as Record<string, unknown>;
    const findings = document.findings as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(findings[2] ?? {}), ['file', 'line', 'column', 'resource', 'resourceLine', 'controlId', 'status', 'message', 'severity']);
    assert.deepEqual(document.summary, { files: 4, resources: 3, findings: 4, pass: 1, fail: 2, unknown: 1, warnings: 1, errors: 1 });
    assert.deepEqual((document.controls as Array<{ id: string }>).map((control) => control.id), SAMPLE_RESULT.controls.map((control) => control.id));
  });
});
