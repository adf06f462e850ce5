import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WardError } from '../core/errors.js';
import { acquireStoreLock, type StoreLockHolder } from './store-lock.js';
import { migrate } from './migrate.js';
import { markInterruptedScans } from './scan-repository.js';
import type { QueryResult, SqlClient, Store } from './sql-client.js';

/** Shared buffers of the embedded PostgreSQL. */
export const EMBEDDED_SHARED_BUFFERS = '16MB';

/** Where the embedded store lives when neither `--db` nor `WARD_DB` says otherwise. */
export const DEFAULT_STORE_DIR = '.ward/db';

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The server URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export interface OpenStoreOptions {
  /** A directory (embedded PGlite) or a `postgres://` URL. */
  readonly location: string;
  /** How long to wait for the embedded store's lock when another process holds it (default 0: fail at once). */
  readonly lockTimeoutMs?: number;
  /** Called once when the embedded store is busy and the wait begins. */
  readonly onLockWait?: (holder: StoreLockHolder, timeoutMs: number) => void;
  /** Stops waiting for the lock. */
  readonly signal?: AbortSignal;
  /** The command that holds the embedded store for long (`ward serve`): others' "store is busy" messages name it. */
  readonly command?: string;
  /** PostgreSQL: connections in the store's pool (default 4); a worker running many jobs at once needs more. */
  readonly maxConnections?: number;
}

/**
 * Opens and migrates a store. Scans left running by a process that is gone (killed during the store write) are
 * marked interrupted here, whatever command opens the store next.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const store = isPostgresUrl(options.location) ? await openPostgres(options.location, options.maxConnections ?? 4) : await openPglite(options.location, options);
  try {
    await migrate(store);
    await markInterruptedScans(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

async function openPglite(directory: string, options: Omit<OpenStoreOptions, 'location'>): Promise<Store> {
  const storeDir = resolve(directory);
  try {
    mkdirSync(storeDir, { recursive: true });
  } catch (error) {
    throw new WardError('STORE_ERROR', `cannot create the store directory ${storeDir}: ${(error as Error).message}`, {
      hint: 'choose a writable directory with --db or WARD_DB',
    });
  }
  const lock = await acquireStoreLock(join(storeDir, 'ward.lock'), storeDir, {
    timeoutMs: options.lockTimeoutMs,
    onWait: options.onLockWait,
    signal: options.signal,
    ...(options.command === undefined ? {} : { command: options.command }),
  });
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    // PGlite's PostgreSQL starts with 128 MB of shared buffers, most of a scan's memory; ward's working set is
    // far smaller (bench:scan), so the embedded store keeps 16 MB. Written to the data directory's postgresql.conf.
    const db = new PGlite(join(storeDir, 'pgdata'), { postgresqlconf: [`shared_buffers = ${EMBEDDED_SHARED_BUFFERS}`] });
    await db.waitReady;
    return pgliteStore(db, storeDir, async () => {
      await db.close();
      lock.release();
    });
  } catch (error) {
    lock.release();
    throw new WardError('STORE_ERROR', `cannot open the store ${storeDir}: ${(error as Error).message}`, {
      hint: 'the directory may not be a ward store; point --db at an empty or existing ward store',
      cause: error,
    });
  }
}

type PgliteLike = {
  query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  exec(sql: string): Promise<unknown>;
  transaction<T>(work: (tx: { query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>; exec(sql: string): Promise<unknown> }) => Promise<T>): Promise<T>;
};

/** Wraps a PGlite instance (on disk or in memory) as a Store. */
export function pgliteStore(db: PgliteLike, location: string, close: () => Promise<void>): Store {
  const client = (target: Pick<PgliteLike, 'query' | 'exec'>, inTransaction: boolean): SqlClient => ({
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const result = await target.query<Row>(sql, [...params]);
      return { rows: result.rows };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
    async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
      if (inTransaction) return work(client(target, true));
      return db.transaction((tx) => work(client(tx, true)));
    },
  });
  return { kind: 'pglite', location, ...client(db, false), close };
}

async function openPostgres(url: string, max: number): Promise<Store> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max });
  const location = redactUrl(url);
  try {
    const probe = await pool.connect();
    probe.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new WardError('STORE_ERROR', `cannot connect to PostgreSQL at ${location}: ${(error as Error).message}`, {
      hint: 'check the server is running and the URL, user and database are right',
    });
  }
  const clientOf = (target: { query: (sql: string, params: unknown[]) => Promise<{ rows: unknown[] }> }, inTransaction: boolean): SqlClient => ({
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const result = await target.query(sql, [...params]);
      return { rows: result.rows as Row[] };
    },
    async exec(sql: string): Promise<void> {
      await target.query(sql, []);
    },
    async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
      if (inTransaction) return work(clientOf(target, true));
      const connection = await pool.connect();
      try {
        await connection.query('BEGIN');
        const result = await work(clientOf(connection as never, true));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
  });
  return {
    kind: 'postgres',
    location,
    ...clientOf(pool as never, false),
    close: () => pool.end(),
  };
}
