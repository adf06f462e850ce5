import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SECURITY_CONTACT_API_VERSIONS, type SecurityContactApiVersion } from '../core/inventory/capture.js';
import { validateContactBody } from './contact-schemas.js';

const fixture = (version: string, name: string): { parameters: { securityContact: unknown } } =>
  JSON.parse(readFileSync(new URL(`./fixtures/arm-examples/${version}/${name}`, import.meta.url), 'utf8'));

const CREATE_EXAMPLES: ReadonlyArray<readonly [SecurityContactApiVersion, string]> = [
  ['2017-08-01-preview', 'CreateSecurityContact_full_example.json'],
  ['2017-08-01-preview', 'CreateSecurityContact_min_example.json'],
  ['2020-01-01-preview', 'CreateSecurityContact_example.json'],
  ['2023-12-01-preview', 'CreateSecurityContact_example.json'],
];

const clone = <T>(value: T): T => structuredClone(value);

test('every official create example is a valid PUT body for its api-version', () => {
  for (const [version, name] of CREATE_EXAMPLES) {
    assert.equal(validateContactBody(version, fixture(version, name).parameters.securityContact), null, `${version}/${name}`);
  }
});

test('the official 2017 update examples are valid PATCH bodies but not valid PUT bodies (email is required)', () => {
  for (const name of ['UpdateSecurityContact_full_example.json', 'UpdateSecurityContact_min_example.json']) {
    const body = fixture('2017-08-01-preview', name).parameters.securityContact;
    assert.equal(validateContactBody('2017-08-01-preview', body, 'PATCH'), null);
    assert.match(validateContactBody('2017-08-01-preview', body) ?? '', /email/);
  }
});

test('mutated examples are rejected with the offending field named', () => {
  type Body = { properties: Record<string, any> };
  const cases: ReadonlyArray<readonly [SecurityContactApiVersion, string, (body: Body) => void, RegExp]> = [
    ['2017-08-01-preview', 'CreateSecurityContact_full_example.json', (b) => delete b.properties.email, /email/],
    ['2017-08-01-preview', 'CreateSecurityContact_full_example.json', (b) => (b.properties.alertNotifications = 'Yes'), /alertNotifications.*allowed: On, Off/],
    ['2017-08-01-preview', 'CreateSecurityContact_full_example.json', (b) => (b.properties.email = ['a@b.c']), /email.*string/],
    ['2020-01-01-preview', 'CreateSecurityContact_example.json', (b) => (b.properties.emails = 42), /emails.*string/],
    ['2020-01-01-preview', 'CreateSecurityContact_example.json', (b) => (b.properties.alertNotifications.minimalSeverity = 'Critical'), /minimalSeverity/],
    ['2020-01-01-preview', 'CreateSecurityContact_example.json', (b) => (b.properties.notificationsByRole.roles = ['Admin']), /roles/],
    ['2023-12-01-preview', 'CreateSecurityContact_example.json', (b) => (b.properties.isEnabled = 'true'), /isEnabled.*boolean/],
    ['2023-12-01-preview', 'CreateSecurityContact_example.json', (b) => (b.properties.notificationsSources[0].minimalRiskLevel = 'Severe'), /minimalRiskLevel/],
    ['2023-12-01-preview', 'CreateSecurityContact_example.json', (b) => (b.properties.notificationsSources[1].sourceType = 'Email'), /sourceType/],
    ['2023-12-01-preview', 'CreateSecurityContact_example.json', (b) => delete b.properties.notificationsSources[0].sourceType, /sourceType/],
  ];
  for (const [version, name, mutate, expected] of cases) {
    const body = clone(fixture(version, name).parameters.securityContact) as Body;
    mutate(body);
    const problem = validateContactBody(version, body);
    assert.ok(problem, `${version} ${mutate.toString()} should be rejected`);
    assert.match(problem, expected);
    assert.match(problem, /^The request content was invalid/);
  }
});

test('a body that is not an object is rejected for every version', () => {
  for (const version of SECURITY_CONTACT_API_VERSIONS) {
    assert.ok(validateContactBody(version, []));
    assert.ok(validateContactBody(version, 'x'));
  }
});
