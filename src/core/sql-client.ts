/** The one database interface the rest of ward sees; PGlite and node-postgres both sit behind it (src/store). */
export interface QueryResult<Row> {
  readonly rows: Row[];
}

export interface SqlClient {
  /** One statement with `$1`-style bound parameters. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
}
