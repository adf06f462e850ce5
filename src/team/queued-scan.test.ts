/**
 * Queued scans on workers (PostgreSQL): the same findings as a local scan, batches judged once whatever the
 * retries, connectors that fail alone, and a repeated enqueue that does not double the work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCaptureDir } from '../connectors/azure/read-capture-dir.js';
import { normaliseCapture } from '../core/inventory/normalise-capture.js';
import type { Finding } from '../core/model.js';
import { startEmulator } from '../emulator/start-emulator.js';
import { runScan } from '../scan/run-scan.js';
import { readInventory } from '../store/inventory-repository.js';
import { getScan, listScans } from '../store/scan-repository.js';
import { findingsOfScan } from '../store/finding-state-repository.js';
import { openMemoryStore } from '../store/test-support/test-store.js';
import { enqueueScan, queuedScanProgress } from './queued-scan.js';
import { NOW, SHIPPED_CONTROLS, addConnectors, connectorEnv, emulatorConnector, startWorker, teamStore, waitForScan } from './test-support/team-fixture.js';

const SAMPLE = fileURLToPath(new URL('../../samples/contoso-tenant', import.meta.url));

type Key = Pick<Finding, 'controlId' | 'checkId' | 'assetId' | 'status' | 'reason'>;
const keyOf = ({ controlId, checkId, assetId, status, reason }: Finding): Key => ({ controlId, checkId, assetId, status, reason });
const sorted = (findings: readonly Finding[]): Key[] =>
  findings.map(keyOf).sort((a, b) => `${a.controlId} ${a.checkId} ${a.assetId}`.localeCompare(`${b.controlId} ${b.checkId} ${b.assetId}`));

async function localFindings(): Promise<Finding[]> {
  const store = await openMemoryStore();
  try {
    const inventory = normaliseCapture(readCaptureDir(SAMPLE, join(SAMPLE, '..')));
    return [...(await runScan({ store, controls: SHIPPED_CONTROLS, inventory, source: 'offline', now: NOW })).findings];
  } finally {
    await store.close();
  }
}

test('a queued scan of the sample tenant in batches of 2, on two workers, stores exactly the local scan’s findings', async (t) => {
  const team = await teamStore(t);
  if (!team) return;
  const emulator = await startEmulator({ captureDir: SAMPLE });
  t.after(() => emulator.close());
  const contoso = emulatorConnector('contoso', emulator);
  await addConnectors(team.store, [contoso]);
  const env = connectorEnv([[contoso, emulator]]);
  const workers = [startWorker(team, env, [emulator.caPem]), startWorker(team, env, [emulator.caPem])];
  try {
    const queued = await enqueueScan(team.store, { batchSize: 2, now: NOW });
    const again = await enqueueScan(team.store, { batchSize: 2, now: NOW });
    assert.deepEqual([again.scanId, again.reused], [queued.scanId, true], 'a repeated enqueue follows the queued scan');
    await waitForScan(team.store, queued.scanId);
    const scan = await getScan(team.store, queued.scanId);
    assert.equal(scan?.status, 'complete', scan?.error ?? '');
    const stored = await findingsOfScan(team.store, queued.scanId);
    assert.deepEqual(sorted(stored), sorted(await localFindings()));
    assert.ok(stored.every((f) => f.connector === 'contoso'), 'every finding carries its connector');
    const inventory = await readInventory(team.store);
    assert.ok(inventory.connectors.length > 0 && inventory.connectors.every((c) => c.connectorName === 'contoso'));
    const progress = await queuedScanProgress(team.store, queued.scanId);
    assert.ok(progress!.batches.total > 1, 'the scan ran in several batches');
    assert.equal((await listScans(team.store)).length, 1, 'one scan, not two');
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
});

test('a connector whose credential this worker lacks is `error` with the reason; the other connector completes', async (t) => {
  const team = await teamStore(t);
  if (!team) return;
  const [good, other] = [await startEmulator({ synthetic: 7, seed: 3 }), await startEmulator({ synthetic: 5, seed: 4 })];
  t.after(() => Promise.all([good.close(), other.close()]));
  const fine = emulatorConnector('fine', good);
  const lacking = emulatorConnector('lacking', other, { credential: 'env:NOT_ON_THIS_WORKER' });
  await addConnectors(team.store, [fine, lacking]);
  const worker = startWorker(team, connectorEnv([[fine, good]]), [good.caPem, other.caPem]);
  try {
    const queued = await enqueueScan(team.store, { batchSize: 3, now: NOW });
    await waitForScan(team.store, queued.scanId);
    const progress = await queuedScanProgress(team.store, queued.scanId);
    assert.equal(progress?.scan.status, 'complete', progress?.scan.error ?? '');
    const byConnector = new Map(progress!.connectors.map((c) => [c.name, c]));
    assert.equal(byConnector.get('fine')?.status, 'planned');
    assert.equal(byConnector.get('lacking')?.status, 'failed');
    assert.match(byConnector.get('lacking')?.error ?? '', /NOT_ON_THIS_WORKER_CLIENT_ID/);
    const findings = await findingsOfScan(team.store, queued.scanId);
    const lackingFindings = findings.filter((f) => f.connector === 'lacking');
    assert.ok(lackingFindings.length >= SHIPPED_CONTROLS.length);
    assert.ok(lackingFindings.every((f) => f.status === 'error'), 'never a pass for a connector that could not be read');
    assert.ok(findings.some((f) => f.connector === 'fine' && f.status !== 'error'), 'the other tenant was judged');
    assert.equal(new Set(findings.filter((f) => f.connector === 'fine').map((f) => f.assetId)).size, 7);
  } finally {
    await worker.stop();
  }
});

test('a queued scan needs a PostgreSQL store, and says so', async () => {
  const store = await openMemoryStore();
  try {
    await assert.rejects(enqueueScan(store, { now: NOW }), (error: Error & { code?: string }) => error.code === 'TEAM_NEEDS_POSTGRES' && /PostgreSQL/.test(error.message));
  } finally {
    await store.close();
  }
});
