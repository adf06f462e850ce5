/**
 * Rows for `COPY … FROM` in PostgreSQL's text format, cut into bounded chunks: the bulk path of
 * `SqlClient.copyRows` on both stores (src/store/open-store.ts).
 *
 * Text format: one line per row, columns separated by a tab, `\N` for NULL, and a backslash escape for the
 * characters that would otherwise end a value or a line (backslash, tab, newline, carriage return). Arrays are
 * array literals with every element double-quoted, then escaped as any other text. A NUL character cannot be
 * stored in a PostgreSQL text or jsonb value: such a row is refused with an error naming the table, the column
 * and the row, as the INSERT path it replaces refused it too, and nothing is written.
 */
import { sortByCodePoints } from '../core/code-point-order.js';
import { WardError } from '../core/errors.js';
import type { CopyColumn, CopyColumnType } from '../core/sql-client.js';
export type { CopyColumn, CopyColumnType } from '../core/sql-client.js';

/** Characters of text that stay as they are in most values; anything else takes the slow path. */
const NEEDS_CARE = /[\\\t\n\r\0\uD800-\uDFFF]/;
const COPY_ESCAPES = /[\\\t\n\r]/g;
const COPY_ESCAPE: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
/** A lone UTF-16 surrogate: it has no UTF-8 form, and encoding it would silently turn it into U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** `\u0000` in JSON text, not preceded by an escaped backslash: jsonb cannot hold it. */
const JSON_NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/i;
/** Identifiers reach SQL only from the repositories' constants; this keeps anything else out all the same. */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** How much row text one chunk holds before it is sent (characters, about bytes for ARM bodies). */
export const COPY_CHUNK_CHARS = 2 * 1024 * 1024;
/** PostgreSQL takes one stream: smaller pieces keep the socket busy without holding much in memory. */
export const POSTGRES_COPY_CHUNK_CHARS = 256 * 1024;

export interface CopyTarget {
  readonly table: string;
  readonly columns: readonly CopyColumn[];
}

/** `COPY table (a, b) FROM source` for a target whose names were checked to be plain identifiers. */
export function copyStatement(target: CopyTarget, source: "'/dev/blob'" | 'STDIN'): string {
  for (const name of [target.table, ...target.columns.map((column) => column.name)]) {
    if (!IDENTIFIER.test(name)) throw new WardError('STORE_ERROR', `"${name}" is not a table or column name ward copies into`, { hint: 'this is a bug in ward' });
  }
  if (target.columns.length === 0) throw new WardError('STORE_ERROR', `no columns to copy into ${target.table}`, { hint: 'this is a bug in ward' });
  return `COPY ${target.table} (${target.columns.map((column) => column.name).join(', ')}) FROM ${source}`;
}

function refused(target: CopyTarget, column: CopyColumn, row: number, what: string): WardError {
  return new WardError('STORE_ERROR', `${target.table}.${column.name} of row ${row + 1} ${what}`, {
    hint: 'the data cannot be stored as it is; nothing was written',
    location: { field: `${target.table}[${row}].${column.name}` },
  });
}

/** Checks a text value and escapes it for the text format. */
function text(value: string, target: CopyTarget, column: CopyColumn, row: number): string {
  if (!NEEDS_CARE.test(value)) return value;
  if (value.includes('\0')) throw refused(target, column, row, 'holds a NUL character, which PostgreSQL cannot store in text');
  if (LONE_SURROGATE.test(value)) throw refused(target, column, row, 'holds a lone UTF-16 surrogate, which has no UTF-8 form');
  return value.replace(COPY_ESCAPES, (c) => COPY_ESCAPE[c]!);
}

/** One element of an array literal: always quoted, so that empty strings, `NULL`, braces and commas stay text. */
function arrayElement(value: unknown, target: CopyTarget, column: CopyColumn, row: number): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value !== 'string') throw refused(target, column, row, `holds a ${typeof value} element where text is expected`);
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function field(value: unknown, type: CopyColumnType, target: CopyTarget, column: CopyColumn, row: number): string {
  if (value === null || value === undefined) return '\\N';
  switch (type) {
    case 'text':
      if (typeof value !== 'string') throw refused(target, column, row, `is a ${typeof value} where text is expected`);
      return text(value, target, column, row);
    case 'jsonb':
      // JSON text, as JSON.stringify makes it: strings are escaped there, so only `\u0000` needs a look
      if (typeof value !== 'string') throw refused(target, column, row, `is a ${typeof value} where JSON text is expected`);
      if (value.includes('\\u0000') && JSON_NUL_ESCAPE.test(value)) throw refused(target, column, row, 'holds a NUL character (\\u0000), which jsonb cannot store');
      return text(value, target, column, row);
    case 'text[]':
      if (!Array.isArray(value)) throw refused(target, column, row, `is a ${typeof value} where a list of text is expected`);
      return text(`{${value.map((element) => arrayElement(element, target, column, row)).join(',')}}`, target, column, row);
    case 'boolean':
      if (typeof value !== 'boolean') throw refused(target, column, row, `is a ${typeof value} where a boolean is expected`);
      return value ? 't' : 'f';
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw refused(target, column, row, `is ${String(value)} where an integer is expected`);
      return String(value);
    case 'timestamptz':
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw refused(target, column, row, 'is an invalid date');
        return value.toISOString();
      }
      if (typeof value !== 'string') throw refused(target, column, row, `is a ${typeof value} where a timestamp is expected`);
      return text(value, target, column, row);
  }
}

/** One row as a line of the text format (with its newline). */
export function copyLine(target: CopyTarget, values: readonly unknown[], row: number): string {
  const { columns } = target;
  if (values.length !== columns.length) {
    throw new WardError('STORE_ERROR', `row ${row + 1} for ${target.table} has ${values.length} values for ${columns.length} columns`, { hint: 'this is a bug in ward' });
  }
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    if (i > 0) line += '\t';
    try {
      line += field(values[i], column.type, target, column, row);
    } catch (error) {
      throw namingTheRow(error, target, values);
    }
  }
  return `${line}\n`;
}

/**
 * A refused value's error, naming its row by the row's first column (every table ward copies into starts with its
 * key: an id, or a control's id before the asset's). The row's number alone is its place in the load, and loads
 * are sent in key order (inKeyOrder), not in the order the caller holds them.
 */
function namingTheRow(error: unknown, target: CopyTarget, values: readonly unknown[]): unknown {
  const key = values[0];
  if (!(error instanceof WardError) || typeof key !== 'string' || key.length > 300 || NEEDS_CARE.test(key)) return error;
  return new WardError(error.code, `${error.message} (the row whose ${target.columns[0]!.name} is ${JSON.stringify(key)})`, {
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.location === undefined ? {} : { location: error.location }),
  });
}

/**
 * The rows as text-format chunks of about `chunkChars` characters each (whole lines; a longer row is a chunk of
 * its own). Rows are read one at a time, so a generator of rows never has them all in memory at once.
 */
export function* copyChunks(target: CopyTarget, rows: Iterable<readonly unknown[]>, chunkChars = COPY_CHUNK_CHARS): Generator<string> {
  let lines: string[] = [];
  let size = 0;
  let row = 0;
  for (const values of rows) {
    const line = copyLine(target, values, row++);
    lines.push(line);
    size += line.length;
    if (size >= chunkChars) {
      yield lines.join('');
      lines = [];
      size = 0;
    }
  }
  if (lines.length > 0) yield lines.join('');
}

/**
 * `items` sorted by `key` (a copy; the input is left as it is), for a COPY into a table whose primary key is that
 * key. Rows that arrive in the index's order append to its right-hand pages instead of landing on a random page of
 * an index larger than the embedded store's buffers: a 100,000-subscription inventory loads in about two thirds of
 * the time (bench:inventory, 25.5 s unsorted against 16.1–18.5 s at the same load; bench/results/inventory.txt). The order is the C collation's (the embedded store's: code point order, as
 * sortByCodePoints gives it); on a server with another collation it is only a hint, and nothing else depends on it.
 */
export function inKeyOrder<T>(items: readonly T[], key: (item: T) => string): T[] {
  return sortByCodePoints(items, (item) => [key(item)]);
}
