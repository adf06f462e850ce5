/**
 * What the emulator serves: subscriptions, a management-group hierarchy and per-subscription security contacts.
 * A subscription's contacts body is served exactly as captured until a write changes that subscription; from
 * then on its contacts are stored and answered in the shape of the api-version asked for.
 *
 * What a capture does not hold is never invented: an active subscription the capture has no contacts body for
 * (not collected), and the pages after a captured body that still has a nextLink, are answered with an error
 * (501, not retried), so a scan of the emulator reports `error` exactly where `scan --offline` of the capture does.
 */
import type { Capture } from '../core/inventory/capture.js';
import { contactsFromListBody, type StoredContact } from './contact-shapes.js';
import { isArmErrorBody } from './arm-error.js';

export type ContactsEntry =
  | { readonly kind: 'captured'; readonly body: unknown; readonly source?: string }
  | { readonly kind: 'stored'; readonly contacts: Map<string, StoredContact> };

export interface ManagementGroup {
  readonly id: string;
  readonly displayName: string;
  /** Parent group id; undefined for the root. */
  readonly parent?: string;
  readonly subscriptionIds: readonly string[];
}

/** Request counters the tests and benchmarks read (never any token or secret). */
export interface EmulatorStats {
  requests: number;
  inFlight: number;
  maxInFlight: number;
  /** ARM requests in flight on security-contacts routes only. */
  contactsInFlight: number;
  maxContactsInFlight: number;
  tokensIssued: number;
  /** `METHOD path` → count, for ARM routes. */
  readonly byRoute: Map<string, number>;
  /** Each ARM request's arrival time (ms since start) by path, to check retry timing. */
  readonly arrivals: Map<string, number[]>;
}

export interface EmulatorState {
  readonly tenantId: string;
  /** Subscription resources exactly as listed by GET /subscriptions. */
  readonly subscriptions: readonly Record<string, unknown>[];
  readonly contacts: Map<string, ContactsEntry>;
  readonly managementGroups: ReadonlyMap<string, ManagementGroup>;
  /** Lower-cased subscription id → subscription (the first of duplicate ids wins); the list never changes. */
  readonly subscriptionsById: ReadonlyMap<string, Record<string, unknown>>;
  /** Policy definitions, assignments, role assignments and remediations by lower-cased resource id. */
  readonly policyObjects: Map<string, Record<string, unknown>>;
  /** Captured contact bodies are replayed as captured at every api-version (see EmulatorOptions.replayCapturedBodies). */
  readonly replayCapturedBodies: boolean;
  readonly stats: EmulatorStats;
}

function subscriptionItems(body: unknown): Record<string, unknown>[] {
  const items = Array.isArray(body)
    ? body
    : typeof body === 'object' && body !== null && Array.isArray((body as { value?: unknown }).value)
      ? (body as { value: unknown[] }).value
      : [];
  return items.filter(
    (item): item is Record<string, unknown> =>
      typeof item === 'object' && item !== null && typeof (item as { subscriptionId?: unknown }).subscriptionId === 'string',
  );
}

/** Root group (id = tenant id, as in Azure) with all subscriptions below two children split on the environment tag. */
export function defaultManagementGroups(tenantId: string, subscriptions: readonly Record<string, unknown>[]): Map<string, ManagementGroup> {
  const isProd = (subscription: Record<string, unknown>): boolean =>
    (subscription.tags as Record<string, unknown> | undefined)?.environment === 'prod';
  const ids = (list: readonly Record<string, unknown>[]): string[] => list.map((s) => String(s.subscriptionId));
  const groups: ManagementGroup[] = [
    { id: tenantId, displayName: 'Tenant Root Group', subscriptionIds: [] },
    { id: 'ward-prod', displayName: 'Production', parent: tenantId, subscriptionIds: ids(subscriptions.filter(isProd)) },
    { id: 'ward-nonprod', displayName: 'Non-production', parent: tenantId, subscriptionIds: ids(subscriptions.filter((s) => !isProd(s))) },
  ];
  return new Map(groups.map((group) => [group.id, group]));
}

export function createEmulatorState(
  capture: Capture,
  options: { tenantId?: string; managementGroups?: readonly ManagementGroup[]; replayCapturedBodies?: boolean } = {},
): EmulatorState {
  const subscriptions = subscriptionItems(capture.subscriptions.body);
  const tenantId =
    options.tenantId ?? (typeof subscriptions[0]?.tenantId === 'string' ? subscriptions[0].tenantId : '00000000-0000-0000-0000-000000000000');
  const contacts = new Map<string, ContactsEntry>();
  for (const [subscriptionId, captured] of capture.securityContacts) {
    contacts.set(subscriptionId, { kind: 'captured', body: captured.body, source: captured.source });
  }
  const subscriptionsById = new Map<string, Record<string, unknown>>();
  for (const subscription of [...subscriptions].reverse()) subscriptionsById.set(String(subscription.subscriptionId).toLowerCase(), subscription);
  return {
    tenantId,
    subscriptions,
    contacts,
    subscriptionsById,
    policyObjects: new Map(),
    replayCapturedBodies: options.replayCapturedBodies === true,
    managementGroups: options.managementGroups
      ? new Map(options.managementGroups.map((group) => [group.id, group]))
      : defaultManagementGroups(tenantId, subscriptions),
    stats: {
      requests: 0,
      inFlight: 0,
      maxInFlight: 0,
      contactsInFlight: 0,
      maxContactsInFlight: 0,
      tokensIssued: 0,
      byRoute: new Map(),
      arrivals: new Map(),
    },
  };
}

export function findSubscription(state: EmulatorState, id: string): Record<string, unknown> | undefined {
  return state.subscriptionsById.get(id.toLowerCase());
}

/** The contacts of a subscription as they stand, without switching a captured body to stored form. */
export function currentContacts(state: EmulatorState, subscriptionId: string): StoredContact[] {
  const entry = state.contacts.get(subscriptionId);
  if (entry?.kind === 'stored') return [...entry.contacts.values()];
  return contactsFromListBody(entry?.body);
}

/** The stored contacts of a subscription, converting its captured body on first write. Null for a captured error. */
export function storedContacts(state: EmulatorState, subscriptionId: string): Map<string, StoredContact> | null {
  const entry = state.contacts.get(subscriptionId);
  if (entry?.kind === 'stored') return entry.contacts;
  if (entry && isArmErrorBody(entry.body)) return null;
  const contacts = new Map(contactsFromListBody(entry?.body).map((contact) => [contact.name, contact]));
  state.contacts.set(subscriptionId, { kind: 'stored', contacts });
  return contacts;
}
