/**
 * A deterministic synthetic tenant: N subscriptions with a realistic mix of security-contact states in all three
 * api-version shapes, produced as a Capture (what the live collector would have recorded). Pure: the same
 * options give the same tenant, so tests and benchmarks can use it without a server.
 */
import { writeCaptureDir } from '../connectors/azure/write-capture-dir.js';
import type { Capture, CapturedBody } from '../core/inventory/capture.js';
import { armError } from './arm-error.js';
import { createSeededRandom, type SeededRandom } from './seeded-random.js';

export interface SyntheticTenantOptions {
  /** Number of subscriptions. */
  readonly subscriptions: number;
  /** PRNG seed (default 1). */
  readonly seed?: number;
}

/** The kinds of contact state the generator draws from, with their weights. */
export const SYNTHETIC_CONTACT_KINDS = [
  ['2023-emails', 30],
  ['2023-emails-comma', 6],
  ['2023-emails-empty', 6],
  ['2023-emails-null', 4],
  ['2023-emails-missing', 4],
  ['2020-bare-array', 10],
  ['2020-bare-array-empty', 4],
  ['2017-default1', 8],
  ['2017-default1-default2', 4],
  ['several-one-empty', 5],
  ['no-contacts', 12],
] as const satisfies ReadonlyArray<readonly [string, number]>;

export type SyntheticContactKind = (typeof SYNTHETIC_CONTACT_KINDS)[number][0] | 'authorization-failed';

const TEAMS = ['payments', 'identity', 'data', 'platform', 'web', 'ml'] as const;
const ENVIRONMENTS = ['prod', 'prod', 'staging', 'dev', 'test'] as const;
const DOMAINS = ['contoso.com', 'fabrikam.com', 'northwind.example'] as const;

function drawKind(random: SeededRandom): SyntheticContactKind {
  const total = SYNTHETIC_CONTACT_KINDS.reduce((sum, [, weight]) => sum + weight, 0);
  let ticket = random.int(total);
  for (const [kind, weight] of SYNTHETIC_CONTACT_KINDS) {
    if (ticket < weight) return kind;
    ticket -= weight;
  }
  return 'no-contacts';
}

function drawState(index: number, random: SeededRandom): string {
  // a fixed sprinkle of inactive subscriptions so every tenant of 20 or more has some
  if (index % 25 === 11) return 'Disabled';
  if (index % 40 === 17) return 'Deleted';
  const roll = random.next();
  if (roll < 0.03) return 'Warned';
  if (roll < 0.05) return 'PastDue';
  return 'Enabled';
}

function contactId(subscriptionId: string, name: string, singular = false): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Security/${singular ? 'securityContact' : 'securityContacts'}/${name}`;
}

function address(random: SeededRandom, team: string): string {
  return `${random.pick(['secops', team, 'soc', 'alerts'])}@${random.pick(DOMAINS)}`;
}

function contact2023(subscriptionId: string, emails: string | null | undefined): object {
  const properties: Record<string, unknown> = {
    notificationsByRole: { state: 'On', roles: ['Owner'] },
    isEnabled: true,
    phone: '(214)275-4038',
    notificationsSources: [
      { sourceType: 'AttackPath', minimalRiskLevel: 'Critical' },
      { sourceType: 'Alert', minimalSeverity: 'Medium' },
    ],
  };
  if (emails !== undefined) properties.emails = emails;
  return { id: contactId(subscriptionId, 'default', true), name: 'default', type: 'Microsoft.Security/securityContact', properties };
}

function contact2020(subscriptionId: string, emails: string): object {
  return {
    id: contactId(subscriptionId, 'default'),
    name: 'default',
    type: 'Microsoft.Security/securityContacts',
    properties: {
      notificationsByRole: { state: 'On', roles: ['Owner'] },
      emails,
      phone: '',
      alertNotifications: { state: 'On', minimalSeverity: 'High' },
    },
  };
}

function contact2017(subscriptionId: string, name: string, email: string): object {
  return {
    id: contactId(subscriptionId, name),
    name,
    type: 'Microsoft.Security/securityContacts',
    properties: { email, phone: '', alertNotifications: 'On', alertsToAdmins: 'On' },
  };
}

function contactsBody(kind: SyntheticContactKind, subscriptionId: string, random: SeededRandom, team: string): unknown {
  const one = (): string => address(random, team);
  switch (kind) {
    case '2023-emails':
      return { value: [contact2023(subscriptionId, random.next() < 0.5 ? one() : `${one()};${one()}`)] };
    case '2023-emails-comma':
      return { value: [contact2023(subscriptionId, `${one()}, ${one()}`)] };
    case '2023-emails-empty':
      return { value: [contact2023(subscriptionId, '')] };
    case '2023-emails-null':
      return { value: [contact2023(subscriptionId, null)] };
    case '2023-emails-missing':
      return { value: [contact2023(subscriptionId, undefined)] };
    case '2020-bare-array':
      return [contact2020(subscriptionId, `${one()};${one()}`)];
    case '2020-bare-array-empty':
      return [];
    case '2017-default1':
      return { value: [contact2017(subscriptionId, 'default1', one())] };
    case '2017-default1-default2':
      return { value: [contact2017(subscriptionId, 'default1', one()), contact2017(subscriptionId, 'default2', one())] };
    case 'several-one-empty':
      return { value: [contact2017(subscriptionId, 'default1', ''), contact2017(subscriptionId, 'default2', one())] };
    case 'no-contacts':
      return { value: [] };
    case 'authorization-failed':
      return armError(
        'AuthorizationFailed',
        `The client 'ward-reader' with object id '${random.guid()}' does not have authorization to perform action ` +
          `'Microsoft.Security/securityContacts/read' over scope '/subscriptions/${subscriptionId}' or the scope is invalid.`,
      );
  }
}

export interface SyntheticTenant {
  readonly tenantId: string;
  readonly capture: Capture;
  /** The contact kind drawn for each subscription id (inactive subscriptions have none). */
  readonly kinds: ReadonlyMap<string, SyntheticContactKind>;
}

export function syntheticTenant(options: SyntheticTenantOptions): SyntheticTenant {
  const random = createSeededRandom(options.seed ?? 1);
  const tenantId = random.guid();
  const subscriptions: object[] = [];
  const securityContacts = new Map<string, CapturedBody>();
  const kinds = new Map<string, SyntheticContactKind>();
  for (let index = 0; index < options.subscriptions; index += 1) {
    const subscriptionId = random.guid();
    const team = random.pick(TEAMS);
    const environment = random.pick(ENVIRONMENTS);
    const state = drawState(index, random);
    subscriptions.push({
      id: `/subscriptions/${subscriptionId}`,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      tags: { environment, owner: team },
      subscriptionId,
      tenantId,
      displayName: `${team}-${environment}-${String(index + 1).padStart(3, '0')}`,
      state,
      subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    });
    if (state === 'Disabled' || state === 'Deleted') continue;
    // one or two subscriptions in every 50 the reader may not read
    const kind: SyntheticContactKind = index % 50 === 7 || index % 50 === 31 ? 'authorization-failed' : drawKind(random);
    kinds.set(subscriptionId, kind);
    securityContacts.set(subscriptionId, {
      body: contactsBody(kind, subscriptionId, random, team),
      source: `synthetic:${subscriptionId}`,
    });
  }
  return {
    tenantId,
    capture: { subscriptions: { body: { value: subscriptions }, source: 'synthetic:subscriptions' }, securityContacts },
    kinds,
  };
}

/** Writes a synthetic tenant as a capture directory (for `scan --offline`, benchmarks and `ward emulator --capture`). */
export async function writeSyntheticTenant(dir: string, options: SyntheticTenantOptions): Promise<SyntheticTenant> {
  const tenant = syntheticTenant(options);
  await writeCaptureDir(tenant.capture, dir);
  return tenant;
}
