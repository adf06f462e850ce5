/**
 * The ARM routes the emulator answers, as a pure function of the state and one parsed request. The HTTPS server
 * (emulator-server.ts) adds authentication, latency, throttling and faults around it.
 */
import { API_VERSIONS, SECURITY_CONTACT_API_VERSIONS, type SecurityContactApiVersion } from '../core/inventory/capture.js';
import { armError, isArmErrorBody, statusForArmErrorCode } from './arm-error.js';
import {
  contactFromProperties,
  contactListBody,
  contactResource,
  contactsFromListBody,
  patchContact,
  type StoredContact,
} from './contact-shapes.js';
import { validateContactBody } from './contact-schemas.js';
import { handlePolicyRequest } from './policy-routes.js';
import { storedContacts, type ContactsEntry, type EmulatorState } from './emulator-state.js';

export interface ArmRequest {
  readonly method: string;
  /** Path without query, e.g. `/subscriptions/<id>`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The raw request body text ('' when none). */
  readonly bodyText: string;
  /** Base URL for nextLink (`https://127.0.0.1:port`). */
  readonly baseUrl: string;
  readonly pageSize: number;
}

export interface ArmResponse {
  readonly status: number;
  /** undefined: no body. */
  readonly body?: unknown;
  /** Which route answered, for counters: `list-contacts`, `subscriptions`… */
  readonly route: string;
  /** The subscription the request is about, for per-subscription throttling. */
  readonly subscriptionId?: string;
}

const SUBSCRIPTION_API_VERSIONS = ['2016-06-01', '2019-06-01', '2020-01-01', '2021-01-01', '2022-12-01'];
const MANAGEMENT_GROUP_API_VERSIONS = ['2020-05-01', '2021-04-01', '2023-04-01'];

const CONTACTS_PATH = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.security\/securitycontacts(?:\/([^/]+))?\/?$/i;
const SUBSCRIPTION_PATH = /^\/subscriptions\/([^/]+)\/?$/i;
const DESCENDANTS_PATH = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)\/descendants\/?$/i;

function error(status: number, code: string, message: string, route: string, subscriptionId?: string): ArmResponse {
  return { status, body: armError(code, message), route, ...(subscriptionId === undefined ? {} : { subscriptionId }) };
}

function checkApiVersion(request: ArmRequest, supported: readonly string[], route: string, resourceType: string): ArmResponse | string {
  const version = request.query.get('api-version');
  if (version === null || version === '') {
    return error(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.", route);
  }
  if (!supported.includes(version)) {
    return route === 'subscriptions' || route === 'subscription'
      ? error(
          400,
          'InvalidApiVersionParameter',
          `The api-version '${version}' is invalid. The supported versions are '${supported.join(',')}'.`,
          route,
        )
      : error(
          400,
          'NoRegisteredProviderFound',
          `No registered resource provider found for location 'global' and API version '${version}' for type '${resourceType}'. ` +
            `The supported api-versions are '${supported.join(', ')}'.`,
          route,
        );
  }
  return version;
}

/** Pages `items` with a `$skiptoken` offset, ARM style: nextLink is an absolute URL, absent on the last page. */
function page(request: ArmRequest, items: readonly unknown[]): { value: unknown[]; nextLink?: string } {
  const offset = Math.max(0, Number.parseInt(request.query.get('$skiptoken') ?? '0', 10) || 0);
  const size = Math.max(1, request.pageSize);
  const value = items.slice(offset, offset + size);
  if (offset + size >= items.length) return { value };
  const next = new URL(request.path, request.baseUrl);
  for (const [key, val] of request.query) if (key !== '$skiptoken') next.searchParams.set(key, val);
  next.searchParams.set('$skiptoken', String(offset + size));
  return { value, nextLink: next.toString() };
}

/** Lower-cased subscription id -> subscription, per state (whose list never changes): a linear search per request made a tenant of N cost N². */
const subscriptionIndexes = new WeakMap<EmulatorState, Map<string, Record<string, unknown>>>();

function findSubscription(state: EmulatorState, id: string): Record<string, unknown> | undefined {
  let index = subscriptionIndexes.get(state);
  if (index === undefined) {
    index = new Map();
    // the first of duplicate ids wins, as the linear search did
    for (const subscription of [...state.subscriptions].reverse()) index.set(String(subscription.subscriptionId).toLowerCase(), subscription);
    subscriptionIndexes.set(state, index);
  }
  return index.get(id.toLowerCase());
}

function subscriptionNotFound(id: string, route: string): ArmResponse {
  return error(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`, route, id);
}

function descendants(state: EmulatorState, groupId: string): unknown[] {
  const out: unknown[] = [];
  const visit = (parentId: string): void => {
    const parent = state.managementGroups.get(parentId);
    if (!parent) return;
    const parentRef = { id: `/providers/Microsoft.Management/managementGroups/${parent.id}` };
    for (const subscriptionId of parent.subscriptionIds) {
      const subscription = findSubscription(state, subscriptionId);
      out.push({
        id: `/providers/Microsoft.Management/managementGroups/${parent.id}/subscriptions/${subscriptionId}`,
        type: 'Microsoft.Management/managementGroups/subscriptions',
        name: subscriptionId,
        properties: { displayName: subscription?.displayName ?? subscriptionId, parent: parentRef },
      });
    }
    for (const child of state.managementGroups.values()) {
      if (child.parent !== parentId) continue;
      out.push({
        id: `/providers/Microsoft.Management/managementGroups/${child.id}`,
        type: 'Microsoft.Management/managementGroups',
        name: child.id,
        properties: { displayName: child.displayName, parent: parentRef },
      });
      visit(child.id);
    }
  };
  visit(groupId);
  return out;
}

function contactNotFound(name: string, subscriptionId: string, route: string): ArmResponse {
  return error(404, 'NotFound', `Could not find security contact with name ${name} for subscriptionId ${subscriptionId}`, route, subscriptionId);
}

function readContacts(state: EmulatorState, subscriptionId: string): StoredContact[] {
  const entry = state.contacts.get(subscriptionId);
  if (entry?.kind === 'stored') return [...entry.contacts.values()];
  return contactsFromListBody(entry?.body);
}

const INACTIVE_STATES = new Set(['disabled', 'deleted']);

/** 501 Not Implemented: the emulator cannot answer from its capture, and the collector does not retry it. */
const NOT_IN_CAPTURE_STATUS = 501;

/**
 * The contacts list of a subscription the capture holds no data for: an active subscription without a contacts
 * body (not collected), or a page after a captured body that still had a nextLink. Azure would have answered
 * something, but the capture does not say what, so the emulator answers an error in the words `scan --offline`
 * uses for the same capture, never an empty list (which would read as "no contacts") or the first page again.
 */
function unknownContacts(
  request: ArmRequest,
  apiVersion: string,
  subscription: Record<string, unknown>,
  entry: ContactsEntry | undefined,
): Omit<ArmResponse, 'route'> | undefined {
  if (entry === undefined) {
    if (INACTIVE_STATES.has(String(subscription.state ?? '').toLowerCase())) return undefined;
    return {
      status: NOT_IN_CAPTURE_STATUS,
      body: armError('NotCollected', 'not collected: the capture has no security contacts for this subscription'),
    };
  }
  // later pages, and the whole list at another api-version (which would need every page to convert)
  if (entry.kind === 'captured' && (request.query.has('$skiptoken') || (hasNextLink(entry.body) && apiVersion !== API_VERSIONS.securityContacts))) {
    return {
      status: NOT_IN_CAPTURE_STATUS,
      body: armError(
        'IncompleteCapture',
        `only the first page of security contacts was collected (the body still has a nextLink) in ${entry.source ?? 'the capture'}`,
      ),
    };
  }
  return undefined;
}

function hasNextLink(body: unknown): boolean {
  const nextLink = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { nextLink?: unknown }).nextLink : undefined;
  return typeof nextLink === 'string' && nextLink !== '';
}

/**
 * A captured body's nextLink points at the ARM endpoint it was collected from; served by the emulator it points
 * at the emulator (same path and query), which then answers that the capture holds no further page.
 */
function withLocalNextLink(body: unknown, baseUrl: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  if (!hasNextLink(body)) return body;
  const nextLink = (body as { nextLink: string }).nextLink;
  let local: string;
  try {
    const parsed = new URL(nextLink, baseUrl);
    local = new URL(`${parsed.pathname}${parsed.search}`, baseUrl).toString();
  } catch {
    return body;
  }
  return { ...body, nextLink: local };
}

function handleContacts(state: EmulatorState, request: ArmRequest, rawSubscriptionId: string, name: string | undefined): ArmResponse {
  const route = name === undefined ? 'list-contacts' : `${request.method.toLowerCase()}-contact`;
  const version = checkApiVersion(request, SECURITY_CONTACT_API_VERSIONS, route, 'securityContacts');
  if (typeof version !== 'string') return { ...version, subscriptionId: rawSubscriptionId };
  const apiVersion = version as SecurityContactApiVersion;
  const subscription = findSubscription(state, rawSubscriptionId);
  if (!subscription) return subscriptionNotFound(rawSubscriptionId, route);
  const subscriptionId = String(subscription.subscriptionId);
  const fail = (status: number, code: string, message: string): ArmResponse => error(status, code, message, route, subscriptionId);

  const entry = state.contacts.get(subscriptionId);
  if (entry?.kind === 'captured' && isArmErrorBody(entry.body)) {
    return { status: statusForArmErrorCode(entry.body.error.code), body: entry.body, route, subscriptionId };
  }
  if (name === undefined) {
    if (request.method !== 'GET') return fail(405, 'MethodNotAllowed', `The HTTP method '${request.method}' is not supported for this resource.`);
    const unknown = unknownContacts(request, apiVersion, subscription, entry);
    if (unknown) return { ...unknown, route, subscriptionId };
    if (entry?.kind === 'captured' && apiVersion === API_VERSIONS.securityContacts) {
      return { status: 200, body: withLocalNextLink(entry.body, request.baseUrl), route, subscriptionId };
    }
    return { status: 200, body: contactListBody(subscriptionId, readContacts(state, subscriptionId), apiVersion), route, subscriptionId };
  }
  if (apiVersion === '2023-12-01-preview' && name !== 'default') {
    return fail(
      400,
      'InvalidSecurityContactName',
      `The security contact name '${name}' is invalid: api-version ${apiVersion} accepts only the name 'default' (pattern ^(default)$).`,
    );
  }
  const isWrite = request.method !== 'GET';
  if (isWrite && subscription.state !== undefined && !['Enabled', 'Warned', 'PastDue'].includes(String(subscription.state))) {
    return fail(
      409,
      'ReadOnlyDisabledSubscription',
      `The subscription '${subscriptionId}' is ${String(subscription.state).toLowerCase()} and therefore marked as read only. ` +
        'You cannot perform any write actions on this subscription until it is re-enabled.',
    );
  }
  switch (request.method) {
    case 'GET': {
      const contact = readContacts(state, subscriptionId).find((candidate) => candidate.name === name);
      return contact
        ? { status: 200, body: contactResource(subscriptionId, contact, apiVersion), route, subscriptionId }
        : contactNotFound(name, subscriptionId, route);
    }
    case 'PUT':
    case 'PATCH': {
      if (request.method === 'PATCH' && apiVersion !== '2017-08-01-preview') {
        return fail(405, 'MethodNotAllowed', `The HTTP method 'PATCH' is not supported by api-version ${apiVersion}; use PUT.`);
      }
      let body: unknown;
      try {
        body = JSON.parse(request.bodyText);
      } catch {
        return fail(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body is not JSON.');
      }
      const problem = validateContactBody(apiVersion, body, request.method);
      if (problem !== null) return fail(400, 'InvalidRequestContent', problem);
      const contacts = storedContacts(state, subscriptionId);
      if (contacts === null) return fail(403, 'AuthorizationFailed', 'The client does not have authorization to perform this action.');
      const properties = ((body as { properties?: Record<string, unknown> }).properties ?? {}) as Record<string, unknown>;
      const incoming = contactFromProperties(name, properties, apiVersion);
      const existing = contacts.get(name);
      if (request.method === 'PATCH') {
        if (!existing) return contactNotFound(name, subscriptionId, route);
        const patched = patchContact(existing, incoming);
        contacts.set(name, patched);
        return { status: 200, body: contactResource(subscriptionId, patched, apiVersion), route, subscriptionId };
      }
      contacts.set(name, incoming);
      const status = existing || apiVersion === '2017-08-01-preview' ? 200 : 201;
      return { status, body: contactResource(subscriptionId, incoming, apiVersion), route, subscriptionId };
    }
    case 'DELETE': {
      const contacts = storedContacts(state, subscriptionId);
      if (contacts === null) return fail(403, 'AuthorizationFailed', 'The client does not have authorization to perform this action.');
      const existed = contacts.delete(name);
      return { status: existed ? 200 : 204, route, subscriptionId };
    }
    default:
      return fail(405, 'MethodNotAllowed', `The HTTP method '${request.method}' is not supported for this resource.`);
  }
}

export function handleArmRequest(state: EmulatorState, request: ArmRequest): ArmResponse {
  const path = request.path;
  const policy = handlePolicyRequest(state, request); if (policy) return policy;
  const contacts = CONTACTS_PATH.exec(path);
  if (contacts) return handleContacts(state, request, decodeURIComponent(contacts[1] ?? ''), contacts[2] === undefined ? undefined : decodeURIComponent(contacts[2]));

  if (/^\/subscriptions\/?$/i.test(path)) {
    const version = checkApiVersion(request, SUBSCRIPTION_API_VERSIONS, 'subscriptions', 'subscriptions');
    if (typeof version !== 'string') return version;
    if (request.method !== 'GET') return error(405, 'MethodNotAllowed', `The HTTP method '${request.method}' is not supported.`, 'subscriptions');
    return { status: 200, body: page(request, state.subscriptions), route: 'subscriptions' };
  }
  const subscriptionPath = SUBSCRIPTION_PATH.exec(path);
  if (subscriptionPath) {
    const id = decodeURIComponent(subscriptionPath[1] ?? '');
    const version = checkApiVersion(request, SUBSCRIPTION_API_VERSIONS, 'subscription', 'subscriptions');
    if (typeof version !== 'string') return version;
    const subscription = findSubscription(state, id);
    return subscription ? { status: 200, body: subscription, route: 'subscription', subscriptionId: id } : subscriptionNotFound(id, 'subscription');
  }
  const descendantsPath = DESCENDANTS_PATH.exec(path);
  if (descendantsPath) {
    const groupId = decodeURIComponent(descendantsPath[1] ?? '');
    const version = checkApiVersion(request, MANAGEMENT_GROUP_API_VERSIONS, 'descendants', 'managementGroups');
    if (typeof version !== 'string') return version;
    if (!state.managementGroups.has(groupId)) {
      return error(404, 'NotFound', `'/providers/Microsoft.Management/managementGroups/${groupId}' not found`, 'descendants');
    }
    return { status: 200, body: page(request, descendants(state, groupId)), route: 'descendants' };
  }
  return error(404, 'NotFound', `The resource path '${path}' is not served by the ward ARM emulator.`, 'unknown');
}
