import type { Inventory } from '../model.js';
import type { CoveredAsset } from './evaluate-check.js';

/** The assets of each inventory type a check can cover: one line per asset type. */
const COVERED_ASSETS: Readonly<Record<string, (inventory: Inventory) => CoveredAsset[]>> = {
  Connector: (inventory) => inventory.connectors.map(({ id, name, state, readError }) => ({ id, name, state, readError })),
  // A subscription whose contacts could not be read has no contact rows: it is covered itself, so that a
  // contact-rooted check reports `error` on it instead of saying nothing.
  SecurityContact: (inventory) => {
    const connectors = new Map(inventory.connectors.map((c) => [c.id, c] as const));
    const contacts = inventory.securityContacts.map(({ id, name, connectorId }) => ({
      id,
      name,
      state: connectors.get(connectorId)?.state ?? null,
      readError: connectors.get(connectorId)?.readError ?? null,
    }));
    const unreadable = inventory.connectors.filter((c) => c.readError !== null).map(({ id, name, state, readError }) => ({ id, name, state, readError }));
    return [...unreadable, ...contacts];
  },
};

export function coveredAssets(inventory: Inventory, typeName: string): CoveredAsset[] {
  const select = COVERED_ASSETS[typeName];
  if (!select) throw new Error(`no covered-asset selector for inventory type ${typeName}`);
  return select(inventory);
}
