/**
 * `ward scan --timings`: the phases a scan records about itself, and the overlap they show (the store opens and the
 * controls load while the collection's requests are in flight); a scan whose controls cannot load stops its
 * collection at once and stores nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCAN_PHASES, type ScanTimings } from '../core/scan-phases.js';
import { startEmulator } from '../emulator/start-emulator.js';
import { openStore } from '../store/open-store.js';
import { listScans } from '../store/scan-repository.js';
import { freshStoreDir, runWard } from './commands/test-support/fake-cli-io.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = join(REPO, 'samples/contoso-tenant');
const now = (): Date => new Date('2026-11-24T12:00:00Z');

async function scratch(): Promise<{ db: string; cwd: string; done(): void }> {
  const db = await freshStoreDir();
  const cwd = mkdtempSync(join(tmpdir(), 'ward-timings-'));
  return { db, cwd, done: () => [db, cwd].forEach((dir) => rmSync(dir, { recursive: true, force: true })) };
}

function readTimings(file: string): ScanTimings {
  const timings = JSON.parse(readFileSync(file, 'utf8')) as ScanTimings;
  assert.equal(timings.version, 1);
  assert.ok(timings.maxRssMb > 10, `peak RSS ${timings.maxRssMb} MB`);
  for (const phase of Object.keys(timings.phasesMs)) assert.ok((SCAN_PHASES as readonly string[]).includes(phase), phase);
  return timings;
}

/** Asserts each phase in `order` was reached, no earlier than the one before it. */
function assertInOrder(timings: ScanTimings, order: readonly (typeof SCAN_PHASES)[number][]): void {
  let previous = 0;
  for (const phase of order) {
    const at = timings.phasesMs[phase];
    assert.ok(at !== undefined, `${phase} was reached: ${JSON.stringify(timings.phasesMs)}`);
    assert.ok(at >= previous, `${phase} (${at} ms) comes after the phase before it (${previous} ms)`);
    previous = at;
  }
}

test('--timings FILE writes each phase of an offline scan, the counts and the peak RSS; --timings alone prints a table', { timeout: 120_000 }, async () => {
  const { db, cwd, done } = await scratch();
  try {
    const run = await runWard(['scan', '--offline', SAMPLE, '--format', 'json', '--db', db, '--timings', 'timings.json'], { cwd, now });
    assert.equal(run.code, 1, run.stderr);
    const timings = readTimings(join(cwd, 'timings.json'));
    assertInOrder(timings, ['cli-ready', 'collected', 'controls-loaded', 'inventory-written', 'evaluated', 'stored', 'reported', 'exit']);
    assertInOrder(timings, ['cli-ready', 'store-open', 'inventory-written']);
    assert.equal(timings.phasesMs['first-request'], undefined, 'an offline scan makes no request');
    const report = JSON.parse(run.stdout) as { findings: unknown[] };
    assert.deepEqual([timings.subscriptions, timings.findings], [12, report.findings.length]);

    const table = await runWard(['scan', '--offline', SAMPLE, '--format', 'json', '--db', db, '--timings'], { cwd, now });
    assert.equal(table.code, 1, table.stderr);
    assert.match(table.stderr, /^ward: timings since the process started \(12 subscriptions, \d+ findings, peak RSS [\d.]+ MB\):\n(  [a-z-]+ +\d+\.\d{3} s\n)+$/);
    assert.match(table.stderr, /\n {2}stored +\d/);

    const unwritable = await runWard(['scan', '--offline', SAMPLE, '--format', 'json', '--db', db, '--timings', join(cwd, 'no-such-dir', 't.json')], { cwd, now });
    assert.equal(unwritable.code, 1, 'the scan is stored and reported: a timings file that cannot be written is only said');
    assert.match(unwritable.stderr, /^ward: cannot write the timings to .*t\.json: ENOENT/m);
  } finally {
    done();
  }
});

test('a live scan opens the store and loads the controls while its requests are in flight', { timeout: 120_000 }, async () => {
  const { db, cwd, done } = await scratch();
  // 12 subscriptions one at a time, 400 ms per answer: the collection takes over 5 s, the store opens in far less
  const emulator = await startEmulator({ captureDir: SAMPLE, latencyMs: 400 });
  try {
    const run = await runWard(['scan', '--format', 'json', '--db', db, '--concurrency', '1', '--timings', 'timings.json'], { cwd, now, env: { ...emulator.environment } });
    assert.equal(run.code, 1, run.stderr);
    const timings = readTimings(join(cwd, 'timings.json'));
    assertInOrder(timings, ['cli-ready', 'first-request', 'listed', 'collected', 'inventory-written', 'evaluated', 'stored', 'reported', 'exit']);
    assertInOrder(timings, ['first-request', 'controls-loaded', 'collected']);
    assertInOrder(timings, ['cli-ready', 'store-open', 'collected']);
    assert.equal(timings.subscriptions, 12);
  } finally {
    await emulator.close();
    done();
  }
});

test('a live scan whose controls cannot load stops its collection at once: exit 2, nothing stored, no capture kept', { timeout: 120_000 }, async () => {
  const { db, cwd, done } = await scratch();
  const emulator = await startEmulator({ captureDir: SAMPLE, latencyMs: 400 });
  try {
    const started = Date.now();
    const run = await runWard(['scan', '--format', 'json', '--db', db, '--concurrency', '1', '--control', 'no-such-control'], { cwd, now, env: { ...emulator.environment } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^ward: no control no-such-control\n {2}hint: known controls: /m);
    assert.ok(Date.now() - started < 4_000, 'the 5 s collection was stopped');
    assert.equal(existsSync(join(cwd, '.ward')), false, 'no unsaved capture: nothing was collected to keep');
    const store = await openStore({ location: db });
    try {
      assert.deepEqual(await listScans(store), []);
    } finally {
      await store.close();
    }
  } finally {
    await emulator.close();
    done();
  }
});
