import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isWardError, WardError } from '../core/errors.js';
import { openStore } from '../store/open-store.js';
import { DEFAULT_STORE_DIR, isPostgresUrl } from '../store/store-location.js';
import type { Store } from '../store/sql-client.js';
import type { ReportText } from '../reporters/scan-report.js';
import { describeStoreLockHolder } from '../store/store-lock.js';
import { parseMaxDays } from '../core/exceptions/validate-exception.js';
import { usageError, useColour, type CliContext } from './cli-context.js';
import { lockTimeoutMs } from './lock-timeout-option.js';

/** `--db`, else WARD_DB, else ./.ward/db. */
export function storeLocation(context: CliContext, flag: string | undefined): string {
  const location = flag ?? context.io.env.WARD_DB ?? DEFAULT_STORE_DIR;
  return isPostgresUrl(location) ? location : resolve(context.io.cwd, location);
}

/** Whether the store `--db` names is there already: a PostgreSQL server is, an embedded store once it has data. */
export function storeExists(context: CliContext, flag: string | undefined): boolean {
  const location = storeLocation(context, flag);
  return isPostgresUrl(location) || existsSync(join(location, 'pgdata'));
}

export interface CliStoreOptions {
  readonly signal?: AbortSignal;
  readonly command?: string;
  readonly maxConnections?: number;
}

/**
 * Opens the store `--db` (or WARD_DB, or ./.ward/db) names. A busy embedded store is waited for (`--lock-timeout`),
 * saying on stderr who holds it; `signal` (Ctrl-C) stops the wait. The caller closes it.
 */
export function openCliStore(context: CliContext, flag: string | undefined, options: CliStoreOptions = {}): Promise<Store> {
  const location = storeLocation(context, flag);
  return openStore({
    ...(options.command === undefined ? {} : { command: options.command }),
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    location,
    lockTimeoutMs: lockTimeoutMs(context),
    onLockWait: (holder, timeoutMs) =>
      void context.io.stderr.write(
        `ward: the store ${location} is in use by ${describeStoreLockHolder(holder)}; waiting up to ${timeoutMs / 1000} s (--lock-timeout)\n`,
      ),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

/** Opens the store for `work` and closes it after (see openCliStore). */
export async function withStore<T>(context: CliContext, flag: string | undefined, work: (store: Store) => Promise<T>, options: CliStoreOptions = {}): Promise<T> {
  const store = await openCliStore(context, flag, options);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** The longest an exception may run, in days: `--max-days` (when the command has it), else WARD_EXCEPTION_MAX_DAYS, else 365. */
export function exceptionMaxDays(context: CliContext, flag?: string): number {
  const text = flag ?? context.io.env.WARD_EXCEPTION_MAX_DAYS;
  const maxDays = parseMaxDays(text);
  if (maxDays === undefined) {
    const source = flag === undefined ? 'WARD_EXCEPTION_MAX_DAYS' : '--max-days';
    throw new WardError('USAGE', `${source} must be a whole number of days (1 or more), got ${JSON.stringify(text)}`);
  }
  return maxDays;
}

/** A scan number given to `flag` (`--scan`, `--from`, `--to`). */
export function parseScanId(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new WardError('USAGE', `${flag} takes a scan number, got ${JSON.stringify(text)}`, { hint: 'ward scans lists them' });
  return Number(text);
}

/** Checks the value of an option (`--format` unless `flag` says otherwise) against the values it takes. */
export function parseFormat<F extends string>(value: string | undefined, formats: readonly F[], fallback: F, flag = '--format'): F {
  if (value === undefined) return fallback;
  if ((formats as readonly string[]).includes(value)) return value as F;
  throw usageError(`unknown ${flag} ${value}`, `choose one of: ${formats.join(', ')}`);
}

/** The format of `scan`, `scans`, `findings` and `diff` when `--format` is not given: a table for a person, JSON for a program. */
export const defaultFormatFor = (context: CliContext, output: string | undefined): 'table' | 'json' =>
  context.io.stdout.isTTY || output !== undefined ? 'table' : 'json';

/** Writes a report to `--output FILE`, or to stdout. */
export function emit(context: CliContext, text: ReportText, output: string | undefined): void {
  const pieces = typeof text === 'string' ? [text] : text;
  if (output === undefined) {
    for (const piece of pieces) context.io.stdout.write(piece);
    return;
  }
  const path = resolve(context.io.cwd, output);
  let bytes = 0;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w');
    // piece by piece as the report makes them: a large report is never held whole (ReportText)
    for (const piece of pieces) {
      const data = Buffer.from(piece, 'utf8');
      for (let written = 0; written < data.length; ) written += writeSync(fd, data, written, data.length - written);
      bytes += data.length;
    }
  } catch (error) {
    // the file could not be opened or written (an error of the report itself is a bug, raised as it is)
    if (isWardError(error) || typeof (error as NodeJS.ErrnoException).syscall !== 'string') throw error;
    throw new WardError('USAGE', `cannot write ${output}: ${(error as Error).message}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  context.io.stderr.write(`ward: wrote ${output} (${bytes} bytes)\n`);
}

export const colourFor = (context: CliContext, output: string | undefined): boolean => output === undefined && useColour(context.io);

/**
 * What a report for people is rendered with: colour and the terminal's width on a terminal (not for --output),
 * and every subscription of a group with --all.
 */
export function reportOptionsFor(context: CliContext, options: { output?: string | undefined; all?: boolean | undefined }): { colour: boolean; all: boolean; width?: number } {
  const { stdout } = context.io;
  const width = options.output === undefined && stdout.isTTY && stdout.columns ? stdout.columns : undefined;
  return { colour: colourFor(context, options.output), all: options.all === true, ...(width === undefined ? {} : { width }) };
}

export type FailOn = 'fail' | 'error' | 'none';
export const FAIL_ON: readonly FailOn[] = ['fail', 'error', 'none'];

/**
 * The exit code of a run's statuses. `fail` (default): 1 on any failure or error; `error`: 1 only when
 * something could not be read or evaluated; `none`: 0 (reporting only). Usage and tool errors exit 2 regardless.
 */
export function exitCodeFor(statuses: Iterable<string>, failOn: FailOn): number {
  if (failOn === 'none') return 0;
  for (const status of statuses) {
    if (status === 'error') return 1;
    if (status === 'fail' && failOn === 'fail') return 1;
  }
  return 0;
}
