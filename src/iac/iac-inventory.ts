import { WardError } from '../core/errors.js';
import { normaliseContactsBody } from '../core/inventory/normalise-capture.js';
import type { ConnectorRecord, Inventory, SecurityContactRecord } from '../core/model.js';
import { codeName, type IacContactResource } from './contact-resource.js';
import type { IacInputError } from './iac-finding.js';

/**
 * The resources read from code as the inventory a scan evaluates: one synthetic subscription per distinct contact
 * body, holding that contact alone, so each resource is judged on its own. Resources whose name and properties are
 * the same (a module instantiated many times, a template copied per landing zone) share one subscription: the
 * engine would give them the same verdict, and judging each once keeps large repositories fast. Contacts go through
 * the same normalisation as collected ones; a body it rejects is an input error at the resource.
 */
export interface IacInventory {
  readonly inventory: Inventory;
  /** Indexes in `resources` of the resources behind each asset id (its subscription's and its contact's). */
  readonly resourceOf: ReadonlyMap<string, readonly number[]>;
  readonly errors: readonly IacInputError[];
}

/** A name the contact gets when the code's cannot be resolved (checks reading `name` are then unknown). */
const PLACEHOLDER_NAME = 'default';

export function iacInventory(resources: readonly IacContactResource[]): IacInventory {
  const connectors: ConnectorRecord[] = [];
  const securityContacts: SecurityContactRecord[] = [];
  const resourceOf = new Map<string, number[]>();
  const errors: IacInputError[] = [];
  const assetsOfBody = new Map<string, readonly string[]>();
  resources.forEach((resource, index) => {
    const name = resource.name ?? PLACEHOLDER_NAME;
    const body = JSON.stringify([name, resource.properties]);
    const shared = assetsOfBody.get(body);
    if (shared) {
      for (const assetId of shared) resourceOf.get(assetId)!.push(index);
      return;
    }
    const connector = syntheticConnector(resource, connectors.length);
    const item = { id: `${connector.id}/providers/Microsoft.Security/securityContacts/${name}`, name, type: 'Microsoft.Security/securityContacts', properties: resource.properties };
    let contacts: SecurityContactRecord[];
    try {
      const normalised = normaliseContactsBody({ body: { value: [item] }, source: `${resource.file}:${resource.line}` }, connector);
      if (!('contacts' in normalised)) throw new WardError('IAC_INVALID', normalised.readError.message);
      contacts = normalised.contacts;
    } catch (error) {
      if (!(error instanceof WardError)) throw error;
      errors.push(rejectedBody(resource, error));
      return;
    }
    connectors.push(connector);
    for (const contact of contacts) securityContacts.push(contact);
    const assets = [connector.id, ...contacts.map((contact) => contact.id)];
    for (const assetId of assets) resourceOf.set(assetId, [index]);
    assetsOfBody.set(body, assets);
  });
  return { inventory: { connectors, securityContacts }, resourceOf, errors };
}

/** `/subscriptions/00000000-0000-4000-8000-<index>`: an id no real subscription has, named after the resource. */
function syntheticConnector(resource: IacContactResource, index: number): ConnectorRecord {
  const subscriptionId = `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
  return {
    id: `/subscriptions/${subscriptionId}`,
    name: resource.resource,
    provider: 'azure',
    subscriptionId,
    tenantId: null,
    // a subscription that code deploys a contact to is in use: judged, never skipped as Disabled
    state: 'Enabled',
    tags: {},
    readError: null,
  };
}

/** `value[0].properties.isEnabled` → the property as the code spells it, at the line it is written on. */
function rejectedBody(resource: IacContactResource, error: WardError): IacInputError {
  const field = error.location?.field?.replace(/^value\[0\]\.?/, '') ?? '';
  const top = /^properties\.[^.[]+/.exec(field)?.[0];
  const at = (top === undefined ? undefined : resource.positions.get(top)) ?? { line: resource.line, column: resource.column };
  const spelled = field === '' ? '' : ` \`${codeName(resource.spelling, field)}\``;
  return { file: resource.file, line: at.line, column: at.column, message: `${resource.resource}:${spelled} ${error.message}` };
}
