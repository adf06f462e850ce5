import type { Inventory } from '../model.js';
import type { CoveredAsset } from './evaluate-check.js';

/** The assets of each inventory type a check can cover: one line per asset type. */
const COVERED_ASSETS: Readonly<Record<string, (inventory: Inventory) => CoveredAsset[]>> = {
  Connector: (inventory) => inventory.connectors.map(({ id, name, state, readError }) => ({ id, name, state, readError })),
  SecurityContact: (inventory) => {
    const errors = new Map(inventory.connectors.map((c) => [c.id, c] as const));
    return inventory.securityContacts.map(({ id, name, connectorId }) => ({
      id,
      name,
      state: errors.get(connectorId)?.state ?? null,
      readError: errors.get(connectorId)?.readError ?? null,
    }));
  },
};

export function coveredAssets(inventory: Inventory, typeName: string): CoveredAsset[] {
  const select = COVERED_ASSETS[typeName];
  if (!select) throw new Error(`no covered-asset selector for inventory type ${typeName}`);
  return select(inventory);
}
