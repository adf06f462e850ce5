import { test } from 'node:test';
import assert from 'node:assert/strict';
import { READS_ASSETS, REPORTERS, type ReportFormat } from './index.js';
import { reportString } from './scan-report.js';
import { sampleReport } from './test-support/sample-report.js';

test('READS_ASSETS: a format marked false writes the same text without the assets; one marked true uses them', () => {
  const withAssets = sampleReport();
  const { assets, ...withoutAssets } = withAssets;
  assert.ok(assets && assets.length > 0, 'the sample report has assets');
  for (const format of Object.keys(REPORTERS) as ReportFormat[]) {
    const render = (report: typeof withAssets) => reportString(REPORTERS[format](report, { colour: false }));
    if (READS_ASSETS[format]) assert.notEqual(render(withoutAssets), render(withAssets), `${format} shows the assets: mark it false if it no longer does`);
    else assert.equal(render(withoutAssets), render(withAssets), `${format} reads the assets: mark it true in READS_ASSETS`);
  }
});
