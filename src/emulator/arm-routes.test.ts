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

test('captured list bodies are served exactly as captured at the collector api-version', () => {
  const state = makeState();
  const captured = example('2017-08-01-preview', 'GetSecurityContactsSubscription_full_example.json').responses['200'].body;
  assert.deepEqual(call(state, 'GET', contactsPath(SUB_2017, '2023-12-01-preview')).body, captured);
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

test('a write switches a captured subscription to stored contacts; DELETE answers 200 then 204', () => {
  const state = makeState();
  assert.equal(call(state, 'DELETE', contactsPath(SUB_2017, '2017-08-01-preview', 'default1')).status, 200);
  assert.equal(call(state, 'DELETE', contactsPath(SUB_2017, '2017-08-01-preview', 'default1')).status, 204);
  assert.deepEqual(call(state, 'GET', contactsPath(SUB_2017, '2023-12-01-preview')).body, { value: [] });
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
