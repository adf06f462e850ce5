/**
 * Security contacts in the emulator: one stored form, converted to and from the shape of each api-version.
 * Pure functions; the field-by-field mapping follows the three API shapes documented in the ARM specs.
 */
import { SECURITY_CONTACT_API_VERSIONS, type SecurityContactApiVersion } from '../core/inventory/capture.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

/** The emulator's stored form: a superset of the three versions. An absent key means the field was absent. */
export interface StoredContact {
  readonly name: string;
  /**
   * `emails` (2020/2023) or `email` (2017): undefined when missing, null when null, "" when empty. A captured value
   * of another JSON type is kept as it was (never turned into a string that would read as an address).
   */
  readonly emails?: unknown;
  readonly phone?: string | null;
  readonly isEnabled?: boolean;
  /** 2017 "On"/"Off" and 2020 `{state, minimalSeverity}` both land here. */
  readonly alertNotifications?: { readonly state?: string; readonly minimalSeverity?: string };
  readonly alertsToAdmins?: string;
  readonly notificationsByRole?: JsonObject;
  readonly notificationsSources?: readonly JsonObject[];
}

export function isSecurityContactApiVersion(value: string): value is SecurityContactApiVersion {
  return (SECURITY_CONTACT_API_VERSIONS as readonly string[]).includes(value);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Guesses which api-version wrote a resource's properties (captured bodies mix all three). */
export function detectContactApiVersion(properties: JsonObject): SecurityContactApiVersion {
  if ('email' in properties || typeof properties.alertNotifications === 'string') return '2017-08-01-preview';
  if ('notificationsSources' in properties || 'isEnabled' in properties) return '2023-12-01-preview';
  return '2020-01-01-preview';
}

/** Reads properties of the given version into the stored form (undefined fields stay undefined). */
export function contactFromProperties(name: string, properties: JsonObject, version: SecurityContactApiVersion): StoredContact {
  const out: {
    name: string;
    emails?: unknown;
    phone?: string | null;
    isEnabled?: boolean;
    alertNotifications?: { state?: string; minimalSeverity?: string };
    alertsToAdmins?: string;
    notificationsByRole?: JsonObject;
    notificationsSources?: JsonObject[];
  } = { name };
  const emails = version === '2017-08-01-preview' ? properties.email : properties.emails;
  if (emails !== undefined) out.emails = emails;
  if (typeof properties.phone === 'string' || properties.phone === null) out.phone = properties.phone;
  if (version === '2017-08-01-preview') {
    if (typeof properties.alertNotifications === 'string') out.alertNotifications = { state: properties.alertNotifications };
    if (typeof properties.alertsToAdmins === 'string') out.alertsToAdmins = properties.alertsToAdmins;
    return out;
  }
  if (isObject(properties.notificationsByRole)) out.notificationsByRole = { ...properties.notificationsByRole };
  if (version === '2020-01-01-preview') {
    const alerts = properties.alertNotifications;
    if (isObject(alerts)) {
      out.alertNotifications = {
        ...(typeof alerts.state === 'string' ? { state: alerts.state } : {}),
        ...(typeof alerts.minimalSeverity === 'string' ? { minimalSeverity: alerts.minimalSeverity } : {}),
      };
    }
    return out;
  }
  if (typeof properties.isEnabled === 'boolean') out.isEnabled = properties.isEnabled;
  if (Array.isArray(properties.notificationsSources)) {
    out.notificationsSources = properties.notificationsSources.filter(isObject).map((source) => ({ ...source }));
  }
  return out;
}

/** Merges a 2017 PATCH into a stored contact (only the fields present in the patch change). */
export function patchContact(contact: StoredContact, patch: StoredContact): StoredContact {
  return { ...contact, ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)), name: contact.name };
}

function alertSource(contact: StoredContact): JsonObject | undefined {
  return contact.notificationsSources?.find((source) => source.sourceType === 'Alert');
}

/** The properties object of the given version for a stored contact. */
export function contactToProperties(contact: StoredContact, version: SecurityContactApiVersion): JsonObject {
  const properties: JsonObject = {};
  if (version === '2017-08-01-preview') {
    if (contact.emails !== undefined) properties.email = contact.emails;
    if (contact.phone !== undefined) properties.phone = contact.phone;
    const alertState = contact.alertNotifications?.state ?? (alertSource(contact) ? 'On' : undefined);
    if (alertState !== undefined) properties.alertNotifications = alertState;
    const toAdmins = contact.alertsToAdmins ?? (contact.notificationsByRole?.state as string | undefined);
    if (toAdmins !== undefined) properties.alertsToAdmins = toAdmins;
    return properties;
  }
  const byRole =
    contact.notificationsByRole ?? (contact.alertsToAdmins !== undefined ? { state: contact.alertsToAdmins, roles: ['Owner'] } : undefined);
  if (byRole !== undefined) properties.notificationsByRole = byRole;
  if (contact.emails !== undefined) properties.emails = contact.emails;
  if (contact.phone !== undefined) properties.phone = contact.phone;
  if (version === '2020-01-01-preview') {
    const source = alertSource(contact);
    const alerts =
      contact.alertNotifications ??
      (source ? { state: 'On', ...(typeof source.minimalSeverity === 'string' ? { minimalSeverity: source.minimalSeverity } : {}) } : undefined);
    if (alerts !== undefined) properties.alertNotifications = alerts;
    return properties;
  }
  properties.isEnabled = contact.isEnabled ?? true;
  const sources =
    contact.notificationsSources ??
    (contact.alertNotifications?.state === 'On'
      ? [{ sourceType: 'Alert', minimalSeverity: contact.alertNotifications.minimalSeverity ?? 'High' }]
      : []);
  properties.notificationsSources = sources;
  return properties;
}

export function contactResourceId(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Security/securityContacts/${name}`;
}

/** The resource envelope ARM answers for one contact in the given version. */
export function contactResource(subscriptionId: string, contact: StoredContact, version: SecurityContactApiVersion): JsonObject {
  return {
    id: contactResourceId(subscriptionId, contact.name),
    name: contact.name,
    type: 'Microsoft.Security/securityContacts',
    properties: contactToProperties(contact, version),
  };
}

/** The list body ARM answers: a bare array for 2020-01-01-preview (as the live service does), `{value}` otherwise. */
export function contactListBody(subscriptionId: string, contacts: readonly StoredContact[], version: SecurityContactApiVersion): Json {
  const value = contacts.map((contact) => contactResource(subscriptionId, contact, version));
  return version === '2020-01-01-preview' ? value : { value };
}

/** Reads a captured list body (bare array or `{value}`, any version's items) into stored contacts. */
export function contactsFromListBody(body: unknown): StoredContact[] {
  const items = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.value) ? body.value : [];
  const contacts: StoredContact[] = [];
  for (const item of items) {
    if (!isObject(item)) continue;
    const properties = isObject(item.properties) ? item.properties : {};
    const name = typeof item.name === 'string' ? item.name : 'default';
    contacts.push(contactFromProperties(name, properties, detectContactApiVersion(properties)));
  }
  return contacts;
}

/** Property names each api-version does not have: an item carrying one was written in another version's shape. */
function foreignTo(version: SecurityContactApiVersion, properties: JsonObject): boolean {
  const has = (key: string): boolean => key in properties;
  switch (version) {
    case '2017-08-01-preview':
      return has('emails') || has('isEnabled') || has('notificationsByRole') || has('notificationsSources') || isObject(properties.alertNotifications);
    case '2020-01-01-preview':
      return has('email') || has('alertsToAdmins') || has('isEnabled') || has('notificationsSources') || typeof properties.alertNotifications === 'string';
    case '2023-12-01-preview':
      return has('email') || has('alertsToAdmins') || has('alertNotifications');
  }
}

/**
 * Whether a captured list body already has the shape ARM answers at `version` (a bare array exactly for
 * 2020-01-01-preview, `{value}` otherwise, and no item with another version's fields). Such a body is served as
 * captured, quirks and all; any other is converted item by item, as ARM converts its stored resources.
 */
export function listBodyFitsVersion(body: unknown, version: SecurityContactApiVersion): boolean {
  const items = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.value) ? body.value : undefined;
  if (items === undefined) return false;
  if (Array.isArray(body) !== (version === '2020-01-01-preview')) return false;
  return items.every((item) => isObject(item) && !foreignTo(version, isObject(item.properties) ? item.properties : {}));
}
