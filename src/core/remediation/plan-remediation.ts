/**
 * Remediation planning for the security-contact controls: a pure function from (selected controls, inventory, the
 * engine's findings for them, exceptions, requested addresses) to the exact ARM requests that make every failing
 * subscription pass. The orchestration (src/remediation/plan-verified-remediation.ts) runs the engine before and
 * after, on the inventory the plan's simulation produces, and only then shows the plan (`verifyPlan`).
 *
 * Which subscriptions are planned follows the scan's own rules: the findings go through `applyExceptions`, and a
 * subscription is planned for a control only when that control's finding is `fail` afterwards. An exception never
 * covers a pass (it stays "already passes") nor an error. A subscription with any `error` among the selected
 * controls is not touched at all (ward never writes what it could not read); `skipped` ones (disabled, deleted)
 * neither.
 *
 * Each planned subscription gets ONE PUT of the `default` contact in 2023-12-01-preview: the merged body
 * (contact-body.ts) changed in turn by the planner of every selected control it fails (remediation-planners.ts),
 * plus whatever those planners need on other contacts (legacy 2017 contacts without an address).
 */
import { WardError } from '../errors.js';
import { dedupeEmailAddresses, isEmailAddress, splitEmailAddresses } from '../email-addresses.js';
import { applyExceptions } from '../engine/apply-exceptions.js';
import { worseStatus } from '../engine/evaluate-check.js';
import type { ConnectorRecord, Control, ExceptionRecord, Finding, FindingStatus, Inventory, SecurityContactRecord } from '../model.js';
import { CURRENT_CONTACT_API_VERSION, DEFAULT_CONTACT_NAME, LEGACY_CONTACT_API_VERSION, contactBodyNotes, isDefaultContact, mergeDefaultContact } from './contact-body.js';
import type { HttpMethod, PlannedAction } from './planned-action.js';
import type { ControlPlanner, PlannerInput } from './planners/control-planner.js';
import { plannersFor } from './remediation-planners.js';

export type { HttpMethod, PlannedAction } from './planned-action.js';

/** A subscription the plan changes, before the simulation has judged it. */
export interface DraftSubscription {
  readonly assetId: string;
  readonly subscriptionId: string;
  readonly name: string | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly actions: readonly PlannedAction[];
  /** The selected controls it fails (after exceptions): what the actions fix. */
  readonly controlIds: readonly string[];
  /** Every selected control's verdict now, exceptions applied. */
  readonly statuses: Readonly<Record<string, FindingStatus>>;
  readonly notes: readonly string[];
}

export interface PlannedSubscription extends DraftSubscription {
  /** The engine's verdict once the actions are applied to the inventory (simulation): see verify-plan.ts. */
  readonly verifiedStatus: FindingStatus;
  /** Why it would (not) pass after the plan. */
  readonly verification: string;
  /** Every selected control's verdict on the simulated inventory. */
  readonly verifiedStatuses: Readonly<Record<string, FindingStatus>>;
}

export interface SkippedSubscription {
  readonly assetId: string;
  readonly name: string | null;
  readonly status: FindingStatus;
  readonly reason: string;
  /** Every selected control's verdict, exceptions applied. */
  readonly statuses: Readonly<Record<string, FindingStatus>>;
}

interface PlanHeader {
  /** The selected control ids joined by "," (what a run records as its control). */
  readonly controlId: string;
  readonly controlIds: readonly string[];
  /** The requested addresses, validated and deduplicated (empty when none were needed). */
  readonly addresses: readonly string[];
  readonly skipped: readonly SkippedSubscription[];
}

/** A plan whose outcome has not been simulated yet: `verifyPlan` turns it into a RemediationPlan. */
export interface DraftRemediationPlan extends PlanHeader {
  readonly subscriptions: readonly DraftSubscription[];
  readonly actions: readonly PlannedAction[];
}

export interface RemediationPlan extends PlanHeader {
  readonly subscriptions: readonly PlannedSubscription[];
  readonly actions: readonly PlannedAction[];
  /** Planned subscriptions the simulation says would still not pass. */
  readonly unresolved: readonly PlannedSubscription[];
}

export interface PlanInput {
  /** The controls to fix, with their parameter values in force. */
  readonly controls: readonly Control[];
  readonly inventory: Inventory;
  /** The engine's findings for these controls on this inventory (evaluateInventory), before exceptions. */
  readonly findings: readonly Finding[];
  /** Exceptions in the store; applied to the findings exactly as a scan applies them, at `now`. */
  readonly exceptions?: readonly ExceptionRecord[];
  readonly now?: Date;
  /** `--email` values (each may hold several addresses separated by `,` or `;`); may be empty. */
  readonly addresses: readonly string[];
  /** `https://management.azure.com` or the emulator; used to print absolute URLs. */
  readonly armEndpoint: string;
  /** DELETE legacy contacts that hold no address instead of giving them one. */
  readonly deleteLegacy?: boolean;
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

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The worst finding of each (control, asset): `${controlId}\n${assetId}` → finding. */
export function findingsByKey(findings: readonly Finding[]): Map<string, Finding> {
  const out = new Map<string, Finding>();
  for (const finding of findings) {
    const key = `${finding.controlId}\n${finding.assetId}`;
    const previous = out.get(key);
    if (!previous || worseStatus(finding.status, previous.status) !== previous.status) out.set(key, finding);
  }
  return out;
}

/** What the engine said about one control on one asset; no finding at all is an error, never a pass. */
export function verdictOf(byKey: ReadonlyMap<string, Finding>, controlId: string, assetId: string): Pick<Finding, 'status' | 'reason'> & { exception?: Finding['exception'] } {
  return byKey.get(`${controlId}\n${assetId}`) ?? { status: 'error', reason: 'the engine returned no verdict for it' };
}

function skipReason(status: FindingStatus, reasons: string): string {
  switch (status) {
    case 'pass':
      return 'already passes: nothing to change';
    case 'error':
      return `not changed: its data could not be read or judged, and ward never writes what it could not read (${reasons})`;
    case 'skipped':
      return `not changed: ${reasons}`;
    case 'excepted':
      return `not changed: an exception covers it (${reasons})`;
    default:
      return reasons;
  }
}

function groupContacts(contacts: readonly SecurityContactRecord[]): Map<string, SecurityContactRecord[]> {
  const out = new Map<string, SecurityContactRecord[]>();
  for (const contact of contacts) {
    const list = out.get(contact.connectorId);
    if (list) list.push(contact);
    else out.set(contact.connectorId, [contact]);
  }
  return out;
}

interface Fix {
  readonly control: Control;
  readonly planner: ControlPlanner;
}

function actionsFor(
  connector: ConnectorRecord,
  contacts: readonly SecurityContactRecord[],
  fixes: readonly Fix[],
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
  const changes: string[] = [];
  if (!existing) changes.push('creates it');
  else if (existing.isEnabled === false) changes.push('enables it (isEnabled was false)');

  let properties = mergeDefaultContact(contacts);
  for (const { control, planner } of fixes) {
    const input: PlannerInput = { control, contacts, addresses, deleteLegacy };
    const change = planner.fixDefaultContact(properties, input);
    properties = change.properties;
    changes.push(...change.changes);
    notes.push(...change.notes);
  }
  notes.push(...contactBodyNotes(properties));

  const currentProperties = (existing?.raw as { properties?: unknown } | undefined)?.properties;
  if (!existing || !sameJson(currentProperties, properties)) {
    const kept = contacts.length === 0 ? 'no contact exists yet' : `keeps the addresses and settings of the ${contacts.length} existing contact(s)`;
    actions.push(
      make(
        existing?.name ?? DEFAULT_CONTACT_NAME,
        'PUT',
        CURRENT_CONTACT_API_VERSION,
        { properties },
        existing?.raw ?? 'absent',
        `set the default contact for ${fixes.map((fix) => fix.control.id).join(', ')}: ${changes.length > 0 ? changes.join('; ') : 'rewrites it in the 2023 form'} (${kept})`,
      ),
    );
  }
  for (const { control, planner } of fixes) {
    for (const request of planner.fixOtherContacts?.({ control, contacts, addresses, deleteLegacy }) ?? []) {
      actions.push(make(request.contact.name, request.method, LEGACY_CONTACT_API_VERSION, request.body, request.contact.raw, request.reason));
    }
  }
  return { actions, notes };
}

export function planRemediation(input: PlanInput): DraftRemediationPlan {
  const selected = plannersFor(input.controls);
  const addresses = input.addresses.length > 0 ? parseRequestedAddresses(input.addresses) : [];
  const exceptions = input.exceptions ?? [];
  if (exceptions.length > 0 && !input.now) throw new Error('planRemediation: exceptions need the time they are judged at (now)');
  const ids = new Set(selected.map(({ control }) => control.id));
  const judged = findingsByKey(applyExceptions(input.findings.filter((finding) => ids.has(finding.controlId)), exceptions, input.now ?? new Date(0)));
  const contactsBySubscription = groupContacts(input.inventory.securityContacts);
  const deleteLegacy = input.deleteLegacy ?? false;

  const subscriptions: DraftSubscription[] = [];
  const skipped: SkippedSubscription[] = [];
  const missing: string[] = [];
  for (const connector of input.inventory.connectors) {
    const verdicts = selected.map(({ control }) => ({ control, ...verdictOf(judged, control.id, connector.id) }));
    const statuses = Object.fromEntries(verdicts.map((verdict) => [verdict.control.id, verdict.status]));
    const skip = (status: FindingStatus, reasons: string): void => void skipped.push({ assetId: connector.id, name: connector.name, status, reason: skipReason(status, reasons), statuses });
    const describe = (status: FindingStatus): string => {
      const matching = verdicts.filter((verdict) => verdict.status === status);
      const reasons = new Set(matching.map((verdict) => verdict.reason));
      // a read error is the same for every control: say it once
      return reasons.size === 1 ? [...reasons][0]! : matching.map((verdict) => `${verdict.control.id}: ${verdict.reason}`).join('; ');
    };

    if (verdicts.some((verdict) => verdict.status === 'error')) {
      skip('error', describe('error'));
      continue;
    }
    if (verdicts.every((verdict) => verdict.status === 'skipped')) {
      skip('skipped', verdicts[0]?.reason ?? 'not applicable');
      continue;
    }
    const failing = selected.filter(({ control }) => statuses[control.id] === 'fail');
    if (failing.length === 0) {
      if (verdicts.some((verdict) => verdict.status === 'excepted')) skip('excepted', describe('excepted'));
      else skip('pass', '');
      continue;
    }

    const contacts = contactsBySubscription.get(connector.id) ?? [];
    for (const { control, planner } of failing) {
      const why = planner.missingInput?.({ control, contacts, addresses, deleteLegacy });
      if (why !== undefined) missing.push(`${connector.name ?? connector.subscriptionId} (${control.id}: ${why})`);
    }
    if (missing.length > 0) continue;
    const { actions, notes } = actionsFor(connector, contacts, failing, addresses, input.armEndpoint, deleteLegacy);
    for (const verdict of verdicts.filter((entry) => entry.status === 'excepted')) {
      const exception = verdict.exception;
      notes.push(`not changed for ${verdict.control.id}: an exception covers it${exception ? ` (${exception.id}, owner ${exception.owner}, until ${exception.expires})` : ''}`);
    }
    subscriptions.push({
      assetId: connector.id,
      subscriptionId: connector.subscriptionId,
      name: connector.name,
      tags: connector.tags,
      actions,
      controlIds: failing.map(({ control }) => control.id),
      statuses,
      notes,
    });
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, 3).join('; ');
    throw new WardError('USAGE', `--email is needed: ${missing.length} subscription(s) cannot be fixed without an address to add: ${shown}${missing.length > 3 ? '; …' : ''}`, {
      hint: 'give the security team address(es): --email soc@example.com (nothing was changed)',
    });
  }
  const controlIds = selected.map(({ control }) => control.id);
  return {
    controlId: controlIds.join(','),
    controlIds,
    addresses,
    subscriptions,
    actions: subscriptions.flatMap((subscription) => subscription.actions),
    skipped,
  };
}
