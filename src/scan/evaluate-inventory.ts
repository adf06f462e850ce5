/**
 * Evaluates controls on an inventory that is not in any store (IaC resources, a remediation plan's simulated
 * outcome): it is loaded into a store in memory and judged by the same engine, the compiled SQL, as `ward scan`.
 */
import type { Control, Finding, Inventory } from '../core/model.js';
import { openEphemeralStore } from '../store/open-ephemeral-store.js';
import { replaceInventory } from '../store/inventory-repository.js';
import type { Store } from '../store/sql-client.js';
import { evaluateControls } from './evaluate-controls.js';

/** One finding per (control, asset), as a scan would store them (before exceptions). */
export async function evaluateInventory(controls: readonly Control[], inventory: Inventory, store?: Store): Promise<Finding[]> {
  const opened = store ?? (await openEphemeralStore());
  try {
    return await opened.transaction(async (tx) => {
      await replaceInventory(tx, inventory, { collectedAt: new Date(0), scanId: null, scope: 'all' });
      const findings = await evaluateControls(tx, controls, inventory);
      // an ephemeral evaluation never leaves its inventory behind, even in a store it was given
      throw new RolledBack(findings);
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.findings;
    throw error;
  } finally {
    if (!store) await opened.close();
  }
}

/** Carries the findings out of a transaction that is rolled back on purpose. */
class RolledBack extends Error {
  constructor(readonly findings: Finding[]) {
    super('rolled back on purpose');
  }
}
