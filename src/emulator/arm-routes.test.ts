import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Capture, CapturedBody } from '../core/inventory/capture.js';
import { handleArmRequest, type ArmResponse } from './arm-routes.js';
import { createEmulatorState, type EmulatorState } from './emulator-state.js';

const SUB_2023 = '11111111-1111-4111-8111-111111111111';
const SUB_2017 = '22222222-2222-4222-8222-222222222222';
const SUB_EMPTY = '33333333-3333-4333-8333-333333333333';
const SUB_DENIED = '44444444-4444-4444-8444-444444444444';
const SUB_DISABLED = '55555555-5555-4555-8555-555555555555';
const BASE = 'https://127.0.0.1:1234';

const example = (version: string, name: string): any =>
  JSON.parse(readFileSync(new URL(`./fixtures/arm-examples/${version}/${name}`, import.meta.url), 'utf8'));

function subscription(id: string, state = 'Enabled'): object {
  return { id: `/subscriptions/${id}`, subscriptionId: id, tenantId: 'tenant-1', displayName: `sub ${id.slice(0, 4)}`, state, tags: {} };
}

function makeState(): EmulatorState {
  const contacts = new Map<string, CapturedBody>([
    [SUB_2023, { body: example('2023-12-01-preview', 'GetSecurityContactsSubscription_example.json').responses['200'].body, source: 't' }],
    [SUB_2017, { body: example('2017-08-01-preview', 'GetSecurityContactsSubscription_full_example.json').responses['200'].body, source: 't' }],
    [SUB_EMPTY, { body: { value: [] }, source: 't' }],
    [SUB_DENIED, { body: { error: { code: 'AuthorizationFailed', message: 'no read' } }, source: 't' }],
  ]);
  const capture: Capture = {
    subscriptions: {
      body: { value: [SUB_2023, SUB_2017, SUB_EMPTY, SUB_DENIED].map((id) => subscription(id)).concat(subscription(SUB_DISABLED, 'Disabled')) },
      source: 't',
    },
    securityContacts: contacts,
  };
  return createEmulatorState(capture);
}

function call(state: EmulatorState, method: string, pathAndQuery: string, body?: unknown, pageSize = 100): ArmResponse {
  const url = new URL(pathAndQuery, BASE);
  return handleArmRequest(state, {
    method,
    path: url.pathname,
    query: url.searchParams,
    bodyText: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
    baseUrl: BASE,
    pageSize,
  });
}

const contactsPath = (id: string, version: string, name?: string): string =>
  `/subscriptions/${id}/providers/Microsoft.Security/securityContacts${name ? `/${name}` : ''}?api-version=${version}`;

test('subscriptions are paged through absolute nextLinks', () => {
  const state = makeState();
  const seen: string[] = [];
  let next: string | undefined = '/subscriptions?api-version=2022-12-01';
  let pages = 0;
  while (next) {
    const answer = call(state, 'GET', next, undefined, 2);
    assert.equal(answer.status, 200);
    const body = answer.body as { value: { subscriptionId: string }[]; nextLink?: string };
    seen.push(...body.value.map((s) => s.subscriptionId));
    next = body.nextLink;
    if (next) assert.ok(next.startsWith(`${BASE}/subscriptions?`));
    pages += 1;
  }
  assert.equal(pages, 3);
  assert.equal(seen.length, 5);
  assert.equal(new Set(seen).size, 5);
});

test('a captured list body already in the shape asked for is served as captured; any other is converted to that shape', () => {
  const state = makeState();
  const captured2023 = example('2023-12-01-preview', 'GetSecurityContactsSubscription_example.json').responses['200'].body;
  assert.deepEqual(call(state, 'GET', contactsPath(SUB_2023, '2023-12-01-preview')).body, captured2023);
  const captured2017 = example('2017-08-01-preview', 'GetSecurityContactsSubscription_full_example.json').responses['200'].body;
  assert.deepEqual(call(state, 'GET', contactsPath(SUB_2017, '2017-08-01-preview')).body, captured2017);
  const as2023 = call(state, 'GET', contactsPath(SUB_2017, '2023-12-01-preview')).body as any;
  assert.ok(!Array.isArray(as2023) && Array.isArray(as2023.value));
  for (const item of as2023.value) {
    assert.ok(!('email' in item.properties) && !('alertsToAdmins' in item.properties) && !('alertNotifications' in item.properties), JSON.stringify(item));
    assert.equal(typeof item.properties.isEnabled, 'boolean');
    assert.ok(Array.isArray(item.properties.notificationsSources));
  }
  assert.equal(as2023.value[0].properties.emails, captured2017.value[0].properties.email);
});

test('a 2020 bare array captured is a {value} list at 2023 and stays a bare array at 2020; odd address values are kept, never made strings', () => {
  const bare = [
    { id: `/subscriptions/${SUB_EMPTY}/providers/Microsoft.Security/securityContacts/default`, name: 'default', type: 'Microsoft.Security/securityContacts', properties: { emails: 'a@b.c', alertNotifications: { state: 'On', minimalSeverity: 'High' }, notificationsByRole: { state: 'On', roles: ['Owner'] } } },
    { id: `/subscriptions/${SUB_EMPTY}/providers/Microsoft.Security/securityContacts/odd`, name: 'odd', type: 'Microsoft.Security/securityContacts', properties: { emails: 42, alertNotifications: { state: 'Off' } } },
  ];
  const state = createEmulatorState({
    subscriptions: { body: { value: [subscription(SUB_EMPTY)] }, source: 't' },
    securityContacts: new Map([[SUB_EMPTY, { body: bare, source: 't' }]]),
  });
  assert.deepEqual(call(state, 'GET', contactsPath(SUB_EMPTY, '2020-01-01-preview')).body, bare);
  const as2023 = call(state, 'GET', contactsPath(SUB_EMPTY, '2023-12-01-preview')).body as any;
  assert.deepEqual(as2023.value[0].properties, {
    emails: 'a@b.c',
    notificationsByRole: { state: 'On', roles: ['Owner'] },
    isEnabled: true,
    notificationsSources: [{ sourceType: 'Alert', minimalSeverity: 'High' }],
  });
  assert.equal(as2023.value[1].properties.emails, 42);
});

test('answers take the shape of the api-version asked for: 2020 bare array, 2017 email, 2023 {value}', () => {
  const state = makeState();
  const as2020 = call(state, 'GET', contactsPath(SUB_2017, '2020-01-01-preview')).body as any[];
  assert.ok(Array.isArray(as2020));
  assert.equal(as2020[0].properties.emails, 'john@contoso.com');
  assert.equal(as2020[0].properties.alertNotifications.state, 'On');
  const as2017 = call(state, 'GET', contactsPath(SUB_2023, '2017-08-01-preview')).body as any;
  assert.equal(as2017.value[0].properties.email, 'john@contoso.com;Jane@contoso.com');
  assert.equal(as2017.value[0].id, `/subscriptions/${SUB_2023}/providers/Microsoft.Security/securityContacts/default`);
  const one = call(state, 'GET', contactsPath(SUB_2023, '2023-12-01-preview', 'default'));
  assert.equal(one.status, 200);
  assert.deepEqual(
    (one.body as any).properties,
    example('2023-12-01-preview', 'GetSecurityContactsSubscription_example.json').responses['200'].body.value[0].properties,
  );
});

test('get of a missing contact is a 404 in ARM words', () => {
  const answer = call(makeState(), 'GET', contactsPath(SUB_EMPTY, '2023-12-01-preview', 'default'));
  assert.equal(answer.status, 404);
  assert.deepEqual(answer.body, {
    error: { code: 'NotFound', message: `Could not find security contact with name default for subscriptionId ${SUB_EMPTY}` },
  });
});

test('2023-12-01-preview refuses names other than default', () => {
  const answer = call(makeState(), 'PUT', contactsPath(SUB_EMPTY, '2023-12-01-preview', 'default1'), { properties: { emails: 'a@b.c' } });
  assert.equal(answer.status, 400);
  assert.match((answer.body as any).error.message, /only the name 'default'/);
});

test('PUT answers 201 on create and 200 on update (2017: 200), then reads back in every shape', () => {
  const state = makeState();
  const create = example('2023-12-01-preview', 'CreateSecurityContact_example.json').parameters.securityContact;
  assert.equal(call(state, 'PUT', contactsPath(SUB_EMPTY, '2023-12-01-preview', 'default'), create).status, 201);
  assert.equal(call(state, 'PUT', contactsPath(SUB_EMPTY, '2023-12-01-preview', 'default'), create).status, 200);
  const list = call(state, 'GET', contactsPath(SUB_EMPTY, '2023-12-01-preview')).body as any;
  assert.equal(list.value[0].properties.emails, 'john@contoso.com;jane@contoso.com');
  const as2020 = call(state, 'GET', contactsPath(SUB_EMPTY, '2020-01-01-preview')).body as any[];
  assert.deepEqual(as2020[0].properties.alertNotifications, { state: 'On', minimalSeverity: 'Medium' });
  const create2017 = example('2017-08-01-preview', 'CreateSecurityContact_min_example.json').parameters.securityContact;
  assert.equal(call(state, 'PUT', contactsPath(SUB_EMPTY, '2017-08-01-preview', 'default2'), create2017).status, 200);
  const patch = call(state, 'PATCH', contactsPath(SUB_EMPTY, '2017-08-01-preview', 'default2'), { properties: { alertsToAdmins: 'Off' } });
  assert.equal(patch.status, 200);
  assert.deepEqual((patch.body as any).properties, { email: 'chen@contoso.com', alertNotifications: 'On', alertsToAdmins: 'Off' });
});

test('a write switches a captured subscription to stored contacts; DELETE answers as each spec lists: 2017 204 only, later 200 then 204', () => {
  const state = makeState();
  const deleted2017 = call(state, 'DELETE', contactsPath(SUB_2017, '2017-08-01-preview', 'default1'));
  assert.equal(deleted2017.status, 204, 'the 2017 spec lists 204 only; its SDK raises on 200');
  assert.equal(deleted2017.body, undefined);
  assert.equal(call(state, 'DELETE', contactsPath(SUB_2017, '2017-08-01-preview', 'default1')).status, 204);
  assert.deepEqual(call(state, 'GET', contactsPath(SUB_2017, '2023-12-01-preview')).body, { value: [] });
  assert.equal(call(state, 'PUT', contactsPath(SUB_2017, '2023-12-01-preview', 'default'), { properties: { emails: 'a@b.c' } }).status, 201);
  assert.equal(call(state, 'DELETE', contactsPath(SUB_2017, '2023-12-01-preview', 'default')).status, 200);
  assert.equal(call(state, 'DELETE', contactsPath(SUB_2017, '2023-12-01-preview', 'default')).status, 204);
});

test('invalid PUT bodies get 400 InvalidRequestContent', () => {
  const state = makeState();
  const bad = call(state, 'PUT', contactsPath(SUB_EMPTY, '2020-01-01-preview', 'default'), { properties: { emails: ['a@b.c'] } });
  assert.equal(bad.status, 400);
  assert.equal((bad.body as any).error.code, 'InvalidRequestContent');
  const notJson = call(state, 'PUT', contactsPath(SUB_EMPTY, '2020-01-01-preview', 'default'), '{"properties":');
  assert.equal(notJson.status, 400);
  assert.equal((notJson.body as any).error.code, 'InvalidRequestContent');
});

test('unknown api-versions are refused like ARM', () => {
  const state = makeState();
  const contacts = call(state, 'GET', contactsPath(SUB_EMPTY, '2019-01-01'));
  assert.equal(contacts.status, 400);
  assert.equal((contacts.body as any).error.code, 'NoRegisteredProviderFound');
  const subscriptions = call(state, 'GET', '/subscriptions?api-version=1999-01-01');
  assert.equal(subscriptions.status, 400);
  assert.equal((subscriptions.body as any).error.code, 'InvalidApiVersionParameter');
  assert.equal(call(state, 'GET', '/subscriptions').status, 400);
});

test('captured errors are served with their status; unknown and disabled subscriptions are refused', () => {
  const state = makeState();
  const denied = call(state, 'GET', contactsPath(SUB_DENIED, '2023-12-01-preview'));
  assert.equal(denied.status, 403);
  assert.equal((denied.body as any).error.code, 'AuthorizationFailed');
  const unknown = call(state, 'GET', contactsPath('99999999-9999-4999-8999-999999999999', '2023-12-01-preview'));
  assert.equal(unknown.status, 404);
  assert.equal((unknown.body as any).error.code, 'SubscriptionNotFound');
  const write = call(state, 'PUT', contactsPath(SUB_DISABLED, '2023-12-01-preview', 'default'), { properties: { emails: 'a@b.c' } });
  assert.equal(write.status, 409);
});

test('management-group descendants list the groups and every subscription below the root', () => {
  const state = makeState();
  const answer = call(state, 'GET', `/providers/Microsoft.Management/managementGroups/${state.tenantId}/descendants?api-version=2023-04-01`);
  assert.equal(answer.status, 200);
  const items = (answer.body as any).value as { type: string; name: string }[];
  const subscriptions = items.filter((item) => item.type === 'Microsoft.Management/managementGroups/subscriptions').map((item) => item.name);
  assert.equal(subscriptions.length, 5);
  assert.ok(items.some((item) => item.type === 'Microsoft.Management/managementGroups'));
  assert.equal(call(state, 'GET', '/providers/Microsoft.Management/managementGroups/nope/descendants?api-version=2023-04-01').status, 404);
});

test('what the capture does not hold is an error, never an empty list: uncollected subscriptions and pages after a leftover nextLink', () => {
  const SUB_UNCOLLECTED = '66666666-6666-4666-8666-666666666666';
  const SUB_PARTIAL = '77777777-7777-4777-8777-777777777777';
  const partial = {
    value: [{ id: `/subscriptions/${SUB_PARTIAL}/providers/Microsoft.Security/securityContacts/default`, name: 'default', properties: { emails: 'soc@contoso.com' } }],
    nextLink: `https://management.azure.com/subscriptions/${SUB_PARTIAL}/providers/Microsoft.Security/securityContacts?api-version=2023-12-01-preview&$skiptoken=abc`,
  };
  const state = createEmulatorState({
    subscriptions: { body: { value: [subscription(SUB_UNCOLLECTED), subscription(SUB_PARTIAL), subscription(SUB_DISABLED, 'Disabled')] }, source: 't' },
    securityContacts: new Map([[SUB_PARTIAL, { body: partial, source: '/capture/partial.json' }]]),
  });
  const uncollected = call(state, 'GET', contactsPath(SUB_UNCOLLECTED, '2023-12-01-preview'));
  assert.equal(uncollected.status, 501, 'not retried by the collector');
  assert.equal((uncollected.body as any).error.code, 'NotCollected');
  // a disabled subscription is not read by the collector; it keeps answering an empty list
  assert.deepEqual(call(state, 'GET', contactsPath(SUB_DISABLED, '2023-12-01-preview')).body, { value: [] });

  const first = call(state, 'GET', contactsPath(SUB_PARTIAL, '2023-12-01-preview'));
  assert.equal(first.status, 200);
  const nextLink = (first.body as any).nextLink as string;
  assert.equal(nextLink, `${BASE}/subscriptions/${SUB_PARTIAL}/providers/Microsoft.Security/securityContacts?api-version=2023-12-01-preview&$skiptoken=abc`);
  assert.deepEqual((first.body as any).value, partial.value);
  const next = call(state, 'GET', nextLink.slice(BASE.length));
  assert.equal(next.status, 501);
  assert.deepEqual((next.body as any).error, {
    code: 'IncompleteCapture',
    message: 'only the first page of security contacts was collected (the body still has a nextLink) in /capture/partial.json',
  });
  // another api-version would need the whole list to convert: refused the same way
  assert.equal((call(state, 'GET', contactsPath(SUB_PARTIAL, '2017-08-01-preview')).body as any).error.code, 'IncompleteCapture');
  // a write makes the contacts known from then on
  assert.equal(call(state, 'PUT', contactsPath(SUB_UNCOLLECTED, '2023-12-01-preview', 'default'), { properties: { emails: 'a@b.c', isEnabled: true, notificationsByRole: { state: 'On', roles: ['Owner'] }, notificationsSources: [] } }).status, 201);
  assert.equal(call(state, 'GET', contactsPath(SUB_UNCOLLECTED, '2023-12-01-preview')).status, 200);
});

test('every published api-version of the subscriptions API is served, each in its own shape', () => {
  const state = createEmulatorState({
    subscriptions: { body: { value: [{ ...subscription(SUB_EMPTY), managedByTenants: [] }] }, source: 't' },
    securityContacts: new Map(),
  });
  for (const version of ['2016-06-01', '2018-06-01', '2019-06-01', '2019-11-01', '2020-01-01', '2021-01-01', '2022-12-01']) {
    const list = call(state, 'GET', `/subscriptions?api-version=${version}`);
    assert.equal(list.status, 200, version);
    const [item] = (list.body as any).value;
    assert.equal(item.subscriptionId, SUB_EMPTY);
    assert.equal('tenantId' in item, version >= '2020-01-01', `tenantId at ${version}`);
    assert.equal('tags' in item, version >= '2019-11-01', `tags at ${version}`);
    assert.equal('managedByTenants' in item, version >= '2019-06-01', `managedByTenants at ${version}`);
    const one = call(state, 'GET', `/subscriptions/${SUB_EMPTY}?api-version=${version}`);
    assert.deepEqual(one.body, item);
    assert.equal(call(state, 'GET', `/tenants?api-version=${version}`).status, 200);
    assert.equal(call(state, 'GET', `/subscriptions/${SUB_EMPTY}/locations?api-version=${version}`).status, 200);
  }
  assert.equal((call(state, 'GET', '/subscriptions?api-version=2019-01-01').body as any).error.code, 'InvalidApiVersionParameter');
});

test('/tenants names the emulator tenant (details from 2019-11-01); /locations lists regions of a known subscription only', () => {
  const state = makeState();
  const old = (call(state, 'GET', '/tenants?api-version=2016-06-01').body as any).value;
  assert.deepEqual(old, [{ id: `/tenants/${state.tenantId}`, tenantId: state.tenantId }]);
  const current = (call(state, 'GET', '/tenants?api-version=2022-12-01').body as any).value[0];
  assert.equal(current.tenantId, state.tenantId);
  assert.equal(current.tenantCategory, 'Home');
  assert.equal(typeof current.defaultDomain, 'string');
  const locations = (call(state, 'GET', `/subscriptions/${SUB_2023}/locations?api-version=2022-12-01`).body as any).value;
  assert.ok(locations.some((location: any) => location.name === 'eastus' && location.id === `/subscriptions/${SUB_2023}/locations/eastus`));
  assert.equal(call(state, 'GET', '/subscriptions/99999999-9999-4999-8999-999999999999/locations?api-version=2022-12-01').status, 404);
  assert.equal(call(state, 'PUT', '/tenants?api-version=2022-12-01', {}).status, 405);
});

test('GET of a management group answers the group, its parent and (with $expand=children) its children', () => {
  const state = makeState();
  const root = call(state, 'GET', `/providers/Microsoft.Management/managementGroups/${state.tenantId}?api-version=2021-04-01`);
  assert.equal(root.status, 200);
  assert.equal((root.body as any).properties.details.parent, null);
  assert.equal((root.body as any).properties.tenantId, state.tenantId);
  assert.equal((root.body as any).properties.children, undefined);
  const expanded = call(state, 'GET', `/providers/Microsoft.Management/managementGroups/${state.tenantId}?api-version=2020-05-01&$expand=children&$recurse=true`);
  const children = (expanded.body as any).properties.children as any[];
  assert.deepEqual(children.map((child) => child.name).sort(), ['ward-nonprod', 'ward-prod']);
  const below = children.flatMap((child) => child.children as any[]);
  assert.equal(below.filter((child) => child.type === '/subscriptions').length, 5);
  const child = call(state, 'GET', '/providers/Microsoft.Management/managementGroups/ward-prod?api-version=2023-04-01');
  assert.equal((child.body as any).properties.details.parent.name, state.tenantId);
  assert.equal(call(state, 'GET', '/providers/Microsoft.Management/managementGroups/nope?api-version=2023-04-01').status, 404);
  assert.equal((call(state, 'GET', '/providers/Microsoft.Management/managementGroups/ward-prod?api-version=2099-01-01').body as any).error.code, 'NoRegisteredProviderFound');
});

test('every published security-contacts api-version is served; a contact written in one reads back in each shape', () => {
  const state = makeState();
  for (const version of ['2017-08-01-preview', '2020-01-01-preview', '2023-12-01-preview']) {
    assert.equal(call(state, 'GET', contactsPath(SUB_EMPTY, version)).status, 200, version);
  }
  const body2023 = { properties: { emails: 'soc@contoso.com', isEnabled: true, notificationsByRole: { state: 'On', roles: ['Owner'] }, notificationsSources: [{ sourceType: 'Alert', minimalSeverity: 'Low' }] } };
  assert.equal(call(state, 'PUT', contactsPath(SUB_EMPTY, '2023-12-01-preview', 'default'), body2023).status, 201);
  const as2017 = (call(state, 'GET', contactsPath(SUB_EMPTY, '2017-08-01-preview', 'default')).body as any).properties;
  assert.deepEqual(as2017, { email: 'soc@contoso.com', alertNotifications: 'On', alertsToAdmins: 'On' });
  const as2020 = call(state, 'GET', contactsPath(SUB_EMPTY, '2020-01-01-preview')).body as any[];
  assert.ok(Array.isArray(as2020), 'the 2020 list is a bare array, as the live service answers it');
  assert.deepEqual(as2020[0].properties.alertNotifications, { state: 'On', minimalSeverity: 'Low' });
  const as2023 = call(state, 'GET', contactsPath(SUB_EMPTY, '2023-12-01-preview')).body as any;
  assert.deepEqual(as2023.value[0].properties, body2023.properties);
});

test('2017 PUT reads On/Off without case, as the service does for the Azure CLI before 2.61 (which sends `on`), and stores On/Off', () => {
  const state = makeState();
  const answer = call(state, 'PUT', contactsPath(SUB_EMPTY, '2017-08-01-preview', 'default1'), { properties: { email: 'a@b.c', alertNotifications: 'on', alertsToAdmins: 'OFF' } });
  assert.equal(answer.status, 200);
  assert.deepEqual((answer.body as any).properties, { email: 'a@b.c', alertNotifications: 'On', alertsToAdmins: 'Off' });
  assert.equal(call(state, 'PUT', contactsPath(SUB_EMPTY, '2017-08-01-preview', 'default1'), { properties: { email: 'a@b.c', alertNotifications: 'maybe', alertsToAdmins: 'On' } }).status, 400);
});

test('a captured body can be replayed as captured at every api-version when asked (tests of clients that meet odd bodies)', () => {
  const bare = [{ id: 'x', name: 'default', type: 'Microsoft.Security/securityContact', properties: { emails: 'a@b.c', isEnabled: true } }];
  const state = createEmulatorState(
    { subscriptions: { body: { value: [subscription(SUB_EMPTY)] }, source: 't' }, securityContacts: new Map([[SUB_EMPTY, { body: bare, source: 't' }]]) },
    { replayCapturedBodies: true },
  );
  assert.deepEqual(call(state, 'GET', contactsPath(SUB_EMPTY, '2023-12-01-preview')).body, bare);
});
