import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonReporter } from './json-reporter.js';
import { sampleReport } from './test-support/sample-report.js';

test('JSON: the plain reason in `reason`, the matched filters in `matched` (failures only)', () => {
  const { findings } = JSON.parse(jsonReporter(sampleReport(), { colour: false })) as { findings: Record<string, unknown>[] };
  const byAsset = (suffix: string) => findings.find((f) => String(f.assetId).endsWith(suffix))!;
  assert.equal(byAsset('02').reason, 'the address is empty <b>bold</b>\nsecond line');
  assert.deepEqual(byAsset('02').matched, [{ checkId: 'azure-defender-security-contact-email/check', filter: '{securityContacts_SOME: {email: ""}}' }]);
  assert.equal('matched' in byAsset('01'), false);
  assert.deepEqual(Object.keys(byAsset('03')), ['controlId', 'checkId', 'assetId', 'assetName', 'status', 'reason', 'severity'], 'the stable field names');
});
