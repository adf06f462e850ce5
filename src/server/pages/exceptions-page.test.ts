import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listExceptionEvents, listExceptions } from '../../store/exception-repository.js';
import { serverFixture, type ServerFixture } from '../test-support/server-fixture.js';
import { callPage, VIEWER } from './test-support/page-request-fixture.js';

describe('exceptions page', () => {
  let fixture: ServerFixture;
  let readOnly: ServerFixture;
  before(async () => {
    fixture = await serverFixture();
    readOnly = await serverFixture({ readOnly: true });
  });
  after(async () => {
    await fixture.close();
    await readOnly.close();
  });

  const valid = (f: ServerFixture) => ({
    control: f.controls[0]!.id,
    asset: f.inventory.connectors[3]!.id,
    owner: 'bob@contoso.com',
    expires: '2026-12-15',
    reason: 'the subscription is being decommissioned this quarter',
  });

  test('lists the exceptions and the audit log; an admin gets the add form and remove buttons with CSRF fields', async () => {
    const page = await callPage(fixture.context, '/exceptions');
    assert.equal(page.status, 200);
    assert.match(page.text, /accepted until the tenant migration ends/);
    assert.match(page.text, /<h2 id="audit">Audit log<\/h2>/);
    assert.match(page.text, /<form class="stack" method="post" action="\/exceptions" novalidate><input type="hidden" name="csrf" value="csrf-token-for-tests">/);
    assert.match(page.text, /action="\/exceptions\/EX-1\/remove"><input type="hidden" name="csrf"/);
    for (const field of ['control', 'asset', 'owner', 'expires', 'reason']) assert.match(page.text, new RegExp(`<label for="x-${field}">`));
  });

  test('a viewer and a read-only server get no form', async () => {
    for (const [context, principal] of [[fixture.context, VIEWER], [readOnly.context, undefined]] as const) {
      const page = await callPage(context, '/exceptions', principal ? { principal } : {});
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /method="post"/);
    }
  });

  test('highlights an expired exception', async () => {
    const later = { ...fixture.context, now: () => new Date('2027-01-05T00:00:00Z') };
    const page = await callPage(later, '/exceptions');
    assert.match(page.text, /<tr class="expired"><th scope="row" class="mono">EX-1<\/th><td><span class="pill expired">expired<\/span>/);
    assert.match(page.text, /<strong>1 expired<\/strong>/);
  });

  test('an invalid exception shows the problem beside its field, keeps what was typed and stores nothing', async () => {
    const before = await listExceptions(fixture.context.store);
    const typed = { ...valid(fixture), owner: 'bob <not an address>', reason: 'typed text stays' };
    const page = await callPage(fixture.context, '/exceptions', { method: 'POST', form: { ...typed, csrf: 'x' } });
    assert.equal(page.status, 422);
    assert.match(page.text, /<input id="x-owner" name="owner" value="bob &lt;not an address&gt;" autocomplete="email" aria-invalid="true" aria-describedby="x-owner-problem">/);
    assert.match(page.text, /<p class="field-problem" id="x-owner-problem">[^<]*owner/);
    assert.match(page.text, /<textarea id="x-reason" name="reason" rows="3">typed text stays<\/textarea>/);
    assert.match(page.text, new RegExp(`value="${typed.asset}"`));
    assert.deepEqual(await listExceptions(fixture.context.store), before);

    const late = await callPage(fixture.context, '/exceptions', { method: 'POST', form: { ...valid(fixture), expires: '2030-01-01' } });
    assert.equal(late.status, 422);
    assert.match(late.text, /id="x-expires" name="expires" value="2030-01-01" type="date" aria-invalid="true"/);
    assert.match(late.text, /<p class="field-problem" id="x-expires-problem">/);
    assert.deepEqual(await listExceptions(fixture.context.store), before);
  });

  test('a valid exception is stored with the token as actor and `serve` as source, then 303 back with a notice', async () => {
    const page = await callPage(fixture.context, '/exceptions', { method: 'POST', form: valid(fixture) });
    assert.equal(page.status, 303);
    const location = page.headers.get('location')!;
    assert.match(location, /^\/exceptions\?added=EX-\d+$/);
    const id = new URL(location, 'http://x').searchParams.get('added')!;
    const saved = (await listExceptions(fixture.context.store)).find((x) => x.id === id);
    assert.equal(saved?.createdBy, 'alice-admin');
    assert.equal(saved?.owner, 'bob@contoso.com');
    const event = (await listExceptionEvents(fixture.context.store, id)).at(-1);
    assert.equal(event?.action, 'add');
    assert.equal(event?.actor, 'alice-admin');
    assert.equal(event?.source, 'serve');
    const after = await callPage(fixture.context, location);
    assert.match(after.text, new RegExp(`<p class="notice" role="status">Exception ${id} added.</p>`));

    const removed = await callPage(fixture.context, `/exceptions/${id}/remove`, { method: 'POST' });
    assert.equal(removed.status, 303);
    assert.equal(removed.headers.get('location'), `/exceptions?removed=${id}`);
    assert.equal((await listExceptions(fixture.context.store)).some((x) => x.id === id), false);
    const removal = (await listExceptionEvents(fixture.context.store, id)).at(-1);
    assert.deepEqual([removal?.action, removal?.actor, removal?.source], ['remove', 'alice-admin', 'serve']);
  });

  test('removing an unknown exception is a 404 that changes nothing', async () => {
    const before = await listExceptions(fixture.context.store);
    const page = await callPage(fixture.context, '/exceptions/EX-404/remove', { method: 'POST' });
    assert.equal(page.status, 404);
    assert.match(page.text, /There is no exception &quot;EX-404&quot;/);
    assert.deepEqual(await listExceptions(fixture.context.store), before);
  });

  test('a viewer or a read-only server is refused with 403 and nothing changes', async () => {
    const cases = [
      { context: fixture.context, principal: VIEWER, why: /has the <code>viewer<\/code> role/ },
      { context: readOnly.context, principal: undefined, why: /started with <code>--read-only<\/code>/ },
    ];
    for (const { context, principal, why } of cases) {
      const before = await listExceptions(context.store);
      const events = (await listExceptionEvents(context.store)).length;
      const call = principal ? { principal } : {};
      const added = await callPage(context, '/exceptions', { ...call, method: 'POST', form: valid(fixture) });
      const removed = await callPage(context, `/exceptions/${before[0]!.id}/remove`, { ...call, method: 'POST' });
      const scan = await callPage(context, '/scans', { ...call, method: 'POST', form: { offline: '/tmp/capture' } });
      for (const page of [added, removed, scan]) {
        assert.equal(page.status, 403);
        assert.match(page.text, why);
        assert.match(page.text, /Nothing was changed/);
      }
      assert.deepEqual(await listExceptions(context.store), before);
      assert.equal((await listExceptionEvents(context.store)).length, events);
    }
    assert.deepEqual(fixture.scans.started, []);
    assert.deepEqual(readOnly.scans.started, []);
  });
});
