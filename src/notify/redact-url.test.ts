/** A notification URL carries its token: shown as scheme and host, and taken out of any text that repeats it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl, scrubSecrets } from './redact-url.js';

const SLACK = 'https://hooks.slack.com/services/T0001AAAA/B0002BBBB/abcdefGHIJKL123456';
const TEAMS = 'https://prod-42.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SIGsecretVALUE0987654321';

test('redactUrl keeps the scheme and host (with a port) only', () => {
  assert.equal(redactUrl(SLACK), 'https://hooks.slack.com/…');
  assert.equal(redactUrl(TEAMS), 'https://prod-42.westeurope.logic.azure.com/…');
  assert.equal(redactUrl('http://127.0.0.1:8080/hook/token123456'), 'http://127.0.0.1:8080/…');
  assert.equal(redactUrl('not a url'), '<a URL that does not parse>');
});

test('scrubSecrets takes out the whole URL, its path, query values, path segments and the secrets given', () => {
  for (const url of [SLACK, TEAMS]) {
    const parsed = new URL(url);
    const texts = [`request to ${url} failed`, `path ${parsed.pathname}${parsed.search}`, ...parsed.pathname.split('/').filter((s) => s.length >= 6).map((s) => `segment ${s}`)];
    for (const text of texts) {
      const scrubbed = scrubSecrets(text, url, ['s3cr3t-value']);
      assert.ok(!scrubbed.includes('abcdefGHIJKL123456') && !scrubbed.includes('SIGsecretVALUE0987654321') && !scrubbed.includes('B0002BBBB'), scrubbed);
    }
  }
  assert.equal(scrubSecrets(`GET ${SLACK}`, SLACK), 'GET https://hooks.slack.com/…');
  assert.equal(scrubSecrets('secret s3cr3t-value here', SLACK, ['s3cr3t-value']), 'secret … here');
  assert.equal(scrubSecrets('HTTP 404: no_service', SLACK), 'HTTP 404: no_service', 'ordinary words stay');
});
