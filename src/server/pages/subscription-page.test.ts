import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { serverFixture, type ServerFixture } from '../test-support/server-fixture.js';
import { callPage } from './test-support/page-request-fixture.js';

describe('subscription page', () => {
  let fixture: ServerFixture;
  before(async () => {
    fixture = await serverFixture();
  });
  after(() => fixture.close());

  test('shows the record, every contact as normalised and raw, the findings with history and the exceptions', async () => {
    const { findings, exceptions } = await fixture.context.findings();
    const excepted = exceptions[0]!;
    const connector = fixture.inventory.connectors.find((c) => c.id === excepted.assetId)!;
    const contacts = fixture.inventory.securityContacts.filter((c) => c.connectorId === connector.id);
    assert.ok(contacts.length > 0);
    const page = await callPage(fixture.context, `/subscriptions/${connector.subscriptionId.toUpperCase()}`);
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`<h1>Subscription ${connector.name}</h1>`));
    for (const label of ['apiVersion', 'email', 'emails', 'invalidEmails', 'phone', 'isEnabled', 'alertNotifications', 'notificationsByRole', 'enabled', 'notifiedRoles', 'alertSeverities', 'attackPathRiskLevels']) {
      assert.match(page.text, new RegExp(`<dt>${label}</dt>`), label);
    }
    assert.match(page.text, /<summary>The body as ARM returned it<\/summary><pre><code>\{\n {2}&quot;id&quot;/);
    const own = findings.filter((f) => f.assetId === connector.id);
    assert.equal(page.text.match(/<tr><td><span class="pill /g)?.length, own.length);
    assert.match(page.text, /first seen 2026-11-18 06:00 UTC<br>last change/);
    assert.match(page.text, new RegExp(`<th scope="row" class="mono">${excepted.id}</th>`));
  });

  test('an unknown subscription is a 404 page', async () => {
    const page = await callPage(fixture.context, '/subscriptions/nope');
    assert.equal(page.status, 404);
    assert.match(page.text, /ward holds no subscription &quot;nope&quot;/);
  });
});
