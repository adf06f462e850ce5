/**
 * Remediation planning for the security-contact control: a pure function from (control, inventory, requested
 * addresses) to the exact ARM requests that make every failing subscription pass, verified by simulation.
 *
 * Only subscriptions the control currently judges `fail` are planned; `pass`, `error` (unreadable: never written
 * blind), `skipped` (disabled or deleted) and `excepted` ones are listed as skipped with the reason.
 */
import { WardError } from '../errors.js';
import { dedupeEmailAddresses, isEmailAddress, splitEmailAddresses } from '../email-addresses.js';
import type { ConnectorRecord, Control, Finding, FindingStatus, Inventory, SecurityContactRecord } from '../model.js';
import {
  CURRENT_CONTACT_API_VERSION,
  DEFAULT_CONTACT_NAME,
  LEGACY_CONTACT_API_VERSION,
  isDefaultContact,
  legacyContactBody,
  legacyContactsWithoutAddress,
  mergeDefaultContact,
} from './contact-body.js';
import { evaluateControlInMemory } from './evaluate-control-in-memory.js';
import { simulateActions } from './simulate-actions.js';

export type HttpMethod = 'PUT' | 'DELETE';

/** One ARM request of a plan. `before` is the contact as the inventory holds it, or "absent". */
export interface PlannedAction {
  /** The subscription (`/subscriptions/<guid>`): the asset the control judges. */
  readonly assetId: string;
  readonly subscriptionId: string;
  readonly contactName: string;
  readonly method: HttpMethod;
  /** Absolute URL with api-version. */
  readonly url: string;
  /** The same without the ARM endpoint: what the transport sends. */
  readonly path: string;
  readonly apiVersion: string;
  /** Request body; null for DELETE. */
  readonly body: unknown;
  readonly before: unknown;
  readonly reason: string;
}

export interface PlannedSubscription {
  readonly assetId: string;
  readonly subscriptionId: string;
  readonly name: string | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly actions: readonly PlannedAction[];
  /** The control's verdict once the actions are applied to the inventory (simulation). */
  readonly verifiedStatus: FindingStatus;
  /** Why it would (not) pass after the plan. */
  readonly verification: string;
  readonly notes: readonly string[];
}

export interface SkippedSubscription {
  readonly assetId: string;
  readonly name: string | null;
  readonly status: FindingStatus;
  readonly reason: string;
}

export interface RemediationPlan {
  readonly controlId: string;
  /** The requested addresses, validated and deduplicated. */
  readonly addresses: readonly string[];
  readonly subscriptions: readonly PlannedSubscription[];
  readonly actions: readonly PlannedAction[];
  readonly skipped: readonly SkippedSubscription[];
  /** Planned subscriptions the simulation says would still not pass. */
  readonly unresolved: readonly PlannedSubscription[];
}

export interface PlanOptions {
  readonly control: Control;
  readonly inventory: Inventory;
  /** `--email` values: each may hold several addresses separated by `,` or `;`. */
  readonly addresses: readonly string[];
  /** `https://management.azure.com` or the emulator; used to print absolute URLs. */
  readonly armEndpoint: string;
  /** DELETE legacy contacts that hold no address instead of giving them one. */
  readonly deleteLegacy?: boolean;
  /** Assets with an active exception: never planned. */
  readonly exceptedAssetIds?: ReadonlySet<string>;
}

/** The controls this planner knows how to fix: id → planner. One line per new control. */
export const REMEDIATION_PLANNERS: Readonly<Record<string, (options: PlanOptions) => RemediationPlan>> = {
  'azure-defender-security-contact-email': planSecurityContactRemediation,
};

export function planRemediation(options: PlanOptions): RemediationPlan {
  const planner = REMEDIATION_PLANNERS[options.control.id];
  if (!planner) {
    throw new WardError('REMEDIATION_INVALID', `ward has no automated remediation for control ${options.control.id}`, {
      hint: `controls with one: ${Object.keys(REMEDIATION_PLANNERS).join(', ')}; see \`ward controls show ${options.control.id}\` for the manual steps`,
    });
  }
  return planner(options);
}

/** Splits, validates and deduplicates the `--email` values. One clear error for the first bad address. */
export function parseRequestedAddresses(values: readonly string[]): string[] {
  const addresses = values.flatMap((value) => splitEmailAddresses(value));
  if (addresses.length === 0) {
    throw new WardError('REMEDIATION_INVALID', 'no address given', {
      hint: 'pass --email soc@example.com (several: --email a@example.com,b@example.com or repeat --email)',
    });
  }
  const invalid = addresses.find((address) => !isEmailAddress(address));
  if (invalid !== undefined) {
    throw new WardError('REMEDIATION_INVALID', `not a valid email address: ${JSON.stringify(invalid)}`, {
      location: { field: '--email' },
      hint: 'give plain mailbox addresses such as soc@example.com, separated by commas or semicolons (no display names)',
    });
  }
  return dedupeEmailAddresses(addresses);
}

export function contactPath(subscriptionId: string, name: string, apiVersion: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Security/securityContacts/${encodeURIComponent(name)}?api-version=${apiVersion}`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function subscriptionVerdict(findings: readonly Finding[], assetId: string): { status: FindingStatus; reason: string } {
  const mine = findings.filter((finding) => finding.assetId === assetId);
  const worst =
    mine.find((f) => f.status === 'error') ?? mine.find((f) => f.status === 'fail') ?? mine.find((f) => f.status === 'excepted') ?? mine[0];
  return worst ? { status: worst.status, reason: worst.reason } : { status: 'pass', reason: 'no check covers this subscription' };
}

function skipReason(status: FindingStatus, reason: string): string {
  switch (status) {
    case 'pass':
      return 'already passes: nothing to change';
    case 'error':
      return `not changed: its data could not be read, and ward never writes what it could not read (${reason})`;
    case 'skipped':
      return `not changed: ${reason}`;
    case 'excepted':
      return `not changed: an exception covers it (${reason})`;
    default:
      return reason;
  }
}

function actionsFor(
  connector: ConnectorRecord,
  contacts: readonly SecurityContactRecord[],
  addresses: readonly string[],
  armEndpoint: string,
  deleteLegacy: boolean,
): { actions: PlannedAction[]; notes: string[] } {
  const endpoint = armEndpoint.replace(/\/+$/, '');
  const make = (contactName: string, method: HttpMethod, apiVersion: string, body: unknown, before: unknown, reason: string): PlannedAction => {
    const path = contactPath(connector.subscriptionId, contactName, apiVersion);
    return { assetId: connector.id, subscriptionId: connector.subscriptionId, contactName, method, url: `${endpoint}${path}`, path, apiVersion, body, before, reason };
  };
  const actions: PlannedAction[] = [];
  const notes: string[] = [];
  const existing = contacts.find(isDefaultContact);
  const merged = mergeDefaultContact(contacts, addresses);
  notes.push(...merged.notes);
  const invalidDropped = contacts.flatMap((contact) => splitEmailAddresses(contact.email)).filter((address) => !isEmailAddress(address));
  if (invalidDropped.length > 0) notes.push(`existing entries that are not valid addresses are dropped (the control fails on them): ${invalidDropped.join(', ')}`);
  const currentProperties = (existing?.raw as { properties?: unknown } | undefined)?.properties;
  if (!existing || !sameJson(currentProperties, merged.body.properties)) {
    const kept = contacts.length === 0 ? 'no contact exists yet' : `keeps the ${contacts.length} existing contact(s)' addresses and notification settings`;
    actions.push(
      make(
        existing?.name ?? DEFAULT_CONTACT_NAME,
        'PUT',
        CURRENT_CONTACT_API_VERSION,
        merged.body,
        existing?.raw ?? 'absent',
        `set the security contact addresses on the default contact (${kept}; adds ${addresses.join(', ')})`,
      ),
    );
  }
  for (const legacy of legacyContactsWithoutAddress(contacts)) {
    if (deleteLegacy) {
      actions.push(
        make(legacy.name, 'DELETE', LEGACY_CONTACT_API_VERSION, null, legacy.raw, `delete legacy contact ${legacy.name}: it holds no address and the check flags it (--delete-legacy)`),
      );
    } else {
      actions.push(
        make(
          legacy.name,
          'PUT',
          LEGACY_CONTACT_API_VERSION,
          legacyContactBody(legacy, addresses[0]!),
          legacy.raw,
          `give legacy contact ${legacy.name} an address: it holds none and the check flags it (2017 contacts take one address; --delete-legacy removes it instead)`,
        ),
      );
    }
  }
  return { actions, notes };
}

export function planSecurityContactRemediation(options: PlanOptions): RemediationPlan {
  const addresses = parseRequestedAddresses(options.addresses);
  const { control, inventory } = options;
  const findings = evaluateControlInMemory(control, inventory);
  const contactsBySubscription = new Map<string, SecurityContactRecord[]>();
  for (const contact of inventory.securityContacts) {
    const list = contactsBySubscription.get(contact.connectorId);
    if (list) list.push(contact);
    else contactsBySubscription.set(contact.connectorId, [contact]);
  }

  const subscriptions: PlannedSubscription[] = [];
  const skipped: SkippedSubscription[] = [];
  const drafts: { connector: ConnectorRecord; actions: PlannedAction[]; notes: string[] }[] = [];
  for (const connector of inventory.connectors) {
    const verdict = subscriptionVerdict(findings, connector.id);
    if (options.exceptedAssetIds?.has(connector.id)) {
      skipped.push({ assetId: connector.id, name: connector.name, status: 'excepted', reason: skipReason('excepted', 'active exception') });
      continue;
    }
    if (verdict.status !== 'fail') {
      skipped.push({ assetId: connector.id, name: connector.name, status: verdict.status, reason: skipReason(verdict.status, verdict.reason) });
      continue;
    }
    const planned = actionsFor(connector, contactsBySubscription.get(connector.id) ?? [], addresses, options.armEndpoint, options.deleteLegacy ?? false);
    drafts.push({ connector, ...planned });
  }

  const simulated = simulateActions(inventory, drafts.flatMap((draft) => draft.actions));
  const after = evaluateControlInMemory(control, simulated);
  for (const { connector, actions, notes } of drafts) {
    const verdict = subscriptionVerdict(after, connector.id);
    subscriptions.push({
      assetId: connector.id,
      subscriptionId: connector.subscriptionId,
      name: connector.name,
      tags: connector.tags,
      actions,
      verifiedStatus: verdict.status,
      verification:
        verdict.status === 'pass'
          ? 'simulated: the control passes once these requests are applied'
          : `simulated: the control would still report ${verdict.status} after these requests: ${verdict.reason}`,
      notes,
    });
  }
  return {
    controlId: control.id,
    addresses,
    subscriptions,
    actions: subscriptions.flatMap((subscription) => subscription.actions),
    skipped,
    unresolved: subscriptions.filter((subscription) => subscription.verifiedStatus !== 'pass'),
  };
}
