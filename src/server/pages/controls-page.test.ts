import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { remediateCommand } from '../../reporters/html-reporter.js';
import { serverFixture, type ServerFixture } from '../test-support/server-fixture.js';
import { controlProse } from './control-prose.js';
import { e, externalLink } from './page-layout.js';
import { callPage } from './test-support/page-request-fixture.js';

describe('controls pages', () => {
  let fixture: ServerFixture;
  before(async () => {
    fixture = await serverFixture();
  });
  after(() => fixture.close());

  test('/controls lists every control with a link to its page', async () => {
    const page = await callPage(fixture.context, '/controls');
    assert.equal(page.status, 200);
    for (const control of fixture.controls) assert.ok(page.text.includes(`<a href="/controls/${control.id}">${e(control.title)}</a>`), control.id);
  });

  test('a control page has every section, its checks with query text and parameters, and the affected subscriptions', async () => {
    const control = fixture.controls.find((c) => c.parameters.length > 0) ?? fixture.controls[0]!;
    const page = await callPage(fixture.context, `/controls/${control.id}`);
    assert.equal(page.status, 200);
    for (const heading of ['Overview', 'Rationale', 'Default value', 'Affected subscriptions', 'Remediation in the portal', 'Remediation from the command line', 'The three remediation paths', 'Rollout', 'Frameworks', 'References', 'Stored checks', 'Parameters']) {
      assert.match(page.text, new RegExp(`<h2 id="[a-z]+">${heading}</h2>`), heading);
    }
    for (const check of control.checks) assert.ok(page.text.includes(e(check.query)), `the query of ${check.id}`);
    for (const parameter of control.parameters) assert.ok(page.text.includes(`<code>${e(parameter.name)}</code>`), parameter.name);
    for (const step of control.remediation.console) assert.ok(page.text.includes(`<li>${e(step)}</li>`));
    const { findings, scan } = await fixture.context.findings();
    const failing = findings.filter((f) => f.controlId === control.id && f.status === 'fail');
    assert.ok(failing.length > 0);
    for (const finding of failing) {
      const commands = [...page.text.matchAll(/<code class="cmd">(.*?)<\/code>/g)].map((m) => m[1]!.replace(/<\/?span>/g, ''));
      assert.ok(commands.includes(e(remediateCommand(control, finding.assetId, scan.source))), `fix command for ${finding.assetId}`);
      assert.ok(!page.text.includes('(matched ['), 'the cause shows the plain text, not the matched filters');
    }
  });

  test('an unknown control is a 404 page', async () => {
    const page = await callPage(fixture.context, '/controls/%3Cscript%3E');
    assert.equal(page.status, 404);
    assert.match(page.text, /There is no control &quot;&lt;script&gt;&quot;/);
  });
});

describe('controlProse and externalLink', () => {
  test('paragraphs are text, indented blocks are code, everything escaped', () => {
    const html = controlProse('First <b>para</b>\ncontinues.\n\n  az security contact create \\\n    --emails "a@b"\n\nLast.');
    assert.equal(html, '<p>First &lt;b&gt;para&lt;/b&gt; continues.</p>\n<pre><code>az security contact create \\\n  --emails &quot;a@b&quot;</code></pre>\n<p>Last.</p>');
  });
  test('only https URLs become links', () => {
    assert.equal(externalLink('https://learn.microsoft.com/x?a=1&b=2', 'Docs'), '<a href="https://learn.microsoft.com/x?a=1&amp;b=2" rel="noreferrer">Docs</a>');
    assert.doesNotMatch(externalLink('javascript:alert(1)', 'x'), /href/);
    assert.doesNotMatch(externalLink('http://example.com', 'x'), /href/);
  });
});
