import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normaliseCapture, contactApiVersion } from './normalise-capture.js';
import { readCaptureDir } from '../../connectors/azure/read-capture-dir.js';
import { WardError } from '../errors.js';
import type { Capture } from './capture.js';

const matrix = fileURLToPath(new URL('../../../controls/azure/defender/azure-defender-security-contact-email/fixtures/verdict-matrix/', import.meta.url));
const examples = fileURLToPath(new URL('../../../controls/azure/defender/azure-defender-security-contact-email/fixtures/official-examples/', import.meta.url));
const SUB = '00000000-0000-4000-8000-000000000001';

const capture = (contactsBody: unknown): Capture => ({
  subscriptions: { body: { value: [{ subscriptionId: SUB, displayName: 'one', state: 'Enabled', tenantId: 't' }] }, source: 'subscriptions.json' },
  securityContacts: new Map([[SUB, { body: contactsBody, source: 'contacts.json' }]]),
});

test('every api-version shape normalises to one record form', () => {
  const inventory = normaliseCapture(readCaptureDir(examples));
  assert.equal(inventory.connectors.length, 4);
  assert.deepEqual(
    inventory.securityContacts.map((c) => [c.apiVersion, c.email, c.emails.length]),
    [
      ['2017-08-01-preview', 'john@contoso.com', 1],
      ['2017-08-01-preview', 'chen@contoso.com', 1],
      ['2020-01-01-preview', 'john@contoso.com;Jane@contoso.com', 2],
      ['2023-12-01-preview', 'john@contoso.com;Jane@contoso.com', 2],
    ],
  );
  const c2023 = inventory.securityContacts[3]!;
  assert.equal(c2023.id, '/subscriptions/00000000-0000-4000-8000-000000000903/providers/Microsoft.Security/securityContacts/default');
  assert.equal(c2023.alertMinimalSeverity, 'Medium');
  assert.equal(c2023.isEnabled, true);
  assert.deepEqual(c2023.notificationsByRole, { state: 'On', roles: ['Owner', 'Admin'] });
  const c2020 = inventory.securityContacts[2]!;
  assert.equal(c2020.alertNotifications, 'On');
  assert.equal(c2020.alertMinimalSeverity, 'Low');
});

test('emails missing, null and "" all give a null or empty address, kept as the API gave it', () => {
  for (const [properties, email] of [[{ isEnabled: true }, null], [{ emails: null }, null], [{ emails: '' }, '']] as const) {
    const inventory = normaliseCapture(capture({ value: [{ name: 'default', properties }] }));
    assert.equal(inventory.securityContacts[0]!.email, email);
    assert.deepEqual(inventory.securityContacts[0]!.emails, []);
  }
});

test('an ARM error body, a missing body and a leftover nextLink are read errors, never data', () => {
  const denied = normaliseCapture(capture({ error: { code: 'AuthorizationFailed', message: 'no' } }));
  assert.equal(denied.connectors[0]!.readError?.code, 'AuthorizationFailed');
  assert.match(denied.connectors[0]!.readError!.message, /Security Reader/);
  const notCollected = normaliseCapture({ ...capture([]), securityContacts: new Map() });
  assert.equal(notCollected.connectors[0]!.readError?.code, 'NotCollected');
  const partial = normaliseCapture(capture({ value: [], nextLink: 'https://x' }));
  assert.equal(partial.connectors[0]!.readError?.code, 'IncompleteCapture');
});

test('shapes Azure never returns are refused with the file and field, or become read errors on request', () => {
  for (const body of [{ values: [] }, 'text', [{ name: 'default', properties: { emails: 42 } }], [{ properties: {} }], [{ name: 'default', properties: { isEnabled: 'yes' } }]]) {
    assert.throws(() => normaliseCapture(capture(body)), (error: unknown) => error instanceof WardError && error.code === 'CAPTURE_INVALID' && error.location?.file === 'contacts.json');
    const lenient = normaliseCapture(capture(body), { invalidBodies: 'error' });
    assert.equal(lenient.connectors[0]!.readError?.code, 'InvalidResponse');
  }
  assert.throws(
    () => normaliseCapture({ subscriptions: { body: { value: [{ displayName: 'x' }] }, source: 's.json' }, securityContacts: new Map() }),
    (error: unknown) => error instanceof WardError && error.location?.field === 'value[0].subscriptionId',
  );
  assert.throws(
    () => normaliseCapture({ subscriptions: { body: { error: { code: 'AuthorizationFailed', message: 'x' } }, source: 's.json' }, securityContacts: new Map() }),
    /subscriptions list is an ARM error/,
  );
});

test('api-version detection keys on properties, not on the misspelt type', () => {
  assert.equal(contactApiVersion({ email: 'a@b.c', alertNotifications: 'On' }), '2017-08-01-preview');
  assert.equal(contactApiVersion({ emails: 'a@b.c', alertNotifications: { state: 'On' } }), '2020-01-01-preview');
  assert.equal(contactApiVersion({ emails: 'a@b.c', isEnabled: true }), '2023-12-01-preview');
});

test('readCaptureDir names the file and position of malformed JSON and of a missing subscriptions.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-capture-'));
  try {
    assert.throws(() => readCaptureDir(dir, dir), (error: unknown) => error instanceof WardError && error.location?.file === 'subscriptions.json' && /no subscriptions.json/.test(error.message));
    writeFileSync(join(dir, 'subscriptions.json'), '{"value": []}');
    mkdirSync(join(dir, 'subscriptions', SUB), { recursive: true });
    writeFileSync(join(dir, 'subscriptions', SUB, 'securityContacts.json'), '{\n  "value": [\n    {"name": "default",}\n  ]\n}');
    assert.throws(() => readCaptureDir(dir, dir), (error: unknown) => {
      assert.ok(error instanceof WardError);
      assert.equal(error.location?.file, join('subscriptions', SUB, 'securityContacts.json'));
      assert.equal(error.location?.line, 3);
      return true;
    });
    assert.throws(() => readCaptureDir(join(dir, 'nope'), dir), /does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the verdict matrix capture reads and normalises', () => {
  const inventory = normaliseCapture(readCaptureDir(matrix));
  assert.equal(inventory.connectors.length, 25);
});

test('what a contact notifies is derived the same from every api-version', () => {
  const [legacy, modern, disabled, current] = normaliseCapture({
    subscriptions: { body: { value: [{ subscriptionId: SUB, displayName: 'one', state: 'Enabled' }] }, source: 'subscriptions.json' },
    securityContacts: new Map([
      [
        SUB,
        {
          body: {
            value: [
              { name: 'default1', properties: { email: 'a@x.io', alertNotifications: 'On', alertsToAdmins: 'on' } },
              { name: 'default2', properties: { emails: 'a@x.io', alertNotifications: { state: 'On', minimalSeverity: 'Medium' }, notificationsByRole: { state: 'On', roles: ['owner', 'Contributor'] } } },
              { name: 'default3', properties: { emails: 'a@x.io', isEnabled: false, notificationsByRole: { state: 'On', roles: ['Owner'] }, notificationsSources: [{ sourceType: 'Alert', minimalSeverity: 'Low' }] } },
              {
                name: 'default',
                properties: {
                  emails: 'a@x.io',
                  notificationsByRole: { state: 'Off', roles: ['Owner'] },
                  notificationsSources: [{ sourceType: 'Alert' }, { sourceType: 'AttackPath', minimalRiskLevel: 'High' }],
                },
              },
            ],
          },
          source: 'contacts.json',
        },
      ],
    ]),
  }).securityContacts;
  assert.deepEqual([legacy!.enabled, legacy!.notifiedRoles, legacy!.alertSeverities, legacy!.attackPathRiskLevels], [true, ['Owner'], ['High'], []]);
  assert.deepEqual([modern!.notifiedRoles, modern!.alertSeverities], [['Owner', 'Contributor'], ['Medium', 'High']], 'roles spelled as ARM spells them');
  assert.deepEqual([disabled!.enabled, disabled!.alertSeverities], [false, ['Low', 'Medium', 'High']], 'disabled: the checks skip it, the levels stay as configured');
  assert.deepEqual([current!.enabled, current!.notifiedRoles, current!.alertSeverities, current!.attackPathRiskLevels], [true, [], [], ['High', 'Critical']], 'an Alert source without a threshold emails no known level');
});

test('any "error" member makes a body a failed read, never data', () => {
  const inventory = normaliseCapture(capture({ error: 'x', value: [{ name: 'default', properties: { emails: 'soc@contoso.com' } }] }));
  assert.equal(inventory.connectors[0]!.readError?.code, 'InvalidResponse');
  assert.equal(inventory.securityContacts.length, 0);
  const subscriptionsError = () =>
    normaliseCapture({ subscriptions: { body: { error: 'throttled', value: [] }, source: 'subscriptions.json' }, securityContacts: new Map() });
  assert.throws(subscriptionsError, /the subscriptions list is an ARM error: InvalidResponse/);
});

test('subscription ids are validated as ARM writes them, not as any 36 characters', () => {
  for (const id of ['------------------------------------', '00000000000000000000000000000000000a', '0000000-00000-4000-8000-000000000001']) {
    assert.throws(
      () => normaliseCapture({ subscriptions: { body: { value: [{ subscriptionId: id }] }, source: 'subscriptions.json' }, securityContacts: new Map() }),
      /needs a subscriptionId GUID/,
      id,
    );
  }
});

test('two capture folders for one subscription that differ only in case are an input error naming both', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-dup-'));
  try {
    const id = 'abcdef00-0000-4000-8000-00000000000a';
    writeFileSync(join(dir, 'subscriptions.json'), JSON.stringify({ value: [{ subscriptionId: id, state: 'Enabled' }] }));
    // the failing body in one folder, a passing one in the other: whichever is read last must not decide
    for (const [folder, emails] of [[id, ''], [id.toUpperCase(), 'soc@contoso.com']] as const) {
      mkdirSync(join(dir, 'subscriptions', folder), { recursive: true });
      writeFileSync(join(dir, 'subscriptions', folder, 'securityContacts.json'), JSON.stringify({ value: [{ name: 'default', properties: { emails } }] }));
    }
    assert.throws(() => readCaptureDir(dir, dir), /two capture folders hold subscription abcdef00-0000-4000-8000-00000000000a: subscriptions\/.*securityContacts\.json and subscriptions\/.*securityContacts\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
