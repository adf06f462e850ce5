/**
 * What a recorded change says about one contact, compared with the contact as GET returns it now. Pure.
 *
 * A contact state is `'absent'` (GET answered 404) or the resource GET returned. Two states are the same contact when
 * their properties say the same thing: nulls and empty lists count as absent (ARM reads an absent property as
 * null), the address field (`emails`, 2017 `email`) is a set of addresses without regard to case or order, and the
 * notified roles and notification sources are sets too. Everything else must be equal.
 */
import { splitEmailAddresses } from '../core/email-addresses.js';
import type { RemediationChange } from './remediation-repository.js';
import { isObject } from '../core/is-object.js';

export type ContactState = 'absent' | { readonly properties?: unknown };


function propertiesOf(state: unknown): Record<string, unknown> {
  if (!isObject(state)) return {};
  return isObject(state.properties) ? state.properties : {};
}

/** The entries of a contact's address field, whatever its api-version shape (`emails` or 2017 `email`). */
export function addressesOf(state: unknown): string[] {
  if (state === 'absent') return [];
  const properties = propertiesOf(state);
  const field = typeof properties.emails === 'string' ? properties.emails : typeof properties.email === 'string' ? properties.email : null;
  return splitEmailAddresses(field);
}

/** `addresses` without those in `minus`, compared without regard to case. */
export function addressesMissingFrom(addresses: readonly string[], minus: readonly string[]): string[] {
  const drop = new Set(minus.map((address) => address.toLowerCase()));
  const seen = new Set<string>();
  return addresses.filter((address) => {
    const key = address.toLowerCase();
    if (drop.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A JSON value with nulls and empty lists dropped and object keys sorted; undefined when nothing is left. */
function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(canonical).filter((item) => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => [key, canonical(value[key])] as const)
      .filter(([, item]) => item !== undefined);
    return Object.fromEntries(entries);
  }
  return value;
}

const sortedSet = (items: readonly unknown[]): unknown[] => [...new Set(items.map((item) => JSON.stringify(item)))].sort().map((item) => JSON.parse(item) as unknown);

/** The comparable form of a contact state (see the module comment). */
export function contactFingerprint(state: unknown): string {
  if (state === 'absent') return 'absent';
  const properties = { ...propertiesOf(state) };
  const addresses = addressesOf(state).map((address) => address.toLowerCase());
  delete properties.emails;
  delete properties.email;
  const shaped = canonical(properties) as Record<string, unknown> | undefined;
  const out: Record<string, unknown> = { ...shaped };
  if (addresses.length > 0) out.addresses = [...new Set(addresses)].sort();
  const byRole = out.notificationsByRole;
  if (isObject(byRole) && Array.isArray(byRole.roles)) out.notificationsByRole = { ...byRole, roles: sortedSet(byRole.roles) };
  if (Array.isArray(out.notificationsSources)) out.notificationsSources = sortedSet(out.notificationsSources);
  return JSON.stringify(canonical(out) ?? {});
}

export const sameContact = (a: unknown, b: unknown): boolean => contactFingerprint(a) === contactFingerprint(b);

/** The before-state a change recorded; undefined when it was never recorded. */
export function beforeStateOf(change: Pick<RemediationChange, 'beforeExists' | 'beforeBody'>): ContactState | undefined {
  if (change.beforeExists === null) return undefined;
  return change.beforeExists ? (change.beforeBody as ContactState) : 'absent';
}

/** What the change leaves when it takes effect: the request (a DELETE leaves nothing), and the answer Azure gave. */
export function afterStatesOf(change: Pick<RemediationChange, 'method' | 'requestBody' | 'afterBody'>): ContactState[] {
  if (change.method === 'DELETE') return ['absent'];
  const states: ContactState[] = [change.requestBody as ContactState];
  if (isObject(change.afterBody)) states.push(change.afterBody as ContactState);
  return states;
}

/**
 * Where a contact stands against a change: back at its before-state (or never changed), still exactly what the
 * change left, or changed by someone else since. A contact that is both before and after (a request that changed
 * nothing) is `at-before`: there is nothing to undo.
 */
export type ChangeStanding = 'at-before' | 'as-left' | 'changed';

export function standingOf(change: Pick<RemediationChange, 'method' | 'requestBody' | 'afterBody' | 'beforeExists' | 'beforeBody'>, live: ContactState): ChangeStanding {
  const before = beforeStateOf(change);
  if (before !== undefined && sameContact(before, live)) return 'at-before';
  if (afterStatesOf(change).some((after) => sameContact(after, live))) return 'as-left';
  return 'changed';
}

/** In a few words, how `live` differs from `expected`: addresses gained and lost, other settings changed. */
export function describeDifference(expected: ContactState, live: ContactState): string {
  if (live === 'absent') return 'it has been deleted';
  if (expected === 'absent') {
    const held = addressesOf(live);
    return held.length > 0 ? `it exists and holds ${held.join(', ')}` : 'it exists';
  }
  const parts: string[] = [];
  const gained = addressesMissingFrom(addressesOf(live), addressesOf(expected));
  const lost = addressesMissingFrom(addressesOf(expected), addressesOf(live));
  if (gained.length > 0) parts.push(`now holds ${gained.join(', ')}`);
  if (lost.length > 0) parts.push(`no longer holds ${lost.join(', ')}`);
  const a = JSON.parse(contactFingerprint(expected)) as Record<string, unknown>;
  const b = JSON.parse(contactFingerprint(live)) as Record<string, unknown>;
  const settings = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((key) => key !== 'addresses' && JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .sort();
  if (settings.length > 0) parts.push(`${settings.join(', ')} changed`);
  return parts.length > 0 ? parts.join('; ') : 'it differs';
}
