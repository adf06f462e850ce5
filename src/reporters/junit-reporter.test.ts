import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convert } from 'xmlbuilder2';
import { junitReporter } from './junit-reporter.js';
import { HOSTILE_NAME, sampleReport } from './test-support/sample-report.js';

type XmlNode = Record<string, unknown>;
/** xmlbuilder2's reader leaves the predefined entities in attribute values encoded: decode them here. */
const decode = (value: unknown): string =>
  String(value).replace(/&(quot|apos|lt|gt|amp);/g, (_m, name: string) => ({ quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' })[name]!);
const list = (value: unknown): XmlNode[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]) as XmlNode[];

test('the JUnit report parses back: a testsuite per control, a testcase per subscription, failures, errors and skips distinguished', () => {
  const xml = junitReporter(sampleReport(), { colour: false });
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
  const parsed = convert(xml, { format: 'object' }) as { testsuites: XmlNode };
  const root = parsed.testsuites;
  assert.deepEqual([root['@tests'], root['@failures'], root['@errors'], root['@skipped']], ['6', '2', '1', '2']);
  const suites = list(root.testsuite);
  assert.equal(suites.length, 1);
  assert.equal(suites[0]!['@id'], 'azure-defender-security-contact-email');
  const cases = list(suites[0]!.testcase);
  assert.equal(cases.length, 6);
  const byId = (suffix: string) => cases.find((c) => String(c['@name']).includes(`0000000000${suffix}`))!;
  assert.equal(byId('01').failure, undefined);
  const failure = byId('02').failure as XmlNode;
  assert.equal(failure['@type'], 'fail');
  assert.equal(decode(failure['@message']), 'the address is empty <b>bold</b> second line', 'the plain reason; line breaks in attributes are written as spaces');
  assert.match(decode(failure['#']), /^the address is empty <b>bold<\/b>\nsecond line\n\nMatched:\n  azure-defender-security-contact-email\/check: \{securityContacts_SOME: \{email: ""\}\}\n\nHow to fix/);
  assert.ok(decode(byId('02')['@name']).startsWith(HOSTILE_NAME));
  assert.equal((byId('03').error as XmlNode)['@type'], 'error');
  assert.match(String((byId('04').skipped as XmlNode)['@message']), /^excepted \(EX-1, owner secops@contoso\.com, until 2026-06-30\): sandbox, retired in Q2$/);
  assert.equal((byId('05').failure as XmlNode)['@type'], 'fail:exception-expired');
  assert.match(String((byId('06').skipped as XmlNode)['@message']), /Disabled/);
});
