/**
 * Applies planned requests to an inventory in memory, as ARM would apply them to the tenant: a PUT replaces the
 * named contact (creating it when absent), a DELETE removes it. The new contacts are normalised by the same code
 * that normalises collected ones, so the simulation sees exactly what a re-scan would see. Pure.
 */
import { normaliseContactsBody } from '../inventory/normalise-capture.js';
import type { Inventory, SecurityContactRecord } from '../model.js';
import type { PlannedAction } from './planned-action.js';

export function simulateActions(inventory: Inventory, actions: readonly Pick<PlannedAction, 'assetId' | 'contactName' | 'method' | 'body'>[]): Inventory {
  let contacts: SecurityContactRecord[] = [...inventory.securityContacts];
  for (const action of actions) {
    const connector = inventory.connectors.find((candidate) => candidate.id === action.assetId);
    if (!connector) continue;
    const name = action.contactName.toLowerCase();
    const index = contacts.findIndex((contact) => contact.connectorId === connector.id && contact.name.toLowerCase() === name);
    if (action.method === 'DELETE') {
      if (index >= 0) contacts = contacts.filter((_, position) => position !== index);
      continue;
    }
    const properties = (action.body as { properties?: unknown } | null)?.properties ?? {};
    const resource = {
      id: `${connector.id}/providers/Microsoft.Security/securityContacts/${action.contactName}`,
      name: action.contactName,
      type: 'Microsoft.Security/securityContacts',
      properties,
    };
    const result = normaliseContactsBody({ body: { value: [resource] }, source: 'simulation' }, connector);
    if (!('contacts' in result)) continue;
    const [record] = result.contacts;
    if (!record) continue;
    if (index >= 0) contacts[index] = record;
    else contacts.push(record);
  }
  return { connectors: inventory.connectors, securityContacts: contacts };
}
