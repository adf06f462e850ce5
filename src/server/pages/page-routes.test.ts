import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { serverFixture, type ServerFixture } from '../test-support/server-fixture.js';
import { routePage, PAGE_ROUTES } from './page-routes.js';
import { hostileCapture, HOSTILE_EMAIL, RAW_MARKERS } from './test-support/hostile-capture.js';
import { callPage, VIEWER, type PageCall } from './test-support/page-request-fixture.js';

/** Every page the dashboard has, with the calls that render its other states (errors, refusals, not found). */
function everyPage(fixture: ServerFixture): [string, PageCall][] {
  const subscription = fixture.inventory.connectors[1]!.subscriptionId;
  const control = fixture.controls[0]!.id;
  return [
    ['/', {}],
    ['/controls', {}],
    [`/controls/${control}`, {}],
    ['/controls/no-such-control', {}],
    ['/findings', {}],
    ['/findings?status=fail&sort=subscription&size=2&page=2', {}],
    [`/subscriptions/${subscription}`, {}],
    ['/subscriptions/00000000-0000-0000-0000-00000000dead', {}],
    ['/scans', {}],
    ['/scans', { method: 'POST', form: {} }],
    ['/scans', { method: 'POST', form: { offline: '/tmp/x' }, principal: VIEWER }],
    ['/drift', {}],
    ['/drift?from=1&to=99', {}],
    ['/exceptions', {}],
    ['/exceptions', { principal: VIEWER }],
    ['/exceptions', { method: 'POST', form: { control, asset: 'not-an-arm-id', owner: 'x', expires: '2026-12-01', reason: 'short' } }],
    ['/exceptions/EX-999/remove', { method: 'POST' }],
    ['/query', {}],
    ['/query?query=%7B%20connectors%20%7B%20id%20%7D%20%7D', { graphql: async () => ({ data: { connectors: [{ id: '<script>alert(9)</script>' }] }, errors: [{ message: '<b>bad</b>' }] }) }],
    ['/query', { method: 'POST', form: { query: '{ x }', variables: '[1' } }],
  ];
}

/** A tag carrying an event handler or a style attribute, or a script element: the CSP blocks them, so none may exist. */
const FORBIDDEN: readonly [string, RegExp][] = [
  ['a <script> element', /<script/i],
  ['an on…= attribute', /<[^>]*\son[a-z]+\s*=/i],
  ['a style attribute', /<[^>]*\sstyle\s*=/i],
  ['a javascript: URL', /(href|src|action)\s*=\s*"\s*javascript:/i],
  // (the one data: URL is the empty favicon, so browsers do not ask for /favicon.ico)
  ['a link that is not https or local', /href="(?!https:\/\/|\/|#|data:,")[^"]*"/i],
];

describe('routePage', () => {
  test('matches every documented route and decodes its parameters', () => {
    assert.equal(routePage('GET', '/')?.handler, PAGE_ROUTES['GET /']);
    assert.deepEqual(routePage('GET', '/controls/a%20b')?.params, { id: 'a b' });
    assert.deepEqual(routePage('POST', '/exceptions/X001/remove')?.params, { id: 'X001' });
    assert.equal(routePage('GET', '/findings.csv')?.handler, PAGE_ROUTES['GET /findings.csv']);
    assert.equal(routePage('get', '/scans/')?.handler, PAGE_ROUTES['GET /scans']);
  });
  test('answers undefined for an unknown path, a wrong method or a malformed escape', () => {
    assert.equal(routePage('GET', '/nowhere'), undefined);
    assert.equal(routePage('DELETE', '/exceptions'), undefined);
    assert.equal(routePage('POST', '/controls'), undefined);
    assert.equal(routePage('GET', '/controls/%E0%A4%A'), undefined);
  });
});

describe('every page', () => {
  let fixture: ServerFixture;
  let hostile: ServerFixture;
  before(async () => {
    fixture = await serverFixture();
    hostile = await serverFixture({ capture: hostileCapture });
  });
  after(async () => {
    await fixture.close();
    await hostile.close();
  });

  test('has the common layout: lang, skip link, landmarks, the stylesheet, the principal, one h1', async () => {
    for (const [target, call] of everyPage(fixture)) {
      const page = await callPage(fixture.context, target, call);
      if (page.status === 303) continue;
      const where = `${call.method ?? 'GET'} ${target}`;
      assert.match(page.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/, where);
      assert.match(page.text, /<html lang="en">/, where);
      assert.match(page.text, /<a class="skip" href="#main">/, where);
      assert.match(page.text, /<header class="site">[\s\S]*<nav class="site" aria-label="Main">[\s\S]*<main id="main"/, where);
      assert.match(page.text, /<link rel="stylesheet" href="\/assets\/ward.css">/, where);
      assert.match(page.text, new RegExp(`Signed in as <strong>${call.principal?.name ?? 'alice-admin'}</strong> \\((viewer|admin)\\)`), where);
      assert.equal(page.text.match(/<h1>/g)?.length, 1, where);
      // headings never skip a level
      const levels = [...page.text.matchAll(/<h([1-6])[ >]/g)].map((m) => Number(m[1]));
      levels.forEach((level, i) => i > 0 && assert.ok(level <= levels[i - 1]! + 1, `${where}: h${levels[i - 1]} then h${level}`));
      // every form control has a label
      for (const id of [...page.text.matchAll(/<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!)) {
        assert.match(page.text, new RegExp(`<label for="${id}">`), `${where}: #${id} has no label`);
      }
      assert.doesNotMatch(page.text, /<(input|select|textarea)(?![^>]*type="hidden")(?![^>]*\sid=)[^>]*>/, `${where}: a form control without an id`);
      assert.doesNotMatch(page.text, /<th>/, `${where}: a header cell without scope`);
    }
  });

  test('marks the current section in the nav', async () => {
    const page = await callPage(fixture.context, '/findings');
    assert.match(page.text, /<a href="\/findings" aria-current="page">Findings<\/a>/);
    assert.equal(page.text.match(/aria-current="page"/g)?.length, 1);
  });

  test('carries no script, event handler, style attribute or unsafe link (the CSP would block them)', async () => {
    for (const context of [fixture.context, hostile.context]) {
      for (const [target, call] of everyPage(fixture)) {
        const page = await callPage(context, target, call);
        for (const [what, pattern] of FORBIDDEN) assert.doesNotMatch(page.text, pattern, `${call.method ?? 'GET'} ${target} has ${what}`);
      }
    }
  });

  test('escapes hostile tenant values everywhere they appear', async () => {
    const subscription = hostile.inventory.connectors[1]!.subscriptionId;
    const pages = [...everyPage(hostile).map(([target, call]) => ({ target, call })), { target: '/findings?tag=environment', call: {} }];
    let shown = 0;
    for (const { target, call } of pages) {
      const page = await callPage(hostile.context, target, call);
      for (const marker of RAW_MARKERS) assert.ok(!page.text.includes(marker), `${target} shows ${marker} unescaped`);
      if (page.text.includes('&lt;script&gt;alert(&quot;name&quot;)')) shown += 1;
    }
    assert.ok(shown >= 4, `the hostile name is shown (escaped) on ${shown} pages`);
    const contact = await callPage(hostile.context, `/subscriptions/${subscription}`);
    assert.ok(contact.text.includes('&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;@evil.example'), 'the hostile email is shown escaped');
    assert.ok(!contact.text.includes(HOSTILE_EMAIL));
    assert.match(contact.text, /&lt;img src=x onerror=alert\(1\)&gt;: &quot;&gt;&lt;svg onload=alert\(2\)&gt;/, 'the hostile tag is shown escaped');
  });
});
