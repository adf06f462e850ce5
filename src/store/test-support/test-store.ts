import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../migrations.js';
import { migrate } from '../migrate.js';
import { openStore, pgliteStore } from '../open-store.js';
import type { Store } from '../sql-client.js';

/**
 * Stores for tests. A new PGlite database costs seconds to initialise, so the first test process builds a
 * migrated template once and every later one loads that dump (well under a second).
 */
function templatePath(): string {
  const key = createHash('sha256').update(JSON.stringify(MIGRATIONS)).update(process.version).digest('hex').slice(0, 16);
  return join(tmpdir(), `ward-test-template-${key}.tar`);
}

export async function openMemoryStore(): Promise<Store> {
  const { PGlite } = await import('@electric-sql/pglite');
  const path = templatePath();
  let db;
  if (existsSync(path)) {
    db = new PGlite({ loadDataDir: new Blob([readFileSync(path)]) });
    await db.waitReady;
  } else {
    db = new PGlite();
    await db.waitReady;
    const store = pgliteStore(db, 'memory', async () => undefined);
    await migrate(store);
    const dump = await db.dumpDataDir('none');
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temporary, new Uint8Array(await dump.arrayBuffer()));
    renameSync(temporary, path);
  }
  const store = pgliteStore(db, 'memory', () => db.close());
  await migrate(store);
  return store;
}

/** The URL of a new, empty database on the test run's PostgreSQL server, or undefined when there is none. */
export async function postgresTestDatabaseUrl(): Promise<string | undefined> {
  const url = process.env.WARD_TEST_POSTGRES_URL;
  if (!url) return undefined;
  const { default: pg } = await import('pg');
  const name = `ward_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

/** A new, empty database on the test run's PostgreSQL server, or undefined when there is none. */
export async function openPostgresTestStore(): Promise<Store | undefined> {
  const url = await postgresTestDatabaseUrl();
  return url === undefined ? undefined : openStore({ location: url });
}

export interface TestStoreKind {
  readonly name: 'pglite' | 'postgres';
  /** Opens a fresh, migrated store; undefined when this kind is not available in this run. */
  open(): Promise<Store | undefined>;
  /** Set when the kind is unavailable: a visible reason for `test(..., { skip })`. */
  readonly skip: string | false;
}

const NO_POSTGRES = 'no PostgreSQL server for this run (set WARD_TEST_POSTGRES_URL or put initdb/pg_ctl on PATH)';

/** Under CI (`CI=true`) a PostgreSQL test never skips: without a server it fails, so CI cannot pass on PGlite alone. */
async function openRequiredPostgresTestStore(): Promise<Store> {
  const store = await openPostgresTestStore();
  if (!store) throw new Error(`CI=true: ${NO_POSTGRES}`);
  return store;
}

const postgresKind = (): TestStoreKind => {
  if (process.env.WARD_TEST_POSTGRES_URL) return { name: 'postgres', open: openPostgresTestStore, skip: false };
  if (process.env.CI === 'true') return { name: 'postgres', open: openRequiredPostgresTestStore, skip: false };
  return { name: 'postgres', open: openPostgresTestStore, skip: NO_POSTGRES };
};

/** Both store kinds, for tests that must pass on each: `for (const kind of TEST_STORE_KINDS) test(..., { skip: kind.skip }, ...)`. */
export const TEST_STORE_KINDS: readonly TestStoreKind[] = [{ name: 'pglite', open: openMemoryStore, skip: false }, postgresKind()];
