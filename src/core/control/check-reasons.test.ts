import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WardError } from '../errors.js';
import { resolveCheckReasons } from './check-reasons.js';
import { reasonWithValues } from './reason-with-values.js';
import { parseControl, type CheckCompiler } from './parse-control.js';

const DIR = new URL('../../../controls/azure/defender/azure-defender-security-contact-email/', import.meta.url);
const YAML = readFileSync(new URL('control.yaml', DIR), 'utf8');
const CHECKS = new Map(['check.graphql', 'valid-address.graphql'].map((name) => [name, readFileSync(new URL(name, DIR), 'utf8')]));
const compiler: CheckCompiler = { validateQuery: () => ({ rootField: 'connectors', typeName: 'Connector', variables: [] }), resolveReasons: resolveCheckReasons };

const load = (yamlText: string) =>
  parseControl({ folderName: 'azure-defender-security-contact-email', directory: 'd', yamlPath: 'd/control.yaml', yamlText, checkFiles: CHECKS }, compiler);

function refusal(yamlText: string): WardError {
  try {
    load(yamlText);
  } catch (error) {
    assert.ok(error instanceof WardError, String(error));
    return error;
  }
  assert.fail('the control loaded');
}

test('each alternative of the top-level OR gets its reason, in the order of the query', () => {
  const [seed, valid] = load(YAML).checks;
  assert.deepEqual(seed!.reasons, [
    { match: '{securityContacts_SOME: null}', reason: 'no security contact' },
    { match: '{securityContacts_SOME: {email: null}}', reason: 'a security contact has no email address' },
    { match: '{securityContacts_SOME: {email: ""}}', reason: "a security contact's address is empty" },
  ]);
  assert.equal(valid!.reasons?.length, 3);
});

test('the reasons are listed in any order and matched by the alternative as written', () => {
  const swapped = YAML.replace(
    `      - match: "{ securityContacts_SOME: null }"\n        reason: no security contact\n      - match: "{ securityContacts_SOME: { email: null } }"\n        reason: a security contact has no email address\n`,
    `      - match: "{securityContacts_SOME: {email: null}}"\n        reason: a security contact has no email address\n      - match: "{ securityContacts_SOME: null }"\n        reason: no security contact\n`,
  );
  assert.notEqual(swapped, YAML);
  assert.deepEqual(load(swapped).checks[0]!.reasons!.map((r) => r.reason), ['no security contact', 'a security contact has no email address', "a security contact's address is empty"]);
});

test('reasons that do not match the alternatives are refused at load, naming the line and field', () => {
  const unknown = refusal(YAML.replace('match: "{ securityContacts_SOME: { email: null } }"', 'match: "{ securityContacts_SOME: { phone: null } }"'));
  assert.match(unknown.message, /\{securityContacts_SOME: \{phone: null\}\} is not an alternative of the check check\.graphql/);
  assert.equal(unknown.location?.field, 'checks[0].reasons[1].match');
  assert.equal(typeof unknown.location?.line, 'number');

  const missing = refusal(YAML.replace(`      - match: '{ securityContacts_SOME: { email: "" } }'\n        reason: a security contact's address is empty\n`, ''));
  assert.match(missing.message, /has no reason for \{securityContacts_SOME: \{email: ""\}\}/);
  assert.equal(missing.location?.field, 'checks[0].reasons');

  const twice = refusal(YAML.replace('match: "{ securityContacts_SOME: { email: null } }"', 'match: "{ securityContacts_SOME: null }"'));
  assert.match(twice.message, /has two reasons/);

  const notGraphql = refusal(YAML.replace('match: "{ securityContacts_SOME: { email: null } }"', 'match: "{ securityContacts_SOME: "'));
  assert.match(notGraphql.message, /not a GraphQL value/);

  const variable = refusal(YAML.replace('reason: no security contact\n      - match: "{ securityContacts_SOME: { email: null } }"', 'reason: no contact at $level\n      - match: "{ securityContacts_SOME: { email: null } }"'));
  assert.match(variable.message, /reads \$level, which the check check\.graphql does not declare/);
});

test('the schema refuses a reason on two lines, an empty one, or one that holds the matched marker', () => {
  for (const bad of ['""', '"two\\nlines"', '"no contact (matched [x])"']) {
    const error = refusal(YAML.replace('reason: no security contact', `reason: ${bad}`));
    assert.equal(error.code, 'CONTROL_INVALID');
    assert.match(String(error.location?.field), /^checks\[0\]\.reasons\[0\]\.reason$/);
  }
  assert.match(refusal(YAML.replace('reason: no security contact', 'why: no security contact')).message, /unknown field why|required field reason/);
});

test('a control without reasons still loads (a failure then reads the check name)', () => {
  const bare = YAML.replace(/\n    reasons:\n(      - match: .*\n        reason: .*\n)+/g, '\n');
  assert.ok(!bare.includes('reasons:'));
  assert.deepEqual(load(bare).checks.map((c) => c.reasons), [undefined, undefined]);
});

test('a reason reads the check variables in force', () => {
  assert.equal(reasonWithValues('no contact receives $minimalSeverity alerts ($other)', { minimalSeverity: 'High' }), 'no contact receives High alerts ($other)');
});

test('the control page lists what a failure says for each alternative', async () => {
  const { renderControlPage } = await import('./render-control-page.js');
  const page = renderControlPage(load(YAML));
  assert.match(page, /```\n\nWhat a failure says, per alternative of the filter:\n\n- `\{securityContacts_SOME: null\}`: no security contact\n/);
});
