/**
 * Test support for the interrupt test: scans another tenant into the on-disk store in argv[2] inside
 * interruptible(), as `ward scan` does. Prints MIDWAY when the store transaction reaches the findings insert and
 * holds there, as a long statement would, until a signal arrives; then exits as the CLI does (128 + the signal).
 */
import { SCAN_FINDINGS_TABLE } from '../../store/finding-state-repository.js';
import type { SqlClient, Store } from '../../store/sql-client.js';
import { openStore } from '../../store/open-store.js';
import { runScan } from '../../scan/run-scan.js';
import { seedControls, tinyTenant } from '../../scan/test-support/tiny-tenant.js';
import { InterruptedError, interruptible } from '../interruptible.js';

const store = await openStore({ location: process.argv[2]! });
const holdUntil = (signal: AbortSignal) => {
  const wrap = (client: SqlClient): SqlClient => ({
    query: (sql, params) => client.query(sql, params),
    exec: (sql) => client.exec(sql),
    copyRows: async (table, columns, rows) => {
      if (table === SCAN_FINDINGS_TABLE) {
        process.stdout.write('MIDWAY\n');
        while (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return client.copyRows(table, columns, rows);
    },
    transaction: (work) => client.transaction((tx) => work(wrap(tx))),
  });
  return (target: Store): Store => ({ ...target, transaction: (work) => target.transaction((tx) => work(wrap(tx))) });
};
try {
  await interruptible(process, (signal) =>
    runScan({
      store: holdUntil(signal)(store),
      controls: seedControls(),
      inventory: tinyTenant({ x: 'fail', y: 'fail', z: 'pass' }),
      source: 'signalled',
      now: () => new Date('2026-03-02T10:00:00Z'),
      signal,
    }),
  );
} catch (error) {
  if (!(error instanceof InterruptedError)) throw error;
  process.stderr.write(`ward: ${error.message}\n`);
  process.exitCode = error.exitCode;
} finally {
  await store.close();
}
