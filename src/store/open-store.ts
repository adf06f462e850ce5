import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WardError } from '../core/errors.js';
import type { StoreLockHolder } from './store-lock.js';
import { openPglite as openPgliteStore } from './open-pglite.js';
import { migrate } from './migrate.js';
import { markInterruptedScans } from './scan-repository.js';
import type { QueryResult, SqlClient, Store } from './sql-client.js';
import type { CopyColumn } from '../core/sql-client.js';
import { copyChunks, copyStatement, POSTGRES_COPY_CHUNK_CHARS } from './copy-rows.js';
import { isPostgresUrl } from './store-location.js';

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

/** The embedded store (open-pglite.ts), wrapped by pgliteStore below. */
function openPglite(directory: string, options: Omit<OpenStoreOptions, 'location'>): Promise<Store> {
  return openPgliteStore(directory, options, pgliteStore);
}

type PgliteTarget = {
  query<Row>(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: Row[] }>;
  exec(sql: string): Promise<unknown>;
};
type PgliteLike = PgliteTarget & { transaction<T>(work: (tx: PgliteTarget) => Promise<T>): Promise<T> };

/** Wraps a PGlite instance (on disk or in memory) as a Store. */
export function pgliteStore(db: PgliteLike, location: string, close: () => Promise<void>): Store {
  const client = (target: PgliteTarget, inTransaction: boolean): SqlClient => ({
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
    async copyRows(table: string, columns: readonly CopyColumn[], rows: Iterable<readonly unknown[]>): Promise<void> {
      // one COPY per chunk, each read from PGlite's /dev/blob device: neither side holds the whole load as one text
      const copy = { table, columns };
      const sql = copyStatement(copy, "'/dev/blob'");
      const load = async (tx: PgliteTarget): Promise<void> => {
        for (const chunk of copyChunks(copy, rows)) await tx.query(sql, [], { blob: new Blob([chunk]) });
      };
      if (inTransaction) await load(target);
      else await db.transaction(load);
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
  // one COPY … FROM STDIN for the whole load, fed chunk by chunk as the connection drains (pipeline's backpressure)
  const copyOn = async (connection: import('pg').PoolClient, table: string, columns: readonly CopyColumn[], rows: Iterable<readonly unknown[]>): Promise<void> => {
    const { default: copyStreams } = await import('pg-copy-streams');
    const copy = { table, columns };
    await pipeline(Readable.from(copyChunks(copy, rows, POSTGRES_COPY_CHUNK_CHARS)), connection.query(copyStreams.from(copyStatement(copy, 'STDIN'))));
  };
  const clientOf = (target: { query: (sql: string, params: unknown[]) => Promise<{ rows: unknown[] }> }, inTransaction: boolean): SqlClient => ({
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const result = await target.query(sql, [...params]);
      return { rows: result.rows as Row[] };
    },
    async exec(sql: string): Promise<void> {
      await target.query(sql, []);
    },
    async copyRows(table: string, columns: readonly CopyColumn[], rows: Iterable<readonly unknown[]>): Promise<void> {
      if (inTransaction) return copyOn(target as import('pg').PoolClient, table, columns, rows);
      // one statement: atomic on its own, on a connection of its own (COPY holds it until the load ends)
      const connection = await pool.connect();
      let failure: Error | undefined;
      try {
        await copyOn(connection, table, columns, rows);
      } catch (error) {
        failure = error as Error;
        throw error;
      } finally {
        // a connection whose COPY failed midway is not handed to anyone else
        connection.release(failure);
      }
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
