import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WardError } from '../core/errors.js';
import { currentProcess, processStartOf } from './process-identity.js';
import { acquireStoreLock, describeStoreLockHolder, newLockRecord, type StoreLockHolder, type StoreLockRecord } from './store-lock.js';
import { spawnLockHolder } from './test-support/spawn-lock-holder.js';

const RACE = fileURLToPath(new URL('./test-support/race-for-store-lock.ts', import.meta.url));

function scratch(): { dir: string; lockPath: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ward-lock-'));
  return { dir, lockPath: join(dir, 'ward.lock'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A lock record as this process would write it, with `changes` applied. */
const record = (changes: Partial<StoreLockRecord> = {}): StoreLockRecord => ({ ...newLockRecord(), ...changes });

const writeRecord = (path: string, value: StoreLockRecord): void => writeFileSync(path, `${JSON.stringify(value)}\n`);

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

const busy = (pattern: RegExp) => (error: unknown) => error instanceof WardError && error.code === 'STORE_BUSY' && pattern.test(error.message);

test('the lock is exclusive within a process and free again after release', async () => {
  const { dir, lockPath, done } = scratch();
  try {
    const lock = await acquireStoreLock(lockPath, dir);
    await assert.rejects(acquireStoreLock(lockPath, dir, { timeoutMs: 1000 }), busy(/already open in this process/));
    // the same store through a symbolic link is the same lock
    const link = `${dir}-link`;
    symlinkSync(dir, link);
    try {
      await assert.rejects(acquireStoreLock(join(link, 'ward.lock'), link), busy(/already open in this process/));
    } finally {
      rmSync(link);
    }
    lock.release();
    assert.equal(existsSync(lockPath), false);
    (await acquireStoreLock(lockPath, dir)).release();
    assert.deepEqual(readdirSync(dir), [], 'no lock, socket or staging file is left behind');
    await assert.rejects(acquireStoreLock(join(dir, 'missing', 'ward.lock'), dir), (error: unknown) => error instanceof WardError && error.code === 'STORE_ERROR' && /^cannot lock the store/.test(error.message));
  } finally {
    done();
  }
});

test('a lock left with this very pid by an earlier process (a container entrypoint is pid 1 every run) is stale', async () => {
  const { dir, lockPath, done } = scratch();
  try {
    // a lock of an older ward: only a pid, and it is ours
    writeFileSync(lockPath, `${process.pid}\n`);
    (await acquireStoreLock(lockPath, dir)).release();
    // a record with our pid but another start time and no socket: another process that had our pid
    writeRecord(lockPath, record({ start: 'ticks:1' }));
    (await acquireStoreLock(lockPath, dir)).release();
  } finally {
    done();
  }
});

test('a lock whose pid now names another process (pid 1, a reused pid) is stale: the start time tells', async (t) => {
  if (processStartOf(1) === undefined) return t.skip('no /proc: process start times are not readable here');
  const { dir, lockPath, done } = scratch();
  try {
    writeRecord(lockPath, record({ pid: 1, start: 'ticks:0' }));
    (await acquireStoreLock(lockPath, dir)).release();
    writeRecord(lockPath, record({ pid: await deadPid() }));
    (await acquireStoreLock(lockPath, dir)).release();
  } finally {
    done();
  }
});

test('a live owner keeps its lock; the message names its pid and host, and a killed owner leaves a lock taken at once', { timeout: 60_000 }, async () => {
  const { dir, lockPath, done } = scratch();
  try {
    const { child } = await spawnLockHolder(dir);
    await assert.rejects(acquireStoreLock(lockPath, dir), busy(new RegExp(`busy: ward process ${child.pid} on ${currentProcess().host} \\(since `)));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    assert.equal(existsSync(lockPath), true, 'SIGKILL leaves the lock file');
    (await acquireStoreLock(lockPath, dir)).release();
  } finally {
    done();
  }
});

test('a lock from another pid namespace (another container on this kernel) is judged by its socket', async (t) => {
  if (process.platform === 'win32') return t.skip('no unix sockets');
  const { dir, lockPath, done } = scratch();
  try {
    const owner = record({ pid: 1, pidNamespace: 'pid:[1]', start: 'ticks:5' });
    const socket = `ward.lock.${owner.token}.sock`;
    const server = createServer((connection) => connection.destroy());
    await new Promise<void>((resolve) => server.listen(join(dir, socket), resolve));
    writeRecord(lockPath, { ...owner, socket });
    await assert.rejects(acquireStoreLock(lockPath, dir), busy(/busy: ward process 1 on /));
    await new Promise((resolve) => server.close(resolve));
    writeFileSync(join(dir, socket), ''); // the dead owner's socket file stays on the volume: nobody listens
    (await acquireStoreLock(lockPath, dir)).release();
    assert.equal(existsSync(join(dir, socket)), false, 'the stale socket file is removed with the stale lock');

    // no socket to ask: ward cannot see into that namespace and leaves the lock alone
    writeRecord(lockPath, record({ pid: 1, pidNamespace: 'pid:[1]' }));
    await assert.rejects(acquireStoreLock(lockPath, dir), (error: unknown) => error instanceof WardError && /remove .*ward\.lock/.test(error.hint ?? ''));
  } finally {
    done();
  }
});

test('a lock from another machine is never taken over; one from an earlier boot of this machine is', async () => {
  const { dir, lockPath, done } = scratch();
  try {
    writeRecord(lockPath, record({ host: 'build-agent-7', bootId: 'another-kernel', pid: 4242 }));
    await assert.rejects(acquireStoreLock(lockPath, dir), (error: unknown) => {
      assert.ok(error instanceof WardError);
      assert.match(error.message, /busy: ward process 4242 on build-agent-7/);
      assert.match(error.hint ?? '', /if no ward process runs on build-agent-7, remove .*ward\.lock/);
      return true;
    });
    writeRecord(lockPath, record({ bootId: 'an-earlier-boot', since: '2001-01-01T00:00:00.000Z', pid: 4242 }));
    (await acquireStoreLock(lockPath, dir)).release();
  } finally {
    done();
  }
});

test('a busy lock is waited for up to the timeout, saying once who holds it; the wait can be stopped', { timeout: 60_000 }, async () => {
  const { dir, lockPath, done } = scratch();
  try {
    const brief = await spawnLockHolder(dir, 700);
    const waits: StoreLockHolder[] = [];
    const lock = await acquireStoreLock(lockPath, dir, { timeoutMs: 15_000, onWait: (who) => waits.push(who) });
    await brief.released;
    lock.release();
    assert.equal(waits.length, 1);
    assert.equal(waits[0]!.pid, brief.child.pid);
    assert.match(describeStoreLockHolder(waits[0]!), new RegExp(`^ward process ${brief.child.pid} on .+ \\(since \\d{4}-`));

    const long = await spawnLockHolder(dir);
    try {
      const started = Date.now();
      await assert.rejects(acquireStoreLock(lockPath, dir, { timeoutMs: 600 }), busy(/is using it \(waited 0\.6 s\)$/));
      assert.ok(Date.now() - started >= 600);
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('stopped by the user')), 100);
      await assert.rejects(acquireStoreLock(lockPath, dir, { timeoutMs: 30_000, signal: controller.signal }), /stopped by the user/);
    } finally {
      await long.release();
    }
  } finally {
    done();
  }
});

test('a takeover whose process died midway is passed over, not waited for', async () => {
  const { dir, lockPath, done } = scratch();
  try {
    const stale = record({ pid: await deadPid() });
    writeRecord(lockPath, stale);
    writeRecord(`${lockPath}.takeover-${stale.token}-0`, record({ pid: await deadPid() }));
    (await acquireStoreLock(lockPath, dir)).release();
    assert.deepEqual(readdirSync(dir), [], 'the stale lock and the dead takeover are both gone');
  } finally {
    done();
  }
});

test('race harness: 6 processes race for a stale lock 20 times, exactly one wins each round', { timeout: 120_000 }, async () => {
  const { dir, lockPath, done } = scratch();
  const contenders = Array.from({ length: 6 }, () => fork(RACE, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const next = (child: ChildProcess, type: string): Promise<{ type: string; won?: boolean; code?: string }> =>
    new Promise((resolve) => {
      const listener = (message: { type: string }): void => {
        if (message.type !== type) return;
        child.off('message', listener);
        resolve(message);
      };
      child.on('message', listener);
    });
  try {
    await Promise.all(contenders.map((child) => next(child, 'ready')));
    const dead = await deadPid();
    for (let round = 1; round <= 20; round += 1) {
      writeRecord(lockPath, record({ pid: dead }));
      const results = contenders.map((child) => next(child, 'result'));
      const at = Date.now() + 40;
      for (const child of contenders) child.send({ type: 'race', lockPath, storeDir: dir, at });
      const outcomes = await Promise.all(results);
      const winners = contenders.filter((_, index) => outcomes[index]!.won);
      assert.equal(winners.length, 1, `round ${round}: ${winners.length} processes hold the lock`);
      assert.deepEqual(outcomes.filter((o) => !o.won).map((o) => o.code), Array(5).fill('STORE_BUSY'), `round ${round}: the others are told it is busy`);
      const released = next(winners[0]!, 'released');
      winners[0]!.send({ type: 'release' });
      await released;
      assert.deepEqual(readdirSync(dir), [], `round ${round}: nothing is left behind`);
    }
  } finally {
    for (const child of contenders) child.kill();
    done();
  }
});
