/**
 * Loads a table-by-table dump of a store (a fixture's rows.json) into a store migrated to exactly the dump's
 * schema version, so that a later migration can be run over data an older ward wrote. It depends on the SqlClient
 * interface alone, so it keeps working as the repositories change.
 */
import type { SqlClient } from '../../core/sql-client.js';

export interface StoreRows {
  /** The newest migration of the store the rows were dumped from. */
  readonly schemaVersion: number;
  /** Each table's rows (`to_jsonb` of the row), tables in an order that satisfies the foreign keys. */
  readonly tables: Readonly<Record<string, readonly unknown[]>>;
}

const IDENTIFIER = /^[a-z_]+$/;

/**
 * Inserts every table's rows in the dump's order, in one transaction: ward_migrations rows the store already holds
 * are skipped, every other row must be new. Then every serial sequence is set to its column's max, so the next
 * insert takes the next id.
 */
export async function loadStoreRows(client: SqlClient, rows: StoreRows): Promise<void> {
  const { rows: versions } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM ward_migrations');
  const version = Number(versions[0]?.version ?? 0);
  if (version !== rows.schemaVersion) throw new Error(`the store is at schema ${version}; the rows are of schema ${rows.schemaVersion}`);
  await client.transaction(async (tx) => {
    const { rows: tables } = await tx.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    const known = new Set(tables.map((t) => t.name));
    for (const [table, tableRows] of Object.entries(rows.tables)) {
      if (!IDENTIFIER.test(table) || !known.has(table)) throw new Error(`the rows name a table the store does not have: ${JSON.stringify(table)}`);
      if (tableRows.length === 0) continue;
      const skipPresent = table === 'ward_migrations' ? ' ON CONFLICT (version) DO NOTHING' : '';
      await tx.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)${skipPresent}`, [JSON.stringify(tableRows)]);
    }
    const { rows: serials } = await tx.query<{ table_name: string; column_name: string; sequence: string }>(
      `SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) AS sequence
       FROM information_schema.columns
       WHERE table_schema = 'public' AND pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL
       ORDER BY table_name, column_name`,
    );
    for (const { table_name: table, column_name: column, sequence } of serials) {
      if (!IDENTIFIER.test(table) || !IDENTIFIER.test(column)) throw new Error(`unexpected serial column ${table}.${column}`);
      // an empty table: the next value is 1
      await tx.query(`SELECT setval($1, coalesce(max(${column}), 1), max(${column}) IS NOT NULL) FROM ${table}`, [sequence]);
    }
  });
}
