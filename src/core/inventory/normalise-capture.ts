import { WardError } from '../errors.js';
import { isEmailAddress, splitEmailAddresses } from '../email-addresses.js';
import type {
  ConnectorRecord,
  Inventory,
  NotificationsByRole,
  NotificationsSource,
  ReadError,
  SecurityContactRecord,
} from '../model.js';
import type { Capture, CapturedBody, SecurityContactApiVersion } from './capture.js';
import { INPUT_LIMITS, bodyValueProblem } from './input-limits.js';
import { isObject } from '../is-object.js';

/**
 * Turns raw ARM bodies into inventory records. Pure: no files, no network.
 *
 * What is a read error (every check on that subscription reports `error`, never pass or fail):
 * an ARM error body, a subscription with no contacts body (not collected), a list that still has a
 * `nextLink` (only part of it was collected). What is bad input (WardError, exit 2): bodies of a shape
 * Azure never returns. `invalidBodies: 'error'` turns those into read errors too, for live collection,
 * where one odd answer must not stop the other subscriptions.
 */
export interface NormaliseOptions {
  readonly invalidBodies?: 'throw' | 'error';
}

type Json = Record<string, unknown>;


function invalid(source: string, field: string, message: string): WardError {
  return new WardError('CAPTURE_INVALID', message, {
    location: { file: source, field },
    hint: 'capture files hold ARM response bodies exactly as Azure returned them (see the capture format in the README)',
  });
}

/**
 * `{"error": {"code", "message"}}`, ARM's error body, or undefined when the body is not one. A body with an
 * `error` member of any other form (`{"error": "x", "value": [...]}`) is a failed read too: never data.
 */
export function armErrorOf(body: unknown): ReadError | undefined {
  if (!isObject(body) || !('error' in body) || body.error === undefined) return undefined;
  if (!isObject(body.error)) {
    return { code: 'InvalidResponse', message: `the response has an "error" member that is not an ARM error object (${JSON.stringify(body.error)?.slice(0, 80)}): its data is not trusted` };
  }
  const code = typeof body.error.code === 'string' ? body.error.code : 'UnknownError';
  const message = typeof body.error.message === 'string' ? body.error.message : '(no message)';
  return { code, message };
}

/** Adds what a person needs to act on a read error: the role for authorisation failures. */
export function explainReadError(error: ReadError): ReadError {
  if (/^(AuthorizationFailed|Forbidden|InsufficientPermissions)$/i.test(error.code) || /\b403\b/.test(error.code)) {
    return {
      code: error.code,
      message: `${error.message} (reading security contacts needs the Security Reader or Reader role on the subscription)`,
    };
  }
  return error;
}

function listItems(captured: CapturedBody, what: string): { items: unknown[]; nextLink: string | null } {
  const { body, source } = captured;
  if (Array.isArray(body)) return { items: body, nextLink: null };
  if (isObject(body) && Array.isArray(body.value)) {
    const nextLink = typeof body.nextLink === 'string' && body.nextLink.length > 0 ? body.nextLink : null;
    return { items: body.value, nextLink };
  }
  throw invalid(source, 'value', `not a ${what} list body: expected {"value": [...]}, a bare array, or an ARM error body`);
}

function optionalString(value: unknown, source: string, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(source, field, `expected a string, found ${JSON.stringify(value)}`);
  return value;
}

/** A subscription id as ARM writes it: a GUID in the 8-4-4-4-12 form. */
const SUBSCRIPTION_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function normaliseSubscription(item: unknown, index: number, source: string): ConnectorRecord {
  const field = `value[${index}]`;
  if (!isObject(item)) throw invalid(source, field, 'a subscription entry must be an object');
  const subscriptionId = optionalString(item.subscriptionId, source, `${field}.subscriptionId`);
  if (!subscriptionId || !SUBSCRIPTION_GUID.test(subscriptionId)) {
    throw invalid(source, `${field}.subscriptionId`, `a subscription entry needs a subscriptionId GUID, found ${JSON.stringify(item.subscriptionId)}`);
  }
  const tags: Record<string, string> = {};
  if (isObject(item.tags)) for (const [key, value] of Object.entries(item.tags)) if (typeof value === 'string') tags[key] = value;
  return {
    id: `/subscriptions/${subscriptionId.toLowerCase()}`,
    name: optionalString(item.displayName, source, `${field}.displayName`),
    provider: 'azure',
    subscriptionId: subscriptionId.toLowerCase(),
    tenantId: optionalString(item.tenantId, source, `${field}.tenantId`),
    state: optionalString(item.state, source, `${field}.state`),
    tags,
    readError: null,
  };
}

/** Which api-version's shape a contact has. Keyed on properties, never on `type` (the examples misspell it). */
export function contactApiVersion(properties: Json): SecurityContactApiVersion {
  if ('isEnabled' in properties || 'notificationsSources' in properties) return '2023-12-01-preview';
  if (isObject(properties.alertNotifications)) return '2020-01-01-preview';
  if ('emails' in properties || 'notificationsByRole' in properties) return '2023-12-01-preview';
  return '2017-08-01-preview';
}

function normaliseNotificationsByRole(value: unknown, source: string, field: string): NotificationsByRole | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw invalid(source, field, 'notificationsByRole must be an object');
  const roles = Array.isArray(value.roles) ? value.roles.filter((role): role is string => typeof role === 'string') : [];
  return { state: typeof value.state === 'string' ? value.state : null, roles };
}

function normaliseNotificationsSources(value: unknown, source: string, field: string): NotificationsSource[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw invalid(source, field, 'notificationsSources must be an array');
  return value.map((entry, index) => {
    if (!isObject(entry) || typeof entry.sourceType !== 'string') {
      throw invalid(source, `${field}[${index}]`, 'a notification source needs a sourceType');
    }
    return {
      sourceType: entry.sourceType,
      ...(typeof entry.minimalSeverity === 'string' ? { minimalSeverity: entry.minimalSeverity } : {}),
      ...(typeof entry.minimalRiskLevel === 'string' ? { minimalRiskLevel: entry.minimalRiskLevel } : {}),
    };
  });
}

/** Alert severities and attack-path risk levels, lowest first: a threshold emails itself and everything above it. */
export const ALERT_SEVERITIES = ['Low', 'Medium', 'High'] as const;
export const ATTACK_PATH_RISK_LEVELS = ['Low', 'Medium', 'High', 'Critical'] as const;

/** The levels at or above `threshold` (matched case-insensitively); none when the threshold is missing or unknown. */
function levelsFrom(levels: readonly string[], threshold: string | null | undefined): string[] {
  if (typeof threshold !== 'string') return [];
  const index = levels.findIndex((level) => level.toLowerCase() === threshold.trim().toLowerCase());
  return index < 0 ? [] : levels.slice(index);
}

function rank(levels: readonly string[], level: string | undefined): number {
  const index = level === undefined ? -1 : levels.findIndex((candidate) => candidate.toLowerCase() === level.trim().toLowerCase());
  return index < 0 ? levels.length : index;
}

/** The built-in roles notificationsByRole accepts, spelled as ARM spells them. */
export const NOTIFIED_ROLES = ['Owner', 'Contributor', 'ServiceAdmin', 'AccountAdmin'] as const;

/** A role as ARM spells it when it is a built-in one (`owner` → `Owner`); anything else as given. */
function canonicalRole(role: string): string {
  return NOTIFIED_ROLES.find((known) => known.toLowerCase() === role.trim().toLowerCase()) ?? role;
}

const isOn = (value: unknown): boolean => typeof value === 'string' && value.trim().toLowerCase() === 'on';

/**
 * What a contact notifies, the same whatever its api-version. The only place these are derived: checks read the
 * fields, remediation simulates through this code, IaC builds its contacts with it. Unknown or missing thresholds
 * notify nothing (never a false pass): a 2020 `alertNotifications` On without `minimalSeverity` emails no known level.
 */
export function notificationsOf(contact: Pick<SecurityContactRecord, 'apiVersion' | 'isEnabled' | 'alertNotifications' | 'alertMinimalSeverity' | 'alertsToAdmins' | 'notificationsByRole' | 'notificationsSources'>): Pick<SecurityContactRecord, 'enabled' | 'notifiedRoles' | 'alertSeverities' | 'attackPathRiskLevels'> {
  const legacy = contact.apiVersion === '2017-08-01-preview';
  const byRole = contact.notificationsByRole;
  const notifiedRoles = legacy ? (isOn(contact.alertsToAdmins) ? ['Owner'] : []) : byRole && isOn(byRole.state) ? [...new Set(byRole.roles.map(canonicalRole))] : [];
  const alertSeverities = legacy
    ? isOn(contact.alertNotifications)
      ? ['High']
      : []
    : isOn(contact.alertNotifications)
      ? levelsFrom(ALERT_SEVERITIES, contact.alertMinimalSeverity)
      : [];
  const attackPath = (contact.notificationsSources ?? []).filter((source) => source.sourceType.toLowerCase() === 'attackpath');
  const attackPathRiskLevels = ATTACK_PATH_RISK_LEVELS.filter((level) => attackPath.some((source) => levelsFrom(ATTACK_PATH_RISK_LEVELS, source.minimalRiskLevel).includes(level)));
  return { enabled: contact.isEnabled !== false, notifiedRoles, alertSeverities, attackPathRiskLevels };
}

function normaliseContact(item: unknown, index: number, connector: ConnectorRecord, source: string): SecurityContactRecord {
  const field = `value[${index}]`;
  if (!isObject(item)) throw invalid(source, field, 'a security contact must be an object');
  const properties = item.properties === undefined || item.properties === null ? {} : item.properties;
  if (!isObject(properties)) throw invalid(source, `${field}.properties`, 'properties must be an object');
  const idName = typeof item.id === 'string' ? item.id.split('/').pop() : undefined;
  const name = optionalString(item.name, source, `${field}.name`) ?? idName;
  if (!name) throw invalid(source, `${field}.name`, 'a security contact needs a name or an id');
  const apiVersion = contactApiVersion(properties);
  const addressField = 'emails' in properties ? 'emails' : 'email';
  const email = optionalString(properties[addressField], source, `${field}.properties.${addressField}`);
  const emails = splitEmailAddresses(email);
  const alertNotifications = properties.alertNotifications;
  const sources = normaliseNotificationsSources(properties.notificationsSources, source, `${field}.properties.notificationsSources`);
  // several Alert sources: the lowest threshold is what gets emailed
  const alertSource = sources
    ?.filter((entry) => entry.sourceType.toLowerCase() === 'alert')
    .sort((a, b) => rank(ALERT_SEVERITIES, a.minimalSeverity) - rank(ALERT_SEVERITIES, b.minimalSeverity))[0];
  const isEnabled = properties.isEnabled;
  if (isEnabled !== undefined && isEnabled !== null && typeof isEnabled !== 'boolean') {
    throw invalid(source, `${field}.properties.isEnabled`, `expected a boolean, found ${JSON.stringify(isEnabled)}`);
  }
  const record = {
    id: `${connector.id}/providers/Microsoft.Security/securityContacts/${name}`,
    name,
    connectorId: connector.id,
    email,
    emails,
    invalidEmails: emails.filter((address) => !isEmailAddress(address)),
    phone: optionalString(properties.phone, source, `${field}.properties.phone`),
    isEnabled: typeof isEnabled === 'boolean' ? isEnabled : null,
    alertNotifications: isObject(alertNotifications)
      ? (optionalString(alertNotifications.state, source, `${field}.properties.alertNotifications.state`))
      : alertSource
        ? 'On'
        : optionalString(alertNotifications, source, `${field}.properties.alertNotifications`),
    alertMinimalSeverity: isObject(alertNotifications)
      ? optionalString(alertNotifications.minimalSeverity, source, `${field}.properties.alertNotifications.minimalSeverity`)
      : (alertSource?.minimalSeverity ?? null),
    alertsToAdmins: optionalString(properties.alertsToAdmins, source, `${field}.properties.alertsToAdmins`),
    notificationsByRole: normaliseNotificationsByRole(properties.notificationsByRole, source, `${field}.properties.notificationsByRole`),
    notificationsSources: sources,
    apiVersion,
    raw: item,
  };
  return { ...record, ...notificationsOf(record) };
}

/** A subscription entry with a value past the limits: kept (by its id) as an error, its other fields not trusted. */
function unreadableSubscription(item: unknown, index: number, source: string, problem: string): ConnectorRecord {
  const id = isObject(item) ? item.subscriptionId : undefined;
  if (typeof id !== 'string' || !SUBSCRIPTION_GUID.test(id)) {
    throw invalid(source, `value[${index}].subscriptionId`, `a subscription entry needs a subscriptionId GUID (and ${problem})`);
  }
  const subscriptionId = id.toLowerCase();
  return {
    id: `/subscriptions/${subscriptionId}`,
    name: null,
    provider: 'azure',
    subscriptionId,
    tenantId: null,
    state: null,
    tags: {},
    readError: { code: 'InvalidResponse', message: `the subscription's entry in ${source}: ${problem}` },
  };
}

/** The contacts of one subscription, or why they could not be read. */
export function normaliseContactsBody(
  captured: CapturedBody,
  connector: ConnectorRecord,
): { readonly contacts: SecurityContactRecord[] } | { readonly readError: ReadError } {
  if (captured.readError) return { readError: captured.readError };
  const armError = armErrorOf(captured.body);
  if (armError) return { readError: explainReadError(armError) };
  // one bad value makes this subscription an error; the others are judged
  const problem = bodyValueProblem(captured.body);
  if (problem) return { readError: { code: 'InvalidResponse', message: `${problem} in ${captured.source}` } };
  const { items, nextLink } = listItems(captured, 'security contacts');
  if (items.length > INPUT_LIMITS.contactsPerSubscription) {
    return {
      readError: {
        code: 'InputLimit',
        message: `${items.length.toLocaleString('en-US')} security contacts in ${captured.source} (limit ${INPUT_LIMITS.contactsPerSubscription.toLocaleString('en-US')} per subscription)`,
      },
    };
  }
  if (nextLink) {
    return {
      readError: {
        code: 'IncompleteCapture',
        message: `only the first page of security contacts was collected (the body still has a nextLink) in ${captured.source}`,
      },
    };
  }
  const contacts = items.map((item, index) => normaliseContact(item, index, connector, captured.source));
  const crowded = contacts.find((contact) => contact.emails.length > INPUT_LIMITS.addressesPerContact);
  if (crowded) {
    return {
      readError: {
        code: 'InputLimit',
        message: `security contact ${crowded.name} holds ${crowded.emails.length.toLocaleString('en-US')} addresses (limit ${INPUT_LIMITS.addressesPerContact.toLocaleString('en-US')}) in ${captured.source}`,
      },
    };
  }
  const seen = new Set<string>();
  for (const [index, contact] of contacts.entries()) {
    const key = contact.name.toLowerCase();
    if (seen.has(key)) throw invalid(captured.source, `value[${index}].name`, `security contact ${contact.name} appears twice`);
    seen.add(key);
  }
  return { contacts };
}

/** The whole capture as an inventory: one connector per listed subscription, with its contacts or its read error. */
export function normaliseCapture(capture: Capture, options: NormaliseOptions = {}): Inventory {
  const subscriptionsError = armErrorOf(capture.subscriptions.body);
  if (subscriptionsError) {
    throw new WardError('CAPTURE_INVALID', `the subscriptions list is an ARM error: ${subscriptionsError.code}: ${subscriptionsError.message}`, {
      location: { file: capture.subscriptions.source },
      hint: 'without the subscriptions list nothing can be evaluated; collect again with an identity that can list subscriptions',
    });
  }
  const { items, nextLink } = listItems(capture.subscriptions, 'subscriptions');
  if (nextLink) {
    throw invalid(capture.subscriptions.source, 'nextLink', 'the subscriptions list has a nextLink: merge every page into one {"value": [...]}');
  }
  const bodies = new Map<string, CapturedBody>();
  for (const [key, body] of capture.securityContacts) bodies.set(key.toLowerCase(), body);

  const connectors: ConnectorRecord[] = [];
  const securityContacts: SecurityContactRecord[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    // a NUL or an oversized value in one subscription's entry makes that subscription an error, not the scan
    const problem = bodyValueProblem(item);
    const connector = problem ? unreadableSubscription(item, index, capture.subscriptions.source, problem) : normaliseSubscription(item, index, capture.subscriptions.source);
    if (connector.readError) {
      if (seen.has(connector.id)) throw invalid(capture.subscriptions.source, `value[${index}].subscriptionId`, `subscription ${connector.subscriptionId} is listed twice`);
      seen.add(connector.id);
      connectors.push(connector);
      return;
    }
    if (seen.has(connector.id)) throw invalid(capture.subscriptions.source, `value[${index}].subscriptionId`, `subscription ${connector.subscriptionId} is listed twice`);
    seen.add(connector.id);
    const captured = bodies.get(connector.subscriptionId);
    if (!captured) {
      connectors.push({
        ...connector,
        readError: { code: 'NotCollected', message: 'not collected: the capture has no security contacts for this subscription' },
      });
      return;
    }
    let result: ReturnType<typeof normaliseContactsBody>;
    try {
      result = normaliseContactsBody(captured, connector);
    } catch (error) {
      if (options.invalidBodies !== 'error' || !(error instanceof WardError)) throw error;
      result = { readError: { code: 'InvalidResponse', message: `unexpected response body: ${error.message} (${error.location?.field ?? ''})` } };
    }
    if ('readError' in result) connectors.push({ ...connector, readError: result.readError });
    else {
      connectors.push(connector);
      for (const contact of result.contacts) securityContacts.push(contact);
    }
  });
  return { connectors, securityContacts };
}
