/**
 * The bytes of a kept judged state (`state_snapshots`, migration 14): the state's columns, already in the order
 * readers give them, as gzip-compressed JSON. A column that repeats few values (control, check, status, reason,
 * severity: a large tenant's 80,000 failures share a few thousand reasons) is stored as its distinct values and an
 * index per row; decoded, its rows share one string per value. At 80,000 findings the columns are 29 MB of JSON as
 * they are and about 4.4 MB dictionary-encoded, 1.1 MB compressed.
 *
 * The compression is done here rather than by the database: PostgreSQL's own (pglz) took 0.25 s to decompress the
 * plain JSON on every read, gunzip takes a few milliseconds. gzip's checksum also means a damaged snapshot is never
 * read as a state: it is refused, and the reader builds the state from finding_states instead.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/** The format a reader knows; a snapshot of another (a later ward, say) is not read. */
const FORMAT = 'ward-state-columns/1';

/** A column stored as its distinct values and, per row, the index of the row's value. */
interface DictionaryColumn {
  readonly values: readonly unknown[];
  readonly at: readonly number[];
}

type StoredColumn = readonly unknown[] | DictionaryColumn;

/**
 * The snapshot of `columns` (parallel arrays, one per name, all of one length). JSON values only: strings, numbers,
 * booleans, null and plain objects (objects are never dictionary-encoded, as they are not compared by value).
 */
export function encodeStateSnapshot(names: readonly string[], columns: readonly (readonly unknown[])[]): Uint8Array {
  if (columns.length !== names.length || columns.some((c) => c.length !== (columns[0]?.length ?? 0))) {
    throw new Error('the columns of a state snapshot must be parallel and named'); // a bug of the caller
  }
  // level 1: 3x smaller than the JSON, written in tens of milliseconds; higher levels save little on this data
  return gzipSync(JSON.stringify({ format: FORMAT, names, columns: columns.map(stored) }), { level: 1 });
}

/**
 * The columns of a snapshot in `names`' order, or null when it cannot be read as such: damaged (gzip's checksum),
 * of another format, or of other columns. The caller then builds the state it stands for.
 */
export function decodeStateSnapshot(bytes: Uint8Array, names: readonly string[]): unknown[][] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(gunzipSync(bytes).toString('utf8'));
  } catch {
    return null;
  }
  if (!isSnapshot(parsed) || parsed.names.length !== names.length || parsed.names.some((n, i) => n !== names[i])) return null;
  const columns = parsed.columns.map(plain);
  if (columns.some((c) => c === null || c.length !== columns[0]!.length)) return null;
  return columns as unknown[][];
}

function stored(column: readonly unknown[]): StoredColumn {
  const index = new Map<unknown, number>();
  const values: unknown[] = [];
  const at = new Array<number>(column.length);
  for (let row = 0; row < column.length; row += 1) {
    const value = column[row];
    if (typeof value === 'object' && value !== null) return column;
    let i = index.get(value);
    if (i === undefined) {
      i = values.length;
      index.set(value, i);
      values.push(value);
    }
    at[row] = i;
  }
  // worth it only when values repeat: asset ids and names are (nearly) all distinct
  return values.length * 2 > column.length ? column : { values, at };
}

function plain(column: unknown): unknown[] | null {
  if (Array.isArray(column)) return column;
  const { values, at } = column as DictionaryColumn;
  const rows = new Array<unknown>(at.length);
  for (let row = 0; row < at.length; row += 1) {
    const i = at[row]!;
    if (!Number.isInteger(i) || i < 0 || i >= values.length) return null;
    rows[row] = values[i];
  }
  return rows;
}

function isSnapshot(value: unknown): value is { format: string; names: unknown[]; columns: unknown[] } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.format === FORMAT &&
    Array.isArray(v.names) &&
    Array.isArray(v.columns) &&
    v.columns.length === v.names.length &&
    v.columns.every((c) => Array.isArray(c) || (typeof c === 'object' && c !== null && Array.isArray((c as DictionaryColumn).values) && Array.isArray((c as DictionaryColumn).at)))
  );
}
