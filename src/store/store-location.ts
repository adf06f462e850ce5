/** Where a store is: a directory (the embedded PGlite store) or a PostgreSQL server's URL. A leaf: it loads no store code. */

/** Where the embedded store lives when neither `--db` nor `WARD_DB` says otherwise. */
export const DEFAULT_STORE_DIR = '.ward/db';

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}
