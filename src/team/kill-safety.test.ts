/**
 * Kill-safety: `ward worker` processes are SIGKILLed at random moments (one at a time, then all of them at once)
 * and replaced while a queued scan runs. The scan must complete with exactly the findings of an undisturbed scan:
 * every (control, check, subscription) judged once, none lost, none doubled, no staged rows left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../core/model.js';
import { startEmulator } from '../emulator/start-emulator.js';
import { getScan } from '../store/scan-repository.js';
import { findingsOfScan } from '../store/finding-state-repository.js';
import { createSeededRandom } from '../emulator/seeded-random.js';
import { enqueueScan, queuedScanProgress } from './queued-scan.js';
import { NOW, addConnectors, connectorEnv, emulatorConnector, startWorker, teamStore, waitForScan } from './test-support/team-fixture.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const RUN_CLI = join(REPO, 'src/cli/test-support/run-cli.ts');

const keyOf = (f: Finding): string => JSON.stringify([f.controlId, f.checkId, f.assetId, f.status, f.reason, f.connector]);

test('SIGKILLed workers, one by one and all at once: the scan completes with the undisturbed scan’s findings, each once', { timeout: 240_000 }, async (t) => {
  const team = await teamStore(t);
  if (!team) return;
  const emulator = await startEmulator({ synthetic: 120, seed: 11, latencyMs: 20 });
  t.after(() => emulator.close());
  const lab = emulatorConnector('lab', emulator, { maxConcurrency: 16 });
  await addConnectors(team.store, [lab]);
  const env = connectorEnv([[lab, emulator]]);

  // the reference: an undisturbed scan on an in-process worker
  const calm = startWorker(team, env, [emulator.caPem]);
  const reference = await enqueueScan(team.store, { batchSize: 4, now: NOW });
  await waitForScan(team.store, reference.scanId, 120_000);
  await calm.stop();
  const expected = (await findingsOfScan(team.store, reference.scanId)).map(keyOf).sort();
  assert.equal((await getScan(team.store, reference.scanId))?.status, 'complete');

  const workers = new Set<ChildProcess>();
  const spawnWorker = (): void => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--', RUN_CLI, 'worker', '--db', team.url, '--concurrency', '2'], {
      cwd: REPO,
      env: { ...process.env, ...env, NODE_EXTRA_CA_CERTS: emulator.caFile, WARD_DB: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.resume();
    workers.add(child);
    child.once('exit', () => workers.delete(child));
  };
  const kill = (child: ChildProcess): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  t.after(() => Promise.all([...workers].map(kill)));
  for (let i = 0; i < 3; i += 1) spawnWorker();

  const disturbed = await enqueueScan(team.store, { batchSize: 4, now: NOW });
  const random = createSeededRandom(7);
  let kills = 0;
  let allAtOnce = false;
  await until(async () => {
    const scan = await getScan(team.store, disturbed.scanId);
    if (scan?.status !== 'queued') return true;
    const progress = await queuedScanProgress(team.store, disturbed.scanId);
    const stored = progress?.batches.stored ?? 0;
    if (!allAtOnce && stored > 6) {
      // every worker at once, mid-scan, then a fresh set
      allAtOnce = true;
      await Promise.all([...workers].map(kill));
      kills += 3;
      for (let i = 0; i < 3; i += 1) spawnWorker();
    } else if (workers.size > 0 && random.next() < 0.5) {
      const victims = [...workers];
      await kill(victims[Math.floor(random.next() * victims.length)]!);
      kills += 1;
      spawnWorker();
    }
    await new Promise((resolve) => setTimeout(resolve, 400 + random.next() * 800));
    return false;
  }, 200_000);
  const scan = await getScan(team.store, disturbed.scanId);
  assert.equal(scan?.status, 'complete', scan?.error ?? '');
  t.diagnostic(`${kills} workers killed during the scan (one of the rounds killed all of them)`);
  assert.ok(kills >= 3, `the scan ran long enough to be disturbed (${kills} kills)`);
  const got = (await findingsOfScan(team.store, disturbed.scanId)).map(keyOf).sort();
  assert.deepEqual(got, expected, 'the same findings as the undisturbed scan');
  assert.equal(new Set(got).size, got.length, 'each finding once');
  const { rows } = await team.store.query<{ n: number }>('SELECT count(*)::integer AS n FROM staged_inventory');
  assert.equal(Number(rows[0]!.n), 0, 'nothing left staged');
  const { rows: inventory } = await team.store.query<{ n: number }>('SELECT count(*)::integer AS n FROM connectors');
  assert.equal(Number(inventory[0]!.n), 120);
});

async function until(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) assert.fail(`not done after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
