import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonReporter } from './json-reporter.js';
import { reportString } from './scan-report.js';
import { sampleReport } from './test-support/sample-report.js';

test('JSON: the plain reason in `reason`, the matched filters in `matched` (failures only)', () => {
  const { findings } = JSON.parse(reportString(jsonReporter(sampleReport(), { colour: false }))) as { findings: Record<string, unknown>[] };
  const byAsset = (suffix: string) => findings.find((f) => String(f.assetId).endsWith(suffix))!;
  assert.equal(byAsset('02').reason, 'the address is empty <b>bold</b>\nsecond line');
  assert.deepEqual(byAsset('02').matched, [{ checkId: 'azure-defender-security-contact-email/check', filter: '{securityContacts_SOME: {email: ""}}' }]);
  assert.equal('matched' in byAsset('01'), false);
  assert.deepEqual(Object.keys(byAsset('03')), ['controlId', 'checkId', 'assetId', 'assetName', 'status', 'reason', 'severity'], 'the stable field names');
});

/** What one JSON.stringify(body, null, 2) makes of the report's content, as the report was made before it came in pieces. */
function wholeReport(report: ReturnType<typeof sampleReport>): string {
  const body = JSON.parse(reportString(jsonReporter(report, { colour: false }))) as Record<string, unknown>;
  return `${JSON.stringify(body, null, 2)}\n`;
}

test('JSON: written in pieces, the text is byte for byte one JSON.stringify of the body, whatever the number of findings', () => {
  const base = sampleReport();
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      ...base.findings[i % base.findings.length]!,
      assetId: `/subscriptions/${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
      // names that JSON escapes, and text past the BMP
      assetName: i % 3 === 0 ? `line\nbreak\u2028 "quoted" \\ tab\t 𝔘` : `sub ${i}`,
    }));
  // around the piece size (50 findings) and well past it
  for (const findings of [[], base.findings, many(49), many(50), many(51), many(1_234)]) {
    const report = { ...base, findings };
    const text = jsonReporter(report, { colour: false });
    assert.notEqual(typeof text, 'string', 'a generator of pieces');
    const pieces = [...(text as Iterable<string>)];
    const joined = pieces.join('');
    assert.equal(joined, wholeReport(report), `${findings.length} findings`);
    assert.equal((JSON.parse(joined) as { findings: unknown[] }).findings.length, findings.length);
    if (findings.length > 50) assert.ok(pieces.length > 3, 'more than one piece of findings');
  }
});

test('JSON: findings that share a reason text still get their own check in `matched`', () => {
  const base = sampleReport();
  const failing = base.findings.find((f) => f.status === 'fail' && f.reason.includes('(matched ['))!;
  const findings = ['a-control', 'b-control', 'a-control'].map((controlId, i) => ({ ...failing, controlId, checkId: `${controlId}/check${i}`, assetId: `/subscriptions/${i}` }));
  const parsed = JSON.parse(reportString(jsonReporter({ ...base, findings }, { colour: false }))) as { findings: { matched: { checkId: string }[] }[] };
  assert.deepEqual(parsed.findings.map((f) => f.matched.map((m) => m.checkId)), [['a-control/check'], ['b-control/check'], ['a-control/check']]);
});
