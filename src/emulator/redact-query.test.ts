import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactQuery } from './redact-query.js';

test('every query value that can carry a credential is redacted; paging and api-version stay readable', () => {
  assert.equal(redactQuery(''), '');
  assert.equal(redactQuery('?api-version=2022-12-01&$skiptoken=100'), '?api-version=2022-12-01&$skiptoken=100');
  for (const name of ['access_token', 'id_token', 'refresh_token', 'client_secret', 'client_assertion', 'assertion', 'code', 'password', 'sig', 'api_key', 'subscription-key', 'Authorization', 'x-ms-credential']) {
    assert.equal(redactQuery(`?a=1&${name}=s3cr3t&b=2`), `?a=1&${name}=[redacted]&b=2`, name);
  }
  assert.equal(redactQuery('?access%5Ftoken=s3cr3t'), '?access%5Ftoken=[redacted]', 'names are matched decoded');
  assert.equal(redactQuery('?eyJ0eXAiOiJKV1QiLCJhbGciOi'), '?[redacted]', 'a bare value long enough to be a token');
  assert.equal(redactQuery('?flag'), '?flag');
});
