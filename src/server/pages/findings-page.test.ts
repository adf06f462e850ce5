import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { serverFixture, type ServerFixture } from '../test-support/server-fixture.js';
import { callPage } from './test-support/page-request-fixture.js';

/** The asset ids of the rows of a findings page, in order. */
const rowAssets = (html: string): string[] => [...html.matchAll(/<span class="mono muted asset">([^<]+)<\/span>/g)].map((m) => m[1]!);

describe('findings page', () => {
  let fixture: ServerFixture;
  before(async () => {
    fixture = await serverFixture();
  });
  after(() => fixture.close());

  test('lists the current findings with a labelled filter form and export links', async () => {
    const { findings } = await fixture.context.findings();
    const page = await callPage(fixture.context, '/findings');
    assert.equal(page.status, 200);
    assert.equal(rowAssets(page.text).length, Math.min(100, findings.length));
    assert.match(page.text, /<form class="filters" method="get" action="\/findings"/);
    for (const name of ['status', 'control', 'severity', 'framework', 'subscription', 'tag', 'sort']) assert.match(page.text, new RegExp(`<label for="f-${name}">`));
    assert.match(page.text, /href="\/findings\.csv"/);
    assert.match(page.text, /first seen 2026-11-18 06:00 UTC/);
  });

  test('filters by status, control, severity, framework, subscription and tag', async () => {
    const { findings } = await fixture.context.findings();
    const control = fixture.controls[0]!;
    const failing = findings.filter((f) => f.status === 'fail' && f.controlId === control.id);
    assert.ok(failing.length > 0);
    const page = await callPage(fixture.context, `/findings?status=fail&control=${control.id}`);
    assert.deepEqual(rowAssets(page.text).sort(), failing.map((f) => f.assetId).sort());
    assert.match(page.text, new RegExp(`<option value="${control.id}" selected>`), 'the form keeps the filter');

    const severity = findings[0]!.severity;
    assert.equal(rowAssets((await callPage(fixture.context, `/findings?severity=${severity}&size=500`)).text).length, findings.filter((f) => f.severity === severity).length);

    const framework = control.frameworks[0]!.framework;
    const inFramework = findings.filter((f) => fixture.controls.find((c) => c.id === f.controlId)!.frameworks.some((m) => m.framework === framework));
    assert.equal(rowAssets((await callPage(fixture.context, `/findings?framework=${encodeURIComponent(framework)}&size=500`)).text).length, inFramework.length);

    const target = fixture.inventory.connectors[2]!;
    const bySubscription = rowAssets((await callPage(fixture.context, `/findings?subscription=${encodeURIComponent(target.name!.toUpperCase())}`)).text);
    assert.ok(bySubscription.length > 0 && bySubscription.every((id) => id === target.id));

    const tagged = fixture.inventory.connectors.filter((c) => c.tags.environment === 'prod').map((c) => c.id);
    const byTag = rowAssets((await callPage(fixture.context, '/findings?tag=environment%3Dprod&size=500')).text);
    assert.ok(byTag.length > 0 && byTag.every((id) => tagged.includes(id)));
    assert.equal(new Set(byTag).size, new Set(findings.filter((f) => tagged.includes(f.assetId)).map((f) => f.assetId)).size);

    const none = await callPage(fixture.context, '/findings?subscription=nothing-like-this');
    assert.match(none.text, /No finding matches these filters/);
  });

  test('sorts by subscription name and reads unknown filter values as no filter', async () => {
    const { findings } = await fixture.context.findings();
    const page = await callPage(fixture.context, '/findings?sort=subscription&size=500');
    const names = [...page.text.matchAll(/<a href="\/subscriptions\/[^"]+"><strong>([^<]+)<\/strong>/g)].map((m) => m[1]!);
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
    const odd = await callPage(fixture.context, '/findings?status=bogus&sort=bogus&size=500');
    assert.equal(rowAssets(odd.text).length, findings.length);
  });

  test('paginates, and its links keep the filters', async () => {
    const { findings } = await fixture.context.findings();
    const page = await callPage(fixture.context, '/findings?status=pass&size=2');
    const passing = findings.filter((f) => f.status === 'pass').length;
    assert.ok(passing > 2);
    assert.equal(rowAssets(page.text).length, 2);
    assert.match(page.text, /href="\/findings\?status=pass&amp;size=2&amp;page=2" rel="next"/);
    assert.match(page.text, new RegExp(`1–2 of ${passing} findings · page 1 of ${Math.ceil(passing / 2)}`));
    const last = await callPage(fixture.context, `/findings?status=pass&size=2&page=999`);
    assert.match(last.text, new RegExp(`page ${Math.ceil(passing / 2)} of ${Math.ceil(passing / 2)}`));
    assert.match(last.text, /rel="prev"/);
    assert.doesNotMatch(last.text, /rel="next"/);
  });

  test('exports the filtered list as CSV, JSON and SARIF downloads', async () => {
    const { findings } = await fixture.context.findings();
    const failing = findings.filter((f) => f.status === 'fail');
    const csv = await callPage(fixture.context, '/findings.csv?status=fail&page=2');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type')!, /^text\/csv/);
    assert.match(csv.headers.get('content-disposition')!, /^attachment; filename="ward-findings-scan-2\.csv"$/);
    const lines = csv.text.trim().split('\n');
    assert.match(lines[0]!, /status/i);
    assert.ok(lines.length - 1 >= failing.length, 'every failing finding, not one page of them');

    const json = await callPage(fixture.context, '/findings.json?status=fail');
    assert.match(json.headers.get('content-disposition')!, /\.json"$/);
    assert.ok(JSON.stringify(JSON.parse(json.text)).includes(failing[0]!.assetId));

    const sarif = await callPage(fixture.context, '/findings.sarif?status=fail');
    const log = JSON.parse(sarif.text) as { runs: { results: unknown[] }[] };
    assert.ok(Array.isArray(log.runs) && log.runs.length === 1);
    assert.equal(log.runs[0]!.results.length, failing.length);
  });

  test('export links carry the filters but not the page', async () => {
    const page = await callPage(fixture.context, '/findings?status=fail&page=1&size=5');
    assert.match(page.text, /href="\/findings\.json\?status=fail"/);
  });
});
