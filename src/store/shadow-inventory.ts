/**
 * A batch of a queued scan is judged by THE engine, the compiled SQL of every check, over the batch's own
 * inventory only. The compiled SQL names the inventory tables without a schema (`"connectors"`), and PostgreSQL
 * looks a table name up in the session's temporary schema first: so, inside the batch's transaction, temporary
 * tables of the same shape shadow the real ones, the batch's rows go into them, the checks run, and the
 * temporary tables are dropped before anything else in the transaction reads the inventory. Readers of the real
 * tables never see a batch; many batches are judged at once on different connections.
 */
import { WardError } from '../core/errors.js';
import type { SqlClient } from './sql-client.js';

const SHADOWED = ['connectors', 'security_contacts'] as const;

export async function withShadowInventory<T>(tx: SqlClient, work: () => Promise<T>): Promise<T> {
  for (const table of SHADOWED) {
    // LIKE the real table (schema-qualified by the database itself: quote_ident), with its defaults, no constraints
    const { rows } = await tx.query<{ qualified: string }>(
      `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.oid = to_regclass($1) AND c.relnamespace <> pg_my_temp_schema()`,
      [table],
    );
    const qualified = rows[0]?.qualified;
    if (!qualified) throw new WardError('STORE_ERROR', `the inventory table ${table} is missing or already shadowed in this session`);
    await tx.exec(`CREATE TEMPORARY TABLE ${table} (LIKE ${qualified} INCLUDING DEFAULTS) ON COMMIT DROP`);
  }
  // never write a batch into the real inventory: both names must now resolve to the temporary tables
  const { rows } = await tx.query<{ shadowed: number }>(
    `SELECT count(*)::integer AS shadowed FROM pg_class c
     WHERE c.relnamespace = pg_my_temp_schema() AND c.oid IN (to_regclass('connectors'), to_regclass('security_contacts'))`,
  );
  if (Number(rows[0]?.shadowed) !== SHADOWED.length) throw new WardError('STORE_ERROR', 'the batch inventory tables do not shadow the stored inventory; nothing was written');
  // on failure the transaction rolls back and takes the temporary tables with it
  const result = await work();
  await tx.exec('DROP TABLE pg_temp.security_contacts, pg_temp.connectors');
  return result;
}
