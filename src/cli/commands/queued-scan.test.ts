/**
 * `ward scan --queue` through the CLI: it reports a queued scan as `ward scan` reports a local one (the same
 * findings, the same exit code), `--no-wait` prints the scan id, and the embedded store refuses team mode clearly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../emulator/start-emulator.js';
import { getScan } from '../../store/scan-repository.js';
import { NOW, addConnectors, connectorEnv, emulatorConnector, startWorker, teamStore, waitForScan } from '../../team/test-support/team-fixture.js';
import { freshStoreDir, runWard } from './test-support/fake-cli-io.js';

const SAMPLE = fileURLToPath(new URL('../../../samples/contoso-tenant', import.meta.url));

interface Reported {
  findings: { controlId: string; checkId: string; assetId: string; status: string; reason: string; connector?: string }[];
}
const keys = (stdout: string): string[] =>
  (JSON.parse(stdout) as Reported).findings.map((f) => JSON.stringify([f.controlId, f.checkId, f.assetId, f.status, f.reason])).sort();

test('ward scan --queue reports what a local scan of the same tenant reports, with the same exit code', async (t) => {
  const team = await teamStore(t);
  if (!team) return;
  const emulator = await startEmulator({ captureDir: SAMPLE });
  t.after(() => emulator.close());
  const contoso = emulatorConnector('contoso', emulator);
  await addConnectors(team.store, [contoso]);
  const env = connectorEnv([[contoso, emulator]]);
  const worker = startWorker(team, env, [emulator.caPem]);
  t.after(() => worker.stop());
  const cwd = mkdtempSync(join(tmpdir(), 'ward-queued-'));

  const queued = await runWard(['scan', '--queue', '--batch-size', '3', '--format', 'json', '--db', team.url], { cwd, now: NOW, env });
  assert.match(queued.stderr, /queued scan 1 of contoso/);
  const local = await runWard(['scan', '--offline', SAMPLE, '--format', 'json', '--db', await freshStoreDir()], { cwd, now: NOW });
  assert.equal(queued.code, local.code, queued.stderr);
  assert.deepEqual(keys(queued.stdout), keys(local.stdout));
  assert.ok((JSON.parse(queued.stdout) as Reported).findings.every((f) => f.connector === 'contoso'), 'the report carries the connector');

  const noWait = await runWard(['scan', '--queue', '--no-wait', '--db', team.url], { cwd, now: NOW, env });
  assert.equal(noWait.code, 0, noWait.stderr);
  const scanId = Number(noWait.stdout.trim());
  assert.ok(Number.isInteger(scanId) && scanId > 1, noWait.stdout);
  await waitForScan(team.store, scanId, 30_000);
  assert.equal((await getScan(team.store, scanId))?.status, 'complete');
});

test('team mode on the embedded store is refused with the way out, before anything is queued', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'ward-queued-'));
  const db = await freshStoreDir();
  const run = await runWard(['scan', '--queue', '--db', db], { cwd, now: NOW });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /ward scan --queue needs a PostgreSQL store/);
  assert.match(run.stderr, /--db postgres:\/\//);
  const worker = await runWard(['worker', '--db', db], { cwd, now: NOW });
  assert.equal(worker.code, 2);
  assert.match(worker.stderr, /ward worker needs a PostgreSQL store/);
  const mixed = await runWard(['scan', '--connector', 'x', '--db', db], { cwd, now: NOW });
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /--connector and --no-wait go with --queue/);
});
