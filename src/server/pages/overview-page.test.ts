import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { countByStatus } from '../../reporters/scan-report.js';
import { openMemoryStore } from '../../store/test-support/test-store.js';
import { currentFindingsCache } from '../current-findings-cache.js';
import { FIXTURE_NOW, serverFixture, type ServerFixture } from '../test-support/server-fixture.js';
import { trendChart } from './overview-page.js';
import { callPage } from './test-support/page-request-fixture.js';

describe('overview page', () => {
  let fixture: ServerFixture;
  before(async () => {
    fixture = await serverFixture();
  });
  after(() => fixture.close());

  test('shows the counts by status, each control and framework, the trend and the change since the last scan', async () => {
    const { findings } = await fixture.context.findings();
    const counts = countByStatus(findings);
    const page = await callPage(fixture.context, '/');
    assert.equal(page.status, 200);
    assert.match(page.text, /<a href="\/" aria-current="page">Overview<\/a>/);
    assert.match(page.text, new RegExp(`<div class="n fail">${counts.fail}</div><div class="l">fail</div>`));
    assert.match(page.text, new RegExp(`<div class="n pass">${counts.pass}</div>`));
    for (const control of fixture.controls) assert.ok(page.text.includes(`<a href="/controls/${control.id}">`), control.id);
    assert.match(page.text, /<h2 id="frameworks">Frameworks<\/h2>/);
    assert.match(page.text, /aria-label="Findings per full scan, scans #1 to #2"/);
    assert.match(page.text, /Since scan #1: <strong>[1-9]\d*<\/strong> findings changed status \([^)]*now fail[^)]*\); <strong>0<\/strong> seen for the first time/);
    assert.match(page.text, /<a href="\/drift\?from=1&amp;to=2">See the drift<\/a>/);
  });

  test('before any scan it says to run one, not an error', async () => {
    const store = await openMemoryStore();
    try {
      const empty = { ...fixture.context, store, findings: currentFindingsCache(store, () => FIXTURE_NOW) };
      for (const target of ['/', '/findings', '/findings.csv', '/controls', `/controls/${fixture.controls[0]!.id}`, '/drift', '/scans', '/exceptions']) {
        const page = await callPage(empty, target);
        assert.equal(page.status, 200, target);
      }
      const page = await callPage(empty, '/');
      assert.match(page.text, /No complete scan is stored yet/);
      assert.match(page.text, /<code>ward scan<\/code>/);
    } finally {
      await store.close();
    }
  });
});

describe('trendChart', () => {
  const counts = (pass: number, fail: number) => ({ pass, fail, error: 0, excepted: 0, skipped: 0 });
  test('draws full scans and names the narrowed ones instead of drawing them', () => {
    const svg = trendChart([
      { scanId: 1, finishedAt: '2026-11-01T00:00:00Z', counts: counts(3, 1) },
      { scanId: 2, finishedAt: '2026-11-02T00:00:00Z', counts: counts(1, 0), narrowed: true },
      { scanId: 3, finishedAt: '2026-11-03T00:00:00Z', counts: counts(4, 0) },
    ]);
    assert.match(svg, /scans #1 to #3/);
    assert.match(svg, /Narrowed \(not drawn[^)]*\): scan #2\./);
    assert.doesNotMatch(svg, /<title>scan #2,/);
    assert.doesNotMatch(svg, /style=/);
  });
  test('says when there is no full scan yet', () => {
    assert.match(trendChart([]), /No full scan yet/);
  });
});
