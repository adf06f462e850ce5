/**
 * Test support for the kill test: opens the on-disk store in argv[2] and starts a scan of a different tenant,
 * prints MIDWAY once the transaction has replaced the inventory and is about to write findings, then waits to be
 * killed (it never commits).
 */
import { SCAN_FINDINGS_TABLE } from '../../store/finding-state-repository.js';
import { openStore } from '../../store/open-store.js';
import type { SqlClient, Store } from '../../store/sql-client.js';
import { runScan } from '../run-scan.js';
import { seedControls, tinyTenant } from './tiny-tenant.js';

const store = await openStore({ location: process.argv[2]! });
const stall = (client: SqlClient): SqlClient => ({
  query: (sql, params) => client.query(sql, params),
  exec: (sql) => client.exec(sql),
  copyRows: async (table, columns, rows) => {
    await client.copyRows(table, columns, rows);
    if (table === SCAN_FINDINGS_TABLE) {
      process.stdout.write('MIDWAY\n');
      await new Promise(() => setInterval(() => undefined, 1000));
    }
  },
  transaction: (work) => client.transaction((tx) => work(stall(tx))),
});
const stalling: Store = { ...store, transaction: (work) => store.transaction((tx) => work(stall(tx))) };
await runScan({ store: stalling, controls: seedControls(), inventory: tinyTenant({ x: 'fail', y: 'fail', z: 'pass' }), source: 'killed', now: () => new Date('2026-03-02T10:00:00Z') });
