/**
 * The bodies remediation PUTs, built from what a subscription already has. Pure.
 *
 * The main request writes the `default` contact in 2023-12-01-preview (the only name that version accepts). Its
 * starting point, `mergeDefaultContact`, keeps what is there; the planner of each failing control then changes
 * only what that control needs (src/core/remediation/planners/):
 *
 * - emails: the entries of EVERY contact of the subscription (the `default` contact's first, then the others in
 *   inventory order); split on `;` and `,`, deduplicated case-insensitively (first spelling kept), joined by `;` as
 *   the API documents.
 * - phone: the `default` contact's phone; without one, the first non-empty phone of another contact.
 * - notificationsByRole / notificationsSources: the `default` contact's settings, carried over to the 2023 form;
 *   without a `default` contact, the legacy contacts' settings; without any, ward's defaults (owners notified,
 *   alerts of severity High and above).
 * - isEnabled: true.
 *
 * Carrying older shapes over to 2023:
 * - 2017 `alertNotifications: "On"`  → notificationsSources [{sourceType: "Alert", minimalSeverity: "High"}]
 *   (2017 had no severity threshold: it mailed high-severity alerts, so High keeps the behaviour); `"Off"` → [].
 * - 2017 `alertsToAdmins: "On"`/`"Off"` → notificationsByRole {state: "On"/"Off", roles: ["Owner"]} (2017
 *   "admins" were the subscription owners; keeping "Owner" in the list with state Off preserves the choice).
 * - 2020 `alertNotifications {state: "On", minimalSeverity: S}` → [{sourceType: "Alert", minimalSeverity: S}]
 *   (S defaults to High when absent); state "Off" → []. 2020 notificationsByRole is the same object in 2023.
 * - 2023 notificationsSources are kept verbatim (AttackPath sources included).
 * Legacy contacts that disagree: alerts are On if any had them On (the merged `default` now addresses all their
 * recipients; dropping alerts for them would be a regression), likewise for notifying owners.
 */
import { dedupeEmailAddresses, isEmailAddress, splitEmailAddresses } from '../email-addresses.js';
import type { SecurityContactRecord } from '../model.js';
import { isObject } from '../is-object.js';

export const CURRENT_CONTACT_API_VERSION = '2023-12-01-preview';
export const LEGACY_CONTACT_API_VERSION = '2017-08-01-preview';
export const DEFAULT_CONTACT_NAME = 'default';

export interface RoleNotifications {
  readonly state: string;
  readonly roles: readonly string[];
}

export type NotificationSourceBody = Readonly<Record<string, unknown>> & { readonly sourceType: string };

export interface ContactProperties2023 {
  readonly emails: string;
  readonly phone?: string;
  readonly isEnabled: boolean;
  readonly notificationsByRole: RoleNotifications;
  readonly notificationsSources: readonly NotificationSourceBody[];
}

export interface ContactBody2023 {
  readonly properties: ContactProperties2023;
}

export interface ContactProperties2017 {
  readonly email: string;
  readonly phone?: string;
  readonly alertNotifications: 'On' | 'Off';
  readonly alertsToAdmins: 'On' | 'Off';
}

export interface ContactBody2017 {
  readonly properties: ContactProperties2017;
}

export const DEFAULT_ROLE_NOTIFICATIONS: RoleNotifications = { state: 'On', roles: ['Owner'] };
export const DEFAULT_NOTIFICATION_SOURCES: readonly NotificationSourceBody[] = [{ sourceType: 'Alert', minimalSeverity: 'High' }];

type Json = Record<string, unknown>;

function propertiesOf(contact: SecurityContactRecord): Json {
  const raw = contact.raw;
  return isObject(raw) && isObject(raw.properties) ? raw.properties : {};
}

/** A contact's notification settings in the 2023 form; undefined where the contact says nothing. */
export interface CarriedSettings {
  readonly notificationsByRole?: RoleNotifications;
  readonly notificationsSources?: readonly NotificationSourceBody[];
  readonly phone?: string;
}

function onOff(value: unknown): 'On' | 'Off' | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.toLowerCase() === 'on') return 'On';
  if (value.toLowerCase() === 'off') return 'Off';
  return undefined;
}

function roleNotifications(value: unknown): RoleNotifications | undefined {
  if (!isObject(value)) return undefined;
  const state = typeof value.state === 'string' ? value.state : 'On';
  const roles = Array.isArray(value.roles) ? value.roles.filter((role): role is string => typeof role === 'string') : [];
  return { state, roles };
}

/** What one contact, in whichever api-version shape it came, says about notifications, in the 2023 form. */
export function carriedSettings(contact: SecurityContactRecord): CarriedSettings {
  const properties = propertiesOf(contact);
  const out: { notificationsByRole?: RoleNotifications; notificationsSources?: NotificationSourceBody[]; phone?: string } = {};
  if (typeof properties.phone === 'string') out.phone = properties.phone;
  const byRole = roleNotifications(properties.notificationsByRole);
  if (byRole) out.notificationsByRole = byRole;
  if (Array.isArray(properties.notificationsSources)) {
    out.notificationsSources = properties.notificationsSources.filter(
      (source): source is NotificationSourceBody => isObject(source) && typeof source.sourceType === 'string',
    );
  } else if (isObject(properties.alertNotifications)) {
    const state = onOff(properties.alertNotifications.state);
    const severity = typeof properties.alertNotifications.minimalSeverity === 'string' ? properties.alertNotifications.minimalSeverity : 'High';
    if (state === 'On') out.notificationsSources = [{ sourceType: 'Alert', minimalSeverity: severity }];
    else if (state === 'Off') out.notificationsSources = [];
  } else {
    const state = onOff(properties.alertNotifications);
    if (state === 'On') out.notificationsSources = [{ sourceType: 'Alert', minimalSeverity: 'High' }];
    else if (state === 'Off') out.notificationsSources = [];
  }
  if (!out.notificationsByRole) {
    const toAdmins = onOff(properties.alertsToAdmins);
    if (toAdmins) out.notificationsByRole = { state: toAdmins, roles: ['Owner'] };
  }
  return out;
}

export function isDefaultContact(contact: SecurityContactRecord): boolean {
  return contact.name.toLowerCase() === DEFAULT_CONTACT_NAME;
}

const hasAlertSource = (sources: readonly NotificationSourceBody[] | undefined): boolean =>
  sources?.some((source) => source.sourceType === 'Alert') ?? false;

/** Every entry of every contact's address string, `default` first, deduplicated (malformed ones included). */
export function existingEntries(contacts: readonly SecurityContactRecord[]): string[] {
  const ordered = [...contacts.filter(isDefaultContact), ...contacts.filter((contact) => !isDefaultContact(contact))];
  return dedupeEmailAddresses(ordered.flatMap((contact) => splitEmailAddresses(contact.email)));
}

/**
 * The 2023 properties of the `default` contact for a subscription whose contacts are `contacts`, before any
 * control's fix: every existing entry kept, settings carried over (see the module comment), `isEnabled: true`.
 * The remediation planners of the controls then change what their control needs.
 */
export function mergeDefaultContact(contacts: readonly SecurityContactRecord[]): ContactProperties2023 {
  const primary = contacts.find(isDefaultContact);
  const others = contacts.filter((contact) => !isDefaultContact(contact)).map(carriedSettings);
  const mine = primary ? carriedSettings(primary) : {};

  const byRole =
    mine.notificationsByRole ??
    others.find((settings) => settings.notificationsByRole?.state === 'On')?.notificationsByRole ??
    others.find((settings) => settings.notificationsByRole)?.notificationsByRole ??
    DEFAULT_ROLE_NOTIFICATIONS;

  const sources =
    mine.notificationsSources ??
    others.find((settings) => hasAlertSource(settings.notificationsSources))?.notificationsSources ??
    others.find((settings) => settings.notificationsSources)?.notificationsSources ??
    DEFAULT_NOTIFICATION_SOURCES;

  const phone = mine.phone ?? others.find((settings) => settings.phone !== undefined && settings.phone !== '')?.phone;

  return {
    emails: existingEntries(contacts).join(';'),
    ...(phone === undefined ? {} : { phone }),
    isEnabled: true,
    notificationsByRole: { state: byRole.state, roles: [...byRole.roles] },
    notificationsSources: sources.map((source) => ({ ...source })),
  };
}

/** What a person should know about a finished `default` body (alerts that stay off). */
export function contactBodyNotes(properties: ContactProperties2023): string[] {
  return hasAlertSource(properties.notificationsSources)
    ? []
    : ['alert notifications are off in the existing settings and stay off: the addresses will not be mailed about alerts until an Alert notification source is turned on'];
}

/** The thresholds a contact must mail at to satisfy the alert-severity and attack-path controls. */
export interface NotificationLevels {
  /** Lowest alert severity mailed: Low, Medium or High. */
  readonly minimalSeverity: string;
  /** Lowest attack-path risk level mailed: Low, Medium, High or Critical. */
  readonly minimalRiskLevel: string;
}

/**
 * A `default` contact that satisfies the whole security-contact family at the given thresholds: the addresses,
 * the Owner role notified, alerts and attack paths mailed from the thresholds up, enabled. What policy deploys
 * and what the preventive templates start from.
 */
export function baselineContactBody(addresses: readonly string[], levels: NotificationLevels): ContactBody2023 {
  return {
    properties: {
      emails: addresses.join(';'),
      isEnabled: true,
      notificationsByRole: { state: 'On', roles: ['Owner'] },
      notificationsSources: [
        { sourceType: 'Alert', minimalSeverity: levels.minimalSeverity },
        { sourceType: 'AttackPath', minimalRiskLevel: levels.minimalRiskLevel },
      ],
    },
  };
}

/**
 * Contacts other than `default` that hold no address (the seed check flags them: `email: ""` or missing) or a
 * malformed one (the control's stricter check flags those).
 */
export function legacyContactsWithoutAddress(contacts: readonly SecurityContactRecord[]): SecurityContactRecord[] {
  return contacts.filter((contact) => {
    if (isDefaultContact(contact)) return false;
    const addresses = splitEmailAddresses(contact.email);
    return addresses.length === 0 || !addresses.every(isEmailAddress);
  });
}

/**
 * The 2017-08-01-preview body that gives a legacy contact an address and keeps its other fields. 2017 `email`
 * holds one address, so the first requested address is used. 2017 requires alertNotifications and alertsToAdmins:
 * where the contact does not say, they are On (what the portal sets).
 */
export function legacyContactBody(contact: SecurityContactRecord, address: string): ContactBody2017 {
  const properties = propertiesOf(contact);
  const carried = carriedSettings(contact);
  const alertNotifications =
    onOff(properties.alertNotifications) ??
    (carried.notificationsSources === undefined ? 'On' : hasAlertSource(carried.notificationsSources) ? 'On' : 'Off');
  const alertsToAdmins = onOff(properties.alertsToAdmins) ?? onOff(carried.notificationsByRole?.state) ?? 'On';
  return {
    properties: {
      email: address,
      ...(typeof properties.phone === 'string' ? { phone: properties.phone } : {}),
      alertNotifications,
      alertsToAdmins,
    },
  };
}
