import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convert } from 'xmlbuilder2';
import { junitReport } from './junit-report.js';
import { SAMPLE_RESULT } from './test-support/sample-result.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const list = (value: unknown): Json[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]) as Json[];

describe('junitReport', () => {
  const xml = junitReport(SAMPLE_RESULT, { colour: false, toolVersion: '0.1.0' });
  const parsed = convert(xml, { format: 'object' }) as Json;
  const suites = list(parsed.testsuites.testsuite);

  it('parses back: a testsuite per file with counts, a testcase per (resource, control)', () => {
    assert.equal(parsed.testsuites['@tests'], '6');
    assert.equal(parsed.testsuites['@failures'], '2');
    assert.equal(parsed.testsuites['@errors'], '1');
    assert.deepEqual(suites.map((suite) => `${suite['@name']} ${suite['@tests']}/${suite['@failures']}/${suite['@errors']}/${suite['@skipped']}`), [
      'arm/t.json 1/0/0/1',
      'broken/x.tf 1/0/1/0',
      'infra/main.tf 3/2/0/0',
      'lz/main.tf 1/0/0/1',
    ]);
  });

  it('distinguishes failures (failure), unknown (skipped) and input errors (error), and escapes text', () => {
    const cases = suites.flatMap((suite) => list(suite.testcase));
    const byName = (prefix: string): Json => cases.find((test) => String(test['@name']).startsWith(prefix)) as Json;
    // escaped exactly once in the document (xmlbuilder2's object conversion leaves entities as they are)
    assert.ok(xml.includes('message="`email` is empty &amp; &lt;bad&gt;"'));
    assert.ok(byName('azurerm_security_center_contact.empty').failure['@message'].startsWith('`email` is empty'));
    assert.equal(byName('azurerm_security_center_contact.good').failure, undefined);
    assert.match(byName("Microsoft.Security/securityContacts 'default'").skipped['@message'], /^unknown: /);
    assert.equal(byName('read broken/x.tf').error['@type'], 'input-error');
    assert.match(byName('azurerm_subscription.w').skipped['@message'], /^warning: /);
    assert.equal(byName('azurerm_security_center_contact.empty')['@classname'], 'azure-defender-security-contact-email');
    const good = cases.filter((test) => String(test['@name']).startsWith('azurerm_security_center_contact.good'));
    assert.deepEqual(good.map((test) => test['@classname']), ['azure-defender-security-contact-email', 'azure-defender-security-contact-notify-owners']);
  });
});
