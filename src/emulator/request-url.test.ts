import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestUrl } from './request-url.js';

test('repeated slashes in the path are one (az sends //subscriptions), never read as a host; the query is kept as sent', () => {
  const base = 'https://127.0.0.1:8443';
  const url = requestUrl('//metadata/endpoints?api-version=2015-01-01', base);
  assert.equal(url.host, '127.0.0.1:8443');
  assert.equal(url.pathname, '/metadata/endpoints');
  assert.equal(url.searchParams.get('api-version'), '2015-01-01');
  assert.equal(requestUrl('/subscriptions//x?next=https://a//b', base).toString(), `${base}/subscriptions/x?next=https://a//b`);
  assert.equal(requestUrl(undefined, base).pathname, '/');
});
