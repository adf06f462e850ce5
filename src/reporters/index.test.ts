import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_CONTROLS_DIR } from '../core/package-paths.js';
import { loadControlsDir } from '../io/load-controls-dir.js';
import { READS_ASSETS, READS_CHECKS, REPORTERS, type ReportFormat } from './index.js';
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

test('READS_CHECKS: a format marked false writes the same text with the checks described as compiled; one marked true shows them', () => {
  const compiled = sampleReport();
  const ids = new Set(compiled.controls.map((c) => c.id));
  const described = { ...compiled, controls: loadControlsDir(BUILTIN_CONTROLS_DIR, null, BUILTIN_CONTROLS_DIR).filter((c) => ids.has(c.id)) };
  assert.equal(described.controls.length, compiled.controls.length, 'the same controls, loaded both ways');
  for (const format of Object.keys(REPORTERS) as ReportFormat[]) {
    const render = (report: typeof compiled) => reportString(REPORTERS[format](report, { colour: false }));
    if (READS_CHECKS[format]) assert.notEqual(render(described), render(compiled), `${format} shows nothing of the compiled checks: mark it false if it no longer does`);
    else assert.equal(render(described), render(compiled), `${format} shows what the checks select: mark it true in READS_CHECKS`);
  }
});
