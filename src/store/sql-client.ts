/** The store: a SqlClient (src/core/sql-client.ts) with a kind, a location and a close. */
import type { SqlClient } from '../core/sql-client.js';
export type { QueryResult, SqlClient } from '../core/sql-client.js';

export type StoreKind = 'pglite' | 'postgres';

export interface Store extends SqlClient {
  readonly kind: StoreKind;
  /** The data directory, or the server URL with its password removed. */
  readonly location: string;
  close(): Promise<void>;
}
