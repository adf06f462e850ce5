import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../emulator/start-emulator.js';
import { openStore } from '../store/open-store.js';
import { currentProcess } from '../store/process-identity.js';
import { listScans } from '../store/scan-repository.js';
import { acquireStoreLock } from '../store/store-lock.js';
import { spawnLockHolder } from '../store/test-support/spawn-lock-holder.js';
import { freshStoreDir, runWard } from './commands/test-support/fake-cli-io.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = join(REPO, 'samples/contoso-tenant');
const RUN_CLI = join(REPO, 'src/cli/test-support/run-cli.ts');
const now = (): Date => new Date('2026-11-24T12:00:00Z');
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function scratch(): Promise<{ db: string; cwd: string; done(): void }> {
  const db = await freshStoreDir();
  const cwd = mkdtempSync(join(tmpdir(), 'ward-lock-cli-'));
  return { db, cwd, done: () => [db, cwd].forEach((dir) => rmSync(dir, { recursive: true, force: true })) };
}

test('a command waits for a store another ward process uses, and says on stderr who holds it', { timeout: 60_000 }, async () => {
  const { db, cwd, done } = await scratch();
  try {
    const holder = await spawnLockHolder(db, 1500);
    const run = await runWard(['scans', '--db', db], { cwd, now });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '[]\n');
    const who = `ward process ${holder.child.pid} on ${escape(currentProcess().host)} \\(since [^)]+\\)`;
    assert.match(run.stderr, new RegExp(`^ward: the store ${escape(db)} is in use by ${who}; waiting up to 10 s \\(--lock-timeout\\)\\n$`));
    await holder.released;
  } finally {
    done();
  }
});

test('--lock-timeout and WARD_LOCK_TIMEOUT bound the wait; a bad value is a usage error', { timeout: 60_000 }, async () => {
  const { db, cwd, done } = await scratch();
  const holder = await spawnLockHolder(db);
  try {
    const timedOut = await runWard(['findings', '--db', db, '--lock-timeout', '0.3'], { cwd, now });
    assert.equal(timedOut.code, 2);
    assert.match(timedOut.stderr, /waiting up to 0\.3 s \(--lock-timeout\)\nward: the store .* is busy: ward process \d+ on .* is using it \(waited 0\.3 s\)\n {2}hint: wait for it to finish/);
    const atOnce = await runWard(['exceptions', 'list', '--db', db], { cwd, now, env: { WARD_LOCK_TIMEOUT: '0' } });
    assert.equal(atOnce.code, 2);
    assert.match(atOnce.stderr, /^ward: the store .* is busy: ward process \d+ on .* is using it\n/);
    const bad = await runWard(['scans', '--db', db, '--lock-timeout', 'soon'], { cwd, now });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ward: --lock-timeout must be a number of seconds \(0 or more\), got "soon"\n/);
    const badEnv = await runWard(['scans', '--db', db], { cwd, now, env: { WARD_LOCK_TIMEOUT: '-1' } });
    assert.match(badEnv.stderr, /^ward: WARD_LOCK_TIMEOUT must be a number of seconds/);
  } finally {
    await holder.release();
    done();
  }
  for (const command of [['scan'], ['findings'], ['diff'], ['exceptions', 'add'], ['remediate', 'rollback']]) {
    assert.match((await runWard([...command, '--help'], { cwd: tmpdir(), now })).stdout, /--lock-timeout <seconds>/, command.join(' '));
  }
  assert.doesNotMatch((await runWard(['demo', '--help'], { cwd: tmpdir(), now })).stdout, /--lock-timeout/);
});

test('a live scan that cannot store keeps its collection, and `ward scan --offline` of it stores the same findings', { timeout: 120_000 }, async () => {
  const { db, cwd, done } = await scratch();
  const emulator = await startEmulator({ captureDir: SAMPLE });
  const holder = await spawnLockHolder(db);
  try {
    const live = await runWard(['scan', '--format', 'json', '--db', db, '--lock-timeout', '0.5'], { cwd, now, env: { ...emulator.environment } });
    assert.equal(live.code, 2);
    const kept = '.ward/unsaved-capture-20261124T120000Z';
    assert.match(
      live.stderr,
      new RegExp(`\\nward: the store .* is busy: ward process ${holder.child.pid} .* \\(waited 0\\.5 s\\); the collection is kept in ${escape(kept)}\\n  hint: store it with \`ward scan --offline ${escape(kept)}\` once the store is free \\(--lock-timeout SECONDS waits longer\\)\n$`),
    );
    assert.ok(existsSync(join(cwd, kept, 'subscriptions.json')));
    await holder.release();

    const stored = await runWard(['scan', '--offline', kept, '--format', 'json', '--db', db], { cwd, now });
    const direct = await runWard(['scan', '--offline', SAMPLE, '--format', 'json', '--db', db], { cwd, now });
    assert.equal(stored.code, 1, stored.stderr);
    type Report = { findings: { controlId: string; checkId: string; assetId: string; status: string }[] };
    const keys = (stdout: string): string[] => (JSON.parse(stdout) as Report).findings.map((f) => `${f.controlId} ${f.checkId} ${f.assetId} ${f.status}`).sort();
    assert.deepEqual(keys(stored.stdout), keys(direct.stdout));
    assert.ok(keys(stored.stdout).length > 40);
  } finally {
    await holder.release();
    await emulator.close();
    done();
  }
});

test('Ctrl-C while a scan waits for the store stops the wait at once: exit 130, nothing stored', { timeout: 120_000 }, async () => {
  const { db, done } = await scratch();
  const lock = await acquireStoreLock(join(db, 'ward.lock'), db);
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', '--', RUN_CLI, 'scan', '--offline', SAMPLE, '--db', db, '--lock-timeout', '60'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('waiting up to 60 s')) resolve();
      });
      void exited.then((code) => reject(new Error(`the scan ended (${code}) without waiting: ${stderr}`)));
    });
    const signalled = Date.now();
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.ok(Date.now() - signalled < 5_000);
    assert.match(stderr, /\nward: interrupted by SIGINT\n$/);
  } finally {
    lock.release();
  }
  try {
    const store = await openStore({ location: db });
    assert.deepEqual(await listScans(store), []);
    await store.close();
  } finally {
    done();
  }
});
