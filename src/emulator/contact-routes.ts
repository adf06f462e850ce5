/**
 * Microsoft.Security/securityContacts in the emulator, at every published api-version (2017-08-01-preview,
 * 2020-01-01-preview, 2023-12-01-preview): list, get, put, delete, and the 2017 PATCH.
 *
 * Answers take the shape of the api-version asked for, as ARM converts what it stores: a captured list body that
 * already has that shape is served as captured (its quirks are data), any other is converted item by item. The
 * 2020-01-01-preview list is a bare JSON array, as the live service answers it.
 */
import { SECURITY_CONTACT_API_VERSIONS, type SecurityContactApiVersion } from '../core/inventory/capture.js';
import { armError, isArmErrorBody, statusForArmErrorCode } from './arm-error.js';
import { armFailure, checkApiVersion } from './arm-route-helpers.js';
import type { ArmRequest, ArmResponse } from './arm-types.js';
import {
  contactFromProperties,
  contactListBody,
  contactResource,
  listBodyFitsVersion,
  patchContact,
} from './contact-shapes.js';
import { validateContactBody } from './contact-schemas.js';
import { currentContacts, findSubscription, storedContacts, type ContactsEntry, type EmulatorState } from './emulator-state.js';

const CONTACTS_PATH = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.security\/securitycontacts(?:\/([^/]+))?\/?$/i;

function contactNotFound(name: string, subscriptionId: string, route: string): ArmResponse {
  return armFailure(404, 'NotFound', `Could not find security contact with name ${name} for subscriptionId ${subscriptionId}`, route, subscriptionId);
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
  state: EmulatorState,
  request: ArmRequest,
  apiVersion: SecurityContactApiVersion,
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
  if (entry.kind === 'captured' && (request.query.has('$skiptoken') || (hasNextLink(entry.body) && !state.replayCapturedBodies && !listBodyFitsVersion(entry.body, apiVersion)))) {
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

/**
 * The 2017 service reads `alertNotifications` and `alertsToAdmins` case-insensitively (its enums are "model as
 * string"; the Azure CLI before 2.61 sends `on` and `off`, as its own help writes them) and stores "On" / "Off".
 */
function withCanonicalOnOff(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const properties = (body as { properties?: unknown }).properties;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return body;
  const canonical = { ...(properties as Record<string, unknown>) };
  for (const key of ['alertNotifications', 'alertsToAdmins']) {
    const value = canonical[key];
    if (typeof value === 'string' && ['on', 'off'].includes(value.toLowerCase())) canonical[key] = value.toLowerCase() === 'on' ? 'On' : 'Off';
  }
  return { ...body, properties: canonical };
}

function handleContacts(state: EmulatorState, request: ArmRequest, rawSubscriptionId: string, name: string | undefined): ArmResponse {
  const route = name === undefined ? 'list-contacts' : `${request.method.toLowerCase()}-contact`;
  const version = checkApiVersion(request, SECURITY_CONTACT_API_VERSIONS, route, 'securityContacts');
  if (typeof version !== 'string') return { ...version, subscriptionId: rawSubscriptionId };
  const apiVersion = version as SecurityContactApiVersion;
  const subscription = findSubscription(state, rawSubscriptionId);
  if (!subscription) return armFailure(404, 'SubscriptionNotFound', `The subscription '${rawSubscriptionId}' could not be found.`, route, rawSubscriptionId);
  const subscriptionId = String(subscription.subscriptionId);
  const fail = (status: number, code: string, message: string): ArmResponse => armFailure(status, code, message, route, subscriptionId);

  const entry = state.contacts.get(subscriptionId);
  if (entry?.kind === 'captured' && isArmErrorBody(entry.body)) {
    return { status: statusForArmErrorCode(entry.body.error.code), body: entry.body, route, subscriptionId };
  }
  if (name === undefined) {
    if (request.method !== 'GET') return fail(405, 'MethodNotAllowed', `The HTTP method '${request.method}' is not supported for this resource.`);
    const unknown = unknownContacts(state, request, apiVersion, subscription, entry);
    if (unknown) return { ...unknown, route, subscriptionId };
    if (entry?.kind === 'captured' && (state.replayCapturedBodies || listBodyFitsVersion(entry.body, apiVersion))) {
      return { status: 200, body: withLocalNextLink(entry.body, request.baseUrl), route, subscriptionId };
    }
    return { status: 200, body: contactListBody(subscriptionId, currentContacts(state, subscriptionId), apiVersion), route, subscriptionId };
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
      const contact = currentContacts(state, subscriptionId).find((candidate) => candidate.name === name);
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
      if (apiVersion === '2017-08-01-preview') body = withCanonicalOnOff(body);
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
      // 2017-08-01-preview lists 204 only (its SDK raises on 200); the later versions answer 200 when a contact went
      const existed = contacts.delete(name);
      return { status: existed && apiVersion !== '2017-08-01-preview' ? 200 : 204, route, subscriptionId };
    }
    default:
      return fail(405, 'MethodNotAllowed', `The HTTP method '${request.method}' is not supported for this resource.`);
  }
}


/** Answers a security-contacts request, or undefined when the path is not one (the router goes on). */
export function handleContactRequest(state: EmulatorState, request: ArmRequest): ArmResponse | undefined {
  const match = CONTACTS_PATH.exec(request.path);
  if (!match) return undefined;
  return handleContacts(state, request, decodeURIComponent(match[1] ?? ''), match[2] === undefined ? undefined : decodeURIComponent(match[2]));
}
