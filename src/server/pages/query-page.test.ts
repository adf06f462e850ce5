import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { serverFixture, type ServerFixture } from '../test-support/server-fixture.js';
import type { PageRequest } from './page-request.js';
import { callPage } from './test-support/page-request-fixture.js';

describe('query page', () => {
  let fixture: ServerFixture;
  before(async () => {
    fixture = await serverFixture({ single: true });
  });
  after(() => fixture.close());

  const recording = () => {
    const calls: { query: string; variables: unknown }[] = [];
    const graphql: PageRequest['graphql'] = async (query, variables) => {
      calls.push({ query, variables });
      return { data: { connectors: [{ id: '/subscriptions/1', name: '<b>x</b>' }] }, errors: [{ message: 'Cannot query field "nope" <here>' }] };
    };
    return { calls, graphql };
  };

  test('an empty editor has labelled fields and runs nothing', async () => {
    const { calls, graphql } = recording();
    const page = await callPage(fixture.context, '/query', { graphql });
    assert.equal(page.status, 200);
    assert.match(page.text, /<label for="q-query">Query<\/label><textarea id="q-query" name="query"/);
    assert.match(page.text, /<label for="q-variables">/);
    assert.deepEqual(calls, []);
  });

  test('POST runs the query with its variables and shows the result as escaped JSON and the errors plainly', async () => {
    const { calls, graphql } = recording();
    const page = await callPage(fixture.context, '/query', { method: 'POST', form: { query: '{ connectors { id name } }', variables: '{"limit": 2}' }, graphql });
    assert.deepEqual(calls, [{ query: '{ connectors { id name } }', variables: { limit: 2 } }]);
    assert.match(page.text, /<li>Cannot query field &quot;nope&quot; &lt;here&gt;<\/li>/);
    assert.match(page.text, /<pre><code>\{\n {2}&quot;connectors&quot;: \[\n/);
    assert.match(page.text, /&quot;name&quot;: &quot;&lt;b&gt;x&lt;\/b&gt;&quot;/);
    assert.match(page.text, /<textarea id="q-query" name="query" rows="14" spellcheck="false">\{ connectors \{ id name \} \}<\/textarea>/);
  });

  test('GET ?query= runs it too; bad variables are refused before the API is called', async () => {
    const { calls, graphql } = recording();
    await callPage(fixture.context, '/query?query=%7B%20connectors%20%7B%20id%20%7D%20%7D', { graphql });
    assert.equal(calls.length, 1);
    const bad = await callPage(fixture.context, '/query', { method: 'POST', form: { query: '{ x }', variables: '[1, 2]' }, graphql });
    assert.match(bad.text, /the variables must be a JSON object/);
    const broken = await callPage(fixture.context, '/query', { method: 'POST', form: { query: '{ x }', variables: '{' }, graphql });
    assert.match(broken.text, /the variables are not JSON/);
    assert.equal(calls.length, 1);
  });
});
