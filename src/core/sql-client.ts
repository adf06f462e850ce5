/** The one database interface the rest of ward sees; PGlite and node-postgres both sit behind it (src/store). */
export interface QueryResult<Row> {
  readonly rows: Row[];
}

/** How a value of a bulk-loaded column is written (src/store/copy-rows.ts encodes each). */
export type CopyColumnType = 'text' | 'text[]' | 'jsonb' | 'boolean' | 'integer' | 'timestamptz';

/**
 * A column of a bulk load. Its name comes only from the repositories' storage model, never from data. Values:
 * null or undefined is SQL NULL; `text` a string; `text[]` an array of strings (or nulls); `jsonb` JSON text (what
 * JSON.stringify returns: the string `null` is a JSON null, the value null is SQL NULL); `boolean`; `integer` a safe
 * integer; `timestamptz` a Date or an ISO 8601 string.
 */
export interface CopyColumn {
  readonly name: string;
  readonly type: CopyColumnType;
}

export interface SqlClient {
  /** One statement with `$1`-style bound parameters. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  /**
   * Bulk-loads rows (one array of values per row, in the order of `columns`) into `table` with COPY, streamed in
   * bounded chunks: rows are read from the iterable as they are sent. All rows land or none (outside a
   * transaction it runs in one of its own). No ON CONFLICT: a duplicate key fails the load.
   */
  copyRows(table: string, columns: readonly CopyColumn[], rows: Iterable<readonly unknown[]>): Promise<void>;
}
