/**
 * The embedded store: PGlite (PostgreSQL compiled to WebAssembly) over a data directory on disk.
 *
 * Where an open costs (bench/store.bench.ts, bench/results/store.txt): compiling and instantiating pglite.wasm,
 * unpacking PGlite's file bundle, PostgreSQL's own start (most of it zeroing its shared memory) and the first
 * catalog queries. Three things make it cheaper here:
 * - the WebAssembly runs on V8's baseline compiler only (see {@link useBaselineWasmCompiler});
 * - the module is compiled once per process and can be started early ({@link preparePglite}), overlapping other work
 *   (the CLI starts it before it loads its own modules: cli/start-store-early.ts);
 * - PGlite's file bundle and its on-disk file system module are read in that same early step, not after it.
 *
 * A new store is not initialised with PGlite's initdb (seconds): it is unpacked from a migrated template, the same
 * one `openEphemeralStore` uses, cached per user and built once when missing (see {@link storeTemplatePath}).
 */
import { randomBytes, createHash } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { PGlite } from '@electric-sql/pglite';
import { WardError } from '../core/errors.js';
import { MIGRATIONS } from './migrations.js';
import { migrate } from './migrate.js';
import { acquireStoreLock, type StoreLockHolder } from './store-lock.js';
import type { Store } from './sql-client.js';

/** Shared buffers of the embedded PostgreSQL. */
export const EMBEDDED_SHARED_BUFFERS = '8MB';

/**
 * The postgresql.conf of every embedded store (PGlite writes it into the data directory at each open).
 * PostgreSQL zeroes its whole shared memory at start, and every megabyte of it is resident from then on. PGlite's
 * defaults size it for 128 MB of buffers and 100 connections (its PostgreSQL is single-user: one backend);
 * 8 MB of buffers and 4 connection slots make 12 MB in all, and a 100,000-row load runs no slower with them
 * (bench/results/store.txt). Durability stays PGlite's and is not touched here: every commit is written to the WAL
 * file before it returns (PGlite runs PostgreSQL with fsync off, so into the operating system's cache), and a
 * killed process loses nothing committed. The WAL kept between checkpoints is bounded at 64 MB (PostgreSQL's default
 * lets it reach 1 GB before a checkpoint recycles it): with it a store of 20,000 subscriptions held 209 MB of WAL
 * after 3 scans and was 538 MB after 90 daily ones, and a checkpoint of 8 MB of buffers is cheap (bench:history).
 * PGlite's `relaxedDurability` changes nothing on disk (its file system has no sync step of its own) and is not used.
 */
export const EMBEDDED_POSTGRESQL_CONF: readonly string[] = [`shared_buffers = ${EMBEDDED_SHARED_BUFFERS}`, 'max_connections = 4', 'min_wal_size = 32MB', 'max_wal_size = 64MB'];

/** Wraps an open PGlite database as a Store (`pgliteStore` of open-store.ts; passed in to keep the imports acyclic). */
export type WrapPglite = (db: PGlite, location: string, close: () => Promise<void>) => Store;

export interface OpenPgliteOptions {
  /** How long to wait for the embedded store's lock when another process holds it (default 0: fail at once). */
  readonly lockTimeoutMs?: number;
  /** Called once when the embedded store is busy and the wait begins. */
  readonly onLockWait?: (holder: StoreLockHolder, timeoutMs: number) => void;
  /** Stops waiting for the lock. */
  readonly signal?: AbortSignal;
  /** The command that holds the embedded store for long (`ward serve`): others' "store is busy" messages name it. */
  readonly command?: string;
  /** The migrated template a new store is unpacked from (default: the per-user cache; undefined: none). */
  readonly templatePath?: string | undefined;
}

/** What PGlite needs before it opens a database: its class, its compiled WebAssembly module and its file bundle. */
export interface PreparedPglite {
  readonly PGlite: typeof PGlite;
  readonly wasmModule: WebAssembly.Module;
  /**
   * PGlite's file bundle (pglite.data: PostgreSQL's share and lib directories), read once by the early step. The first
   * database opened takes it and owns it; later ones get undefined and PGlite reads the file for them as it would.
   * Never shared: PGlite's in-memory file system keeps the bundle's bytes as the files' contents, and a write to one
   * of them (its stdin and stdout files are in it) would change them in place.
   */
  readonly takeFsBundle: () => ArrayBuffer | undefined;
}

let prepared: Promise<PreparedPglite> | undefined;

/**
 * V8 compiles WebAssembly twice: a fast baseline (Liftoff) first, then, on background threads, an optimised
 * version of every function that runs long enough. For PostgreSQL in a process that lives for one command the
 * second compile costs more than it saves: it takes about 0.4 s of CPU (against the scan's own work on the same
 * cores) and 30 MB of RSS, and a 100,000-row load runs no slower without it (bench/results/store.txt). V8 reads
 * the flag when it compiles, so it is set before PGlite's module is; it applies to WebAssembly only.
 */
export function useBaselineWasmCompiler(): void {
  setFlagsFromString('--liftoff-only');
}

/** PGlite's package directory (where pglite.wasm and package.json are). */
function pgliteDistDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
}

/**
 * Loads PGlite and compiles its WebAssembly, once per process. Call it early (when a command knows it will open
 * the embedded store) so the compile overlaps other work; openPglite and openEphemeralStore await the same promise.
 */
export function preparePglite(): Promise<PreparedPglite> {
  prepared ??= (async () => {
    useBaselineWasmCompiler();
    const [{ PGlite: pglite }, wasmModule, bundle] = await Promise.all([
      import('@electric-sql/pglite'),
      readWhole(join(pgliteDistDir(), 'pglite.wasm')).then((bytes) => WebAssembly.compile(bytes)),
      readWhole(join(pgliteDistDir(), 'pglite.data')),
      import('@electric-sql/pglite/nodefs'), // what PGlite imports for a data directory on disk, loaded meanwhile
    ]);
    let fsBundle: ArrayBuffer | undefined = bundle;
    const takeFsBundle = (): ArrayBuffer | undefined => {
      const taken = fsBundle;
      fsBundle = undefined;
      return taken;
    };
    return { PGlite: pglite, wasmModule, takeFsBundle };
  })();
  prepared.catch(() => {
    prepared = undefined; // a failed compile is retried by the next caller, which reports its error
  });
  return prepared;
}

/**
 * A file's bytes, read by one request to libuv's thread pool. readFile reads in 512 kB steps, each started from the
 * main thread, so while the CLI's modules load (the early start) a 9 MB read stalls between steps; this one does not.
 */
async function readWhole(path: string): Promise<ArrayBuffer> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const bytes = new Uint8Array(size);
    for (let at = 0; at < size; ) {
      const { bytesRead } = await file.read(bytes, at, size - at, at);
      if (bytesRead === 0) throw new Error(`${path} ended after ${at} of its ${size} bytes`);
      at += bytesRead;
    }
    return bytes.buffer;
  } finally {
    await file.close();
  }
}

/**
 * The bundle as PGlite's `fsBundle` option, which it types as a Blob and reads only through `arrayBuffer()` (its
 * #init). A real Blob would copy 6 MB twice. A second read (PGlite passes its options on to the instance that runs
 * initdb, when a store has no template) reads the file again, as PGlite does without the option.
 */
function fsBundleOption(bundle: ArrayBuffer): Blob {
  let owned: ArrayBuffer | undefined = bundle;
  const once: Pick<Blob, 'arrayBuffer'> = {
    arrayBuffer: async () => {
      const taken = owned;
      owned = undefined;
      return taken ?? (await readWhole(join(pgliteDistDir(), 'pglite.data')));
    },
  };
  return once as Blob;
}

/** Options of `new PGlite` for ward's embedded stores (on disk or in memory). */
export function pgliteOptions(ready: PreparedPglite): { postgresqlconf: string[]; pgliteWasmModule: WebAssembly.Module; fsBundle?: Blob } {
  const bundle = ready.takeFsBundle();
  return { postgresqlconf: [...EMBEDDED_POSTGRESQL_CONF], pgliteWasmModule: ready.wasmModule, ...(bundle ? { fsBundle: fsBundleOption(bundle) } : {}) };
}

function pgliteVersion(): string {
  try {
    return String((JSON.parse(readFileSync(join(pgliteDistDir(), '..', 'package.json'), 'utf8')) as { version?: unknown }).version);
  } catch {
    return 'unknown';
  }
}

/**
 * Where the migrated template lives, or undefined when there is no usable home or cache directory. It is cached per
 * user (`$XDG_CACHE_HOME/ward` or `~/.cache/ward`, mode 0700: never a shared temporary directory another user could
 * plant a database in) and keyed by the migrations, PGlite's version, Node's and the template's own format.
 */
export function storeTemplatePath(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = environment.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : undefined);
  if (!base) return undefined;
  const key = createHash('sha256')
    .update(JSON.stringify(MIGRATIONS))
    .update(process.version)
    .update(`pglite ${pgliteVersion()}`)
    .update('template 2: checkpointed')
    .digest('hex')
    .slice(0, 16);
  return join(base, 'ward', `store-template-${key}.tar`);
}

/** The cached template, or undefined when there is none or it cannot be read. */
export function readStoreTemplate(path: string | undefined): Uint8Array | undefined {
  if (!path || !existsSync(path)) return undefined;
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeStoreTemplate(path: string, dump: Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temporary, dump, { mode: 0o600 });
    renameSync(temporary, path);
    // templates of older migrations are never read again
    for (const name of readdirSync(dirname(path))) {
      if (/^store-template-[0-9a-f]{16}\.tar$/.test(name) && name !== basename(path)) rmSync(join(dirname(path), name), { force: true });
    }
  } catch {
    // a cache that cannot be written only costs time on the next run
  }
}

/**
 * Migrates a new in-memory database, checkpoints it (so a store unpacked from it starts without replaying WAL) and
 * returns its data directory as a tar, cached at `templatePath` for the next process.
 */
export async function saveStoreTemplate(db: PGlite, wrap: WrapPglite, templatePath: string | undefined): Promise<Uint8Array> {
  await migrate(wrap(db, 'memory', async () => undefined));
  await db.exec('CHECKPOINT');
  const dump = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
  if (templatePath) writeStoreTemplate(templatePath, dump);
  return dump;
}

/** The migrated template: the cached one, or a new one built in memory (and cached) when there is none. */
export async function storeTemplate(wrap: WrapPglite, templatePath: string | undefined): Promise<Uint8Array> {
  // read without blocking: PGlite's module compiles meanwhile
  const cached = templatePath ? await readFile(templatePath).catch(() => undefined) : undefined;
  if (cached && templateEntries(cached)) return cached;
  const ready = await preparePglite();
  const db = new ready.PGlite(pgliteOptions(ready));
  try {
    await db.waitReady;
    return await saveStoreTemplate(db, wrap, templatePath);
  } finally {
    await db.close();
  }
}

interface TemplateEntry {
  /** Path segments below the data directory. */
  readonly path: readonly string[];
  readonly directory: boolean;
  readonly data: Uint8Array;
}

function tarField(header: Uint8Array, offset: number, length: number): string {
  const bytes = header.subarray(offset, offset + length);
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.subarray(0, end)).toString('latin1');
}

function tarNumber(header: Uint8Array, offset: number, length: number): number | undefined {
  const text = tarField(header, offset, length).trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
}

/**
 * The entries of a template tar (PGlite's dumpDataDir: ustar, regular files and directories only), or undefined
 * when it is not one: a bad checksum or size, another entry type, a path leaving the data directory, no PG_VERSION.
 */
export function templateEntries(tar: Uint8Array): TemplateEntry[] | undefined {
  if (!parsed.has(tar)) parsed.set(tar, parseTemplate(tar));
  return parsed.get(tar);
}

/** Templates already read in this process (the cache is read once, then unpacked). */
const parsed = new WeakMap<Uint8Array, TemplateEntry[] | undefined>();

function parseTemplate(tar: Uint8Array): TemplateEntry[] | undefined {
  const entries: TemplateEntry[] = [];
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break; // the end-of-archive records
    const checksum = tarNumber(header, 148, 8);
    let sum = 0;
    for (let i = 0; i < 512; i += 1) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    const size = tarNumber(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    if (checksum !== sum || size === undefined || !tarField(header, 257, 6).startsWith('ustar')) return undefined;
    if (type !== '0' && type !== '\0' && type !== '5') return undefined;
    const prefix = tarField(header, 345, 131);
    const name = (prefix ? `${prefix}/` : '') + tarField(header, 0, 100);
    const path = name.split('/').filter((segment) => segment !== '');
    if (path.length === 0 || path.some((segment) => segment === '.' || segment === '..')) return undefined;
    const start = offset + 512;
    if (start + size > tar.length) return undefined;
    entries.push({ path, directory: type === '5', data: tar.subarray(start, start + size) });
    offset = start + Math.ceil(size / 512) * 512;
  }
  return entries.some((entry) => !entry.directory && entry.path.join('/') === 'PG_VERSION') ? entries : undefined;
}

const PAGE = 8192;
const ZERO_PAGE = Buffer.alloc(PAGE);

/**
 * Writes a new file of the data directory. Its zero tail (most of the preallocated WAL segment) is not written but
 * left to the file's length, which reads back as zeros.
 */
function writeDataFile(path: string, data: Uint8Array): void {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let end = bytes.length;
  while (end >= PAGE && bytes.subarray(end - PAGE, end).equals(ZERO_PAGE)) end -= PAGE;
  const fd = openSync(path, 'wx', 0o600);
  try {
    for (let written = 0; written < end; ) written += writeSync(fd, data, written, end - written);
    if (end < data.length) ftruncateSync(fd, data.length);
  } finally {
    closeSync(fd);
  }
}

/**
 * Unpacks the template into `dataDir`, which must not exist: into a new directory beside it first, renamed into
 * place when complete, so a killed process leaves either no data directory or a whole one. Returns false (and
 * leaves nothing) when the template is not usable.
 */
function unpackTemplate(tar: Uint8Array, dataDir: string): boolean {
  const entries = templateEntries(tar);
  if (!entries) return false;
  const partial = `${dataDir}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  mkdirSync(partial, { mode: 0o700 });
  try {
    const made = new Set<string>([partial]);
    const directory = (path: string): void => {
      if (made.has(path)) return;
      mkdirSync(path, { recursive: true, mode: 0o700 });
      made.add(path);
    };
    for (const entry of entries) {
      const target = join(partial, ...entry.path);
      if (entry.directory) directory(target);
      else {
        directory(dirname(target));
        writeDataFile(target, entry.data);
      }
    }
    renameSync(partial, dataDir);
    return true;
  } catch (error) {
    rmSync(partial, { recursive: true, force: true }); // only the directory made here, never the store's
    throw error;
  }
}

/**
 * Opens (or creates) the embedded store in `directory`, holding its lock until closed. The database lives in
 * `directory/pgdata`; a new one is unpacked from the migrated template (PGlite's initdb only when no template can
 * be had), and its migrations are recorded as applied now.
 */
export async function openPglite(directory: string, options: OpenPgliteOptions, wrap: WrapPglite): Promise<Store> {
  const storeDir = resolve(directory);
  const ready = preparePglite(); // compiles while the directory and the lock are seen to
  ready.catch(() => undefined); // awaited below; a failure is reported there
  try {
    // a new store is private to its user: inventory and findings are nobody else's to read or rewrite
    mkdirSync(storeDir, { recursive: true, mode: 0o700 });
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
    const dataDir = join(storeDir, 'pgdata');
    let created = false;
    if (!existsSync(dataDir)) {
      const templatePath = 'templatePath' in options ? options.templatePath : storeTemplatePath();
      created = unpackTemplate(await storeTemplate(wrap, templatePath), dataDir);
    }
    const loaded = await ready;
    const db = new loaded.PGlite(dataDir, pgliteOptions(loaded));
    try {
      await db.waitReady;
      // a store unpacked from the template records its migrations as applied when it was created, as initdb's would
      if (created) await db.query('UPDATE ward_migrations SET applied_at = now()');
    } catch (error) {
      if (!db.closed) await db.close().catch(() => undefined);
      // the data directory made above from the template holds nothing else: back to how this call found the store
      if (created) rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
    return wrap(db, storeDir, async () => {
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
