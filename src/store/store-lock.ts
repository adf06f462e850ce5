/**
 * PGlite has no lock between processes: two ward processes writing one data directory would corrupt it. The
 * store lock is a file, `ward.lock`, holding its owner's record (pid, host, boot id, pid namespace, start time,
 * a random token, and a socket the owner listens on while it lives).
 *
 * - Taking it is atomic: the record is written beside it and hard-linked into place, so the file never exists
 *   half-written and only one process can create it.
 * - A stale lock (its owner is gone) is recognised whatever the pid: by the owner's socket (nobody listening:
 *   gone, also from another container on the same kernel), by its start time (a reused pid, a container's pid 1
 *   of an earlier run), or by the boot it was written in. A lock from another machine cannot be checked and is
 *   left alone; the message names that host.
 * - Taking over a stale lock is atomic too: the remover must first create `ward.lock.takeover-<token>-<n>`
 *   exclusively, so one process removes the stale lock and then races, like everybody else, to create its own.
 *   A takeover whose process died midway is passed over at the next level (n + 1), never raced for.
 * - A busy lock is waited for up to a timeout, with one call of `onWait` saying who holds it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { uptime } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { WardError } from '../core/errors.js';
import { currentProcess, processIsAlive, processStartOf } from './process-identity.js';

/** The owner's record, as stored in the lock file (one JSON line). */
export interface StoreLockRecord {
  readonly ward: 'store-lock';
  readonly pid: number;
  readonly host: string;
  readonly bootId?: string;
  readonly pidNamespace?: string;
  readonly start?: string;
  readonly token: string;
  /** When the lock was taken (ISO 8601). */
  readonly since: string;
  /** A socket in the lock's directory the owner listens on while it lives (absent when it could not listen). */
  readonly socket?: string;
  /** The command holding the store for a long time (`ward serve`), so that others can say who to stop. */
  readonly command?: string;
}

/** Who holds a busy lock, for messages. */
export interface StoreLockHolder {
  readonly pid?: number;
  readonly host?: string;
  readonly since?: string;
  /** The holder's command, when it said (`ward serve`). */
  readonly command?: string;
  /** The owner is on another machine (or in a pid namespace ward cannot see into): its liveness cannot be checked. */
  readonly unverifiable: boolean;
  /** What holds it when it is not one owner: a lock being written, a takeover in progress. */
  readonly what?: string;
}

export interface StoreLock {
  release(): void;
}

export interface AcquireStoreLockOptions {
  /** How long to wait for a busy lock (default 0: fail at once). */
  readonly timeoutMs?: number;
  /** Written into the lock for others' messages: the command that holds the store for long (`ward serve`). */
  readonly command?: string;
  /** Called once, when the lock is found busy and ward starts to wait. */
  readonly onWait?: (holder: StoreLockHolder, timeoutMs: number) => void;
  /** Stops the wait (Ctrl-C): the acquire rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** A lock file nobody could have written completely is taken as stale once it is this old. */
const UNREADABLE_GRACE_MS = 10_000;
/** How long a socket probe may take before the owner is taken as alive (busy, not stale). */
const PROBE_TIMEOUT_MS = 1_000;
/** Linux and macOS cap a socket path near 104 bytes (Node would silently truncate a longer one). */
const MAX_SOCKET_PATH = 100;
const TAKEOVER_LEVELS = 8;

/** Lock paths held (or being acquired) by this process, and the tokens of the locks it holds. */
const heldHere = new Set<string>();
const heldTokens = new Set<string>();

type LockFile =
  | { readonly kind: 'record'; readonly record: StoreLockRecord; readonly identity: string }
  | { readonly kind: 'legacy'; readonly pid: number; readonly identity: string }
  | { readonly kind: 'unreadable'; readonly ageMs: number; readonly identity: string };

type Liveness = 'alive' | 'dead' | 'unknown';

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function parseRecord(text: string): StoreLockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<StoreLockRecord>;
    const valid =
      value.ward === 'store-lock' && Number.isInteger(value.pid) && typeof value.host === 'string' && typeof value.token === 'string' && /^[0-9a-f]{8,64}$/.test(value.token);
    return valid ? (value as StoreLockRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a lock (or takeover) file; undefined when there is none. Its identity names this very file, for takeover. */
function readLockFile(path: string): LockFile | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const text = readFileSync(fd, 'utf8');
    const stat = fstatSync(fd);
    const record = parseRecord(text);
    if (record) return { kind: 'record', record, identity: record.token };
    // a lock of ward before 0.2 holds only a pid; anything else is a lock that was never written completely
    const identity = createHash('sha256').update(`${stat.ino}:${stat.mtimeMs}:${text}`).digest('hex').slice(0, 32);
    if (/^\d+\n?$/.test(text)) return { kind: 'legacy', pid: Number.parseInt(text, 10), identity };
    return { kind: 'unreadable', ageMs: Date.now() - stat.mtimeMs, identity };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `text` to an open file and closes it. Not flushed to disk (no fsync): every reader of the lock reads it
 * through the operating system (a network file system's client writes it back at close), so it is whole before it is
 * linked into place; only a crash of the machine itself could leave it empty, and then its holder is gone with the
 * machine and an empty lock is taken over after UNREADABLE_GRACE_MS. An fsync made every command wait for the disk:
 * up to 0.23 s measured while other processes wrote, for a record that only matters while its process lives.
 */
function writeWhole(fd: number, text: string): void {
  try {
    for (let written = 0, bytes = Buffer.from(text); written < bytes.length; ) written += writeSync(fd, bytes, written);
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` holding `text` if it does not exist: written beside it, then hard-linked into place (atomic). */
function createExclusively(path: string, text: string, token: string): boolean {
  const staging = `${path}.${token}.new`;
  writeWhole(openSync(staging, 'w'), text);
  try {
    linkSync(staging, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(errorCode(error) ?? '')) throw error;
    // a file system without hard links: an exclusive create, which readers may briefly see empty (UNREADABLE_GRACE_MS)
    return createWithExclusiveOpen(path, text);
  } finally {
    unlinkQuietly(staging);
  }
}

function createWithExclusiveOpen(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  writeWhole(fd, text);
  return true;
}

/**
 * A socket path short enough to bind: the path itself, or on Linux the same file reached through an open
 * descriptor of its directory (`/proc/self/fd/N/name`). Undefined when neither fits.
 */
function socketAddress(directory: string, name: string): { path: string; done(): void } | undefined {
  if (process.platform === 'win32') return undefined;
  const full = join(directory, name);
  if (Buffer.byteLength(full) <= MAX_SOCKET_PATH) return { path: full, done: () => undefined };
  if (process.platform !== 'linux') return undefined;
  const fd = openSync(directory, 'r');
  return { path: `/proc/self/fd/${fd}/${name}`, done: () => closeSync(fd) };
}

async function listenForProbes(directory: string, name: string): Promise<Server | undefined> {
  let address: ReturnType<typeof socketAddress>;
  try {
    address = socketAddress(directory, name);
  } catch {
    return undefined; // no socket: liveness falls back to the pid and its start time
  }
  if (!address) return undefined;
  const server = createServer((connection) => connection.destroy());
  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(address.path, () => resolveListen());
    });
    server.unref();
    return server;
  } catch {
    server.close();
    return undefined;
  } finally {
    address.done();
  }
}

/** Whether someone listens on a lock record's socket: 'listening', 'absent' (nobody), or 'unsure'. */
async function probeSocket(directory: string, name: string): Promise<'listening' | 'absent' | 'unsure'> {
  if (!/^ward\.lock\.[0-9a-f]{8,64}\.sock$/.test(name)) return 'unsure';
  let address: ReturnType<typeof socketAddress>;
  try {
    address = socketAddress(directory, name);
  } catch {
    return 'unsure';
  }
  if (!address) return 'unsure';
  const target = address;
  return new Promise((resolveProbe) => {
    const connection = createConnection(target.path);
    const finish = (outcome: 'listening' | 'absent' | 'unsure'): void => {
      clearTimeout(timer);
      connection.destroy();
      target.done();
      resolveProbe(outcome);
    };
    // an owner whose event loop is busy still accepts connections in the kernel; a timeout is taken as alive
    const timer = setTimeout(() => finish('listening'), PROBE_TIMEOUT_MS);
    connection.once('connect', () => finish('listening'));
    connection.once('error', (error) => finish(['ECONNREFUSED', 'ENOENT', 'ENOTSOCK'].includes(errorCode(error) ?? '') ? 'absent' : 'unsure'));
  });
}

/** Whether the process that wrote a record still lives: 'unknown' when it cannot be checked from here. */
async function recordLiveness(record: StoreLockRecord, directory: string): Promise<Liveness> {
  const me = currentProcess();
  const sameKernel = record.bootId !== undefined && me.bootId !== undefined ? record.bootId === me.bootId : record.host === me.host;
  if (!sameKernel) {
    // this host's name with another boot id, written before this boot: the machine restarted since
    const bootedAt = Date.now() - uptime() * 1000;
    const writtenBeforeBoot = Date.parse(record.since) < bootedAt - 60_000;
    return record.host === me.host && writtenBeforeBoot ? 'dead' : 'unknown';
  }
  const samePidSpace = record.pidNamespace === undefined || me.pidNamespace === undefined || record.pidNamespace === me.pidNamespace;
  if (samePidSpace) {
    if (record.pid === me.pid && record.start !== undefined && record.start === me.start) return 'dead'; // this process, not holding it
    if (!processIsAlive(record.pid)) return 'dead';
    const start = record.start === undefined ? undefined : processStartOf(record.pid);
    if (start !== undefined) return start === record.start ? 'alive' : 'dead'; // another start: the pid was reused
  }
  // another pid namespace (another container on this kernel), or no start time to compare: the socket tells
  if (record.socket !== undefined) {
    const probe = await probeSocket(directory, record.socket);
    if (probe === 'listening') return 'alive';
    if (probe === 'absent') return 'dead';
  }
  return samePidSpace ? 'alive' : 'unknown';
}

async function liveness(file: LockFile, directory: string): Promise<Liveness> {
  switch (file.kind) {
    case 'record':
      return recordLiveness(file.record, directory);
    case 'legacy':
      // an older ward's lock: only the pid to go by; our own pid means that process is gone
      return file.pid !== process.pid && processIsAlive(file.pid) ? 'alive' : 'dead';
    case 'unreadable':
      return file.ageMs < UNREADABLE_GRACE_MS ? 'alive' : 'dead';
  }
}

function holderOf(file: LockFile, state: Liveness): StoreLockHolder {
  switch (file.kind) {
    case 'record':
      return {
        pid: file.record.pid,
        host: file.record.host,
        since: file.record.since,
        ...(typeof file.record.command === 'string' ? { command: file.record.command.slice(0, 64) } : {}),
        unverifiable: state === 'unknown',
      };
    case 'legacy':
      return { pid: file.pid, unverifiable: false };
    case 'unreadable':
      return { unverifiable: false, what: 'a ward process that is writing the lock' };
  }
}

/** `ward process 4242 on build-7 (since 2026-11-24T12:00:00.000Z)`, or `ward serve (pid 4242) on …` for a named holder. */
export function describeStoreLockHolder(holder: StoreLockHolder): string {
  if (holder.what !== undefined) return holder.what;
  const on = holder.host === undefined ? '' : ` on ${holder.host}`;
  const since = holder.since === undefined ? '' : ` (since ${holder.since})`;
  const who = holder.command === undefined ? `ward process ${holder.pid ?? '?'}` : `${holder.command} (pid ${holder.pid ?? '?'})`;
  return `${who}${on}${since}`;
}

interface Contender {
  readonly record: StoreLockRecord;
  readonly text: string;
  close(): void;
}

/** The record this process writes into a lock it takes, with a new token (and no socket yet). */
export function newLockRecord(command?: string): StoreLockRecord {
  const me = currentProcess();
  const token = randomBytes(8).toString('hex');
  return {
    ward: 'store-lock',
    pid: me.pid,
    host: me.host,
    ...(me.bootId === undefined ? {} : { bootId: me.bootId }),
    ...(me.pidNamespace === undefined ? {} : { pidNamespace: me.pidNamespace }),
    ...(me.start === undefined ? {} : { start: me.start }),
    token,
    since: new Date().toISOString(),
    ...(command === undefined ? {} : { command }),
  };
}

async function newContender(directory: string, command?: string): Promise<Contender> {
  const draft = newLockRecord(command);
  const socket = `ward.lock.${draft.token}.sock`;
  const server = await listenForProbes(directory, socket);
  const record: StoreLockRecord = server === undefined ? draft : { ...draft, socket };
  return {
    record,
    text: `${JSON.stringify(record)}\n`,
    close() {
      if (!server) return;
      server.close();
      unlinkQuietly(join(directory, socket));
    },
  };
}

/**
 * Removes a stale lock, if this process wins the right to: only the creator of the takeover file may. Returns the
 * holder to report when another live process is taking it over, else undefined (try to create the lock again).
 */
async function removeStale(lockPath: string, stale: LockFile, contender: Contender): Promise<StoreLockHolder | undefined> {
  const directory = dirname(lockPath);
  const claimPath = (level: number): string => `${lockPath}.takeover-${stale.identity}-${level}`;
  for (let level = 0; level < TAKEOVER_LEVELS; level += 1) {
    if (!createExclusively(claimPath(level), contender.text, contender.record.token)) {
      const claim = readLockFile(claimPath(level));
      if (claim === undefined) return undefined; // that takeover just finished
      const state = await liveness(claim, directory);
      if (state === 'dead') continue; // its process died during the takeover: the next level passes it over
      return { unverifiable: false, what: 'a ward process that is taking over a stale lock' };
    }
    try {
      const current = readLockFile(lockPath);
      if (current !== undefined && current.identity === stale.identity) {
        unlinkQuietly(lockPath);
        if (stale.kind === 'record' && stale.record.socket !== undefined && /^ward\.lock\.[0-9a-f]+\.sock$/.test(stale.record.socket)) {
          unlinkQuietly(join(directory, stale.record.socket));
        }
        for (let lower = 0; lower < level; lower += 1) unlinkQuietly(claimPath(lower));
      }
    } finally {
      unlinkQuietly(claimPath(level));
    }
    return undefined;
  }
  return { unverifiable: false, what: `ward processes that died while taking over the lock (remove ${lockPath}.takeover-*)` };
}

/** One attempt: the lock, or who holds it. Takes over a stale lock on the way. */
async function tryAcquire(lockPath: string, contender: Contender): Promise<{ acquired: true } | { acquired: false; holder: StoreLockHolder }> {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    if (createExclusively(lockPath, contender.text, contender.record.token)) return { acquired: true };
    const file = readLockFile(lockPath);
    if (file === undefined) continue; // released in the meantime
    if (file.kind === 'record' && heldTokens.has(file.record.token)) throw alreadyOpen(dirname(lockPath));
    const state = await liveness(file, dirname(lockPath));
    if (state !== 'dead') return { acquired: false, holder: holderOf(file, state) };
    const takingOver = await removeStale(lockPath, file, contender);
    if (takingOver !== undefined) return { acquired: false, holder: takingOver };
  }
  return { acquired: false, holder: { unverifiable: false, what: 'other ward processes that are taking it at the same moment' } };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolveSleep, rejectSleep) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      rejectSleep(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolveSleep();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function busyError(storeDir: string, lockPath: string, holder: StoreLockHolder, timeoutMs: number): WardError {
  const waited = timeoutMs > 0 ? ` (waited ${timeoutMs / 1000} s)` : '';
  const hint = holder.unverifiable
    ? `ward cannot check a process on another machine (or in another container): if no ward process runs on ${holder.host ?? 'that host'}, remove ${lockPath}`
    : holder.command === 'ward serve'
      ? 'ward serve keeps the embedded store open while it runs: use its API or pages, stop it first, or serve a PostgreSQL store (--db postgres://…), which both can use at once'
      : 'wait for it to finish and run again, give it longer with --lock-timeout SECONDS, or use another store with --db or WARD_DB';
  return new WardError('STORE_BUSY', `the store ${storeDir} is busy: ${describeStoreLockHolder(holder)} is using it${waited}`, { hint });
}

function alreadyOpen(storeDir: string): WardError {
  return new WardError('STORE_BUSY', `the store ${storeDir} is already open in this process`, { hint: 'close the other handle first' });
}

/** The lock's path with its directory's symbolic links resolved: one key per lock, however it is spelled. */
function lockKey(lockPath: string): string {
  try {
    return join(realpathSync(dirname(lockPath)), basename(lockPath));
  } catch {
    return resolve(lockPath);
  }
}

/** Takes the store's lock, waiting up to `timeoutMs` for a busy one; a stale lock is taken over. */
export async function acquireStoreLock(lockPath: string, storeDir: string, options: AcquireStoreLockOptions = {}): Promise<StoreLock> {
  const key = lockKey(lockPath);
  if (heldHere.has(key)) throw alreadyOpen(storeDir);
  heldHere.add(key);
  const timeoutMs = Math.max(0, options.timeoutMs ?? 0);
  let contender: Contender | undefined;
  try {
    contender = await newContender(dirname(lockPath), options.command);
    const deadline = Date.now() + timeoutMs;
    let pause = 25;
    let announced = false;
    for (;;) {
      options.signal?.throwIfAborted();
      const outcome = await tryAcquire(lockPath, contender);
      if (outcome.acquired) return heldLock(key, lockPath, contender);
      const left = deadline - Date.now();
      if (left <= 0) throw busyError(storeDir, lockPath, outcome.holder, timeoutMs);
      if (!announced) options.onWait?.(outcome.holder, timeoutMs);
      announced = true;
      await sleep(Math.min(pause, left), options.signal);
      pause = Math.min(pause * 2, 250);
    }
  } catch (error) {
    contender?.close();
    heldHere.delete(key);
    if (error instanceof WardError || options.signal?.aborted) throw error;
    throw new WardError('STORE_ERROR', `cannot lock the store ${storeDir}: ${(error as Error).message}`, {
      hint: 'ward writes ward.lock in the store directory: check that it is writable, or choose another with --db or WARD_DB',
      cause: error,
    });
  }
}

function heldLock(key: string, lockPath: string, contender: Contender): StoreLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    heldTokens.delete(contender.record.token);
    // only our own lock: never a lock someone else holds now
    const current = readLockFile(lockPath);
    if (current?.kind === 'record' && current.record.token === contender.record.token) unlinkQuietly(lockPath);
    contender.close();
    heldHere.delete(key);
  };
  heldTokens.add(contender.record.token);
  process.on('exit', release);
  return { release };
}
