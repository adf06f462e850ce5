import { WardError } from '../core/errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import type { SqlClient } from './sql-client.js';

/** Applies the migrations the store has not seen, each in its own transaction. */
export async function migrate(client: SqlClient, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  await client.exec(
    'CREATE TABLE IF NOT EXISTS ward_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const { rows } = await client.query<{ version: number }>('SELECT version FROM ward_migrations');
  const applied = new Set(rows.map((row) => Number(row.version)));
  const newest = Math.max(0, ...migrations.map((m) => m.version));
  const storeNewest = Math.max(0, ...applied);
  if (storeNewest > newest) {
    throw new WardError('STORE_ERROR', `the store was written by a newer ward (schema ${storeNewest}, this ward knows ${newest})`, {
      hint: 'upgrade ward, or use another store with --db',
    });
  }
  let count = 0;
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    await client.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await migration.carryOver?.(tx);
      await tx.query('INSERT INTO ward_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    });
    count += 1;
  }
  return count;
}
