import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WardError } from '../../core/errors.js';
import { serverFixture, type ServerFixture } from '../test-support/server-fixture.js';
import { callPage } from './test-support/page-request-fixture.js';

describe('scans and drift pages', () => {
  let fixture: ServerFixture;
  before(async () => {
    fixture = await serverFixture();
  });
  after(() => fixture.close());

  test('/scans lists the stored scans with their counts and drift links, and the start form for an admin', async () => {
    const page = await callPage(fixture.context, '/scans');
    assert.equal(page.status, 200);
    assert.match(page.text, /<th scope="row">#2<\/th><td><span class="pill pass">complete<\/span>/);
    assert.match(page.text, /<a href="\/drift\?from=1&amp;to=2">drift from #1<\/a>/);
    assert.match(page.text, /<form class="stack" method="post" action="\/scans"><input type="hidden" name="csrf"/);
    assert.match(page.text, /None since the server started/);
  });

  test('POST /scans starts an offline scan as the principal, then shows the job', async () => {
    const page = await callPage(fixture.context, '/scans', { method: 'POST', form: { offline: '/captures/contoso' } });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/scans?started=job-1');
    assert.deepEqual(fixture.scans.started, [{ offline: '/captures/contoso', actor: 'alice-admin' }]);
    const after = await callPage(fixture.context, '/scans?started=job-1');
    assert.match(after.text, /Scan job job-1 started\./);
    assert.match(after.text, /<th scope="row">job-1<\/th><td>running<\/td><td>collecting<\/td>/);
  });

  test('a scan the runner refuses, or an empty directory, is shown beside the field', async () => {
    const busy = { ...fixture.context, scans: { ...fixture.context.scans, start: () => { throw new WardError('USAGE', 'a scan is already running', { hint: 'wait for job-1' }); } } };
    const page = await callPage(busy, '/scans', { method: 'POST', form: { offline: '/captures/<x>' } });
    assert.equal(page.status, 422);
    assert.match(page.text, /value="\/captures\/&lt;x&gt;" required aria-invalid="true"/);
    assert.match(page.text, /<p class="field-problem" id="scan-offline-problem">a scan is already running \(wait for job-1\)<\/p>/);
    const empty = await callPage(fixture.context, '/scans', { method: 'POST', form: { offline: ' ' } });
    assert.equal(empty.status, 422);
    assert.match(empty.text, /name the capture directory/);
  });

  test('/drift compares the last two complete scans by default, or the scans named', async () => {
    const page = await callPage(fixture.context, '/drift');
    assert.equal(page.status, 200);
    assert.match(page.text, /From scan #1 .* to scan #2 /);
    assert.match(page.text, /<h2 id="new">New problems \(\d+\)<\/h2>/);
    assert.match(page.text, /<h2 id="resolved">Resolved \(\d+\)<\/h2>/);
    assert.match(page.text, /<h2 id="changed">Changed \(\d+\)<\/h2>/);
    const first = fixture.inventory.connectors[0]!;
    assert.ok(page.text.includes(first.id), 'the subscription whose contacts went away');
    const named = await callPage(fixture.context, '/drift?from=1&to=2');
    assert.match(named.text, /<option value="1" selected>/);
    const bad = await callPage(fixture.context, '/drift?to=abc');
    assert.equal(bad.status, 200);
    assert.match(bad.text, /&quot;abc&quot; is not a scan number/);
    const missing = await callPage(fixture.context, '/drift?from=1&to=7');
    assert.match(missing.text, /no scan 7/);
  });
});
