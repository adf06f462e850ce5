import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderControlPage } from '../core/control/render-control-page.js';
import { sarifReporter } from './sarif-reporter.js';
import { sampleReport } from './test-support/sample-report.js';
import { sarifValidator } from './test-support/sarif-validator.js';

test('the SARIF report is valid against the SARIF 2.1.0 JSON schema', () => {
  const validate = sarifValidator();
  const sarif = JSON.parse(sarifReporter(sampleReport(), { colour: false }));
  assert.equal(validate(sarif), true, JSON.stringify(validate.errors, null, 2));
  const empty = JSON.parse(sarifReporter({ ...sampleReport(), findings: [] }, { colour: false }));
  assert.equal(validate(empty), true, JSON.stringify(validate.errors, null, 2));
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false, 'the validator does reject invalid logs');
});

test('SARIF: a rule per control with its page as help, results for fail, error and excepted, ARM id locations', () => {
  const report = sampleReport();
  const run = JSON.parse(sarifReporter(report, { colour: false })).runs[0];
  const [rule] = run.tool.driver.rules;
  assert.equal(rule.id, 'azure-defender-security-contact-email');
  assert.equal(rule.help.markdown, renderControlPage(report.controls[0]!));
  assert.equal(rule.properties['security-severity'], '3.0');
  assert.ok(rule.helpUri.startsWith('https://'));
  const results = run.results as { level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } }; logicalLocations: { fullyQualifiedName: string }[] }[]; properties: { wardStatus: string }; suppressions?: { status: string; justification: string }[]; partialFingerprints: Record<string, string> }[];
  assert.deepEqual(results.map((r) => r.properties.wardStatus), ['fail', 'error', 'excepted', 'fail']);
  const [fail, error, excepted] = results;
  assert.equal(fail!.level, 'note', 'a low-severity control fails at note level');
  assert.equal(error!.level, 'warning', 'an unreadable subscription is at least a warning');
  assert.match(error!.message.text, /^Could not evaluate /);
  assert.equal(fail!.locations[0]!.logicalLocations[0]!.fullyQualifiedName, '/subscriptions/00000000-0000-4000-8000-000000000002');
  assert.equal(fail!.locations[0]!.physicalLocation.artifactLocation.uri, 'azure/subscriptions/00000000-0000-4000-8000-000000000002');
  assert.equal(excepted!.suppressions![0]!.status, 'accepted');
  assert.match(excepted!.suppressions![0]!.justification, /EX-1: accepted by secops@contoso\.com until 2026-06-30/);
});

test('SARIF fingerprints are stable across scans and differ between assets', () => {
  const first = JSON.parse(sarifReporter(sampleReport(), { colour: false })).runs[0].results;
  const later = sampleReport();
  const second = JSON.parse(sarifReporter({ ...later, scan: { ...later.scan, id: 8, finishedAt: '2026-04-01T00:00:00.000Z' }, findings: later.findings.map((f) => ({ ...f, reason: `${f.reason} (rescanned)` })) }, { colour: false })).runs[0].results;
  assert.deepEqual(first.map((r: { partialFingerprints: unknown }) => r.partialFingerprints), second.map((r: { partialFingerprints: unknown }) => r.partialFingerprints));
  assert.equal(new Set(first.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['wardFinding/v1'])).size, first.length);
});

test('SARIF says the plain reason and keeps the matched filter in the properties', () => {
  const [fail] = JSON.parse(sarifReporter(sampleReport(), { colour: false })).runs[0].results;
  assert.ok(fail.message.text.endsWith(': the address is empty <b>bold</b>\nsecond line'), fail.message.text);
  assert.ok(!fail.message.text.includes('matched'));
  assert.deepEqual(fail.properties.matched, [{ checkId: 'azure-defender-security-contact-email/check', filter: '{securityContacts_SOME: {email: ""}}' }]);
});
