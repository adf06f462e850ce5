/**
 * A live `ward scan` of the ARM emulator serving a capture directory reports what `ward scan --offline` of that
 * directory reports: the same findings (control, check, asset, status and reason), run in-process through main()
 * with the emulator's environment merged in, as a user's shell would after `set -a; . emulator.env; set +a`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../emulator/start-emulator.js';
import { freshStoreDir, runWard } from './commands/test-support/fake-cli-io.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = join(REPO, 'samples/contoso-tenant');
const VERDICT_MATRIX = join(REPO, 'controls/azure/defender/azure-defender-security-contact-email/fixtures/verdict-matrix');
const NOW = (): Date => new Date('2026-11-24T12:00:00Z');
/** The control whose fixture this is; other controls may come and go without changing these counts. */
const CONTROL = ['--control', 'azure-defender-security-contact-email'];

interface FindingKey {
  readonly controlId: string;
  readonly checkId: string;
  readonly assetId: string;
  readonly status: string;
  readonly reason: string;
}

const byAsset = (a: FindingKey, b: FindingKey): number =>
  `${a.controlId} ${a.checkId} ${a.assetId}`.localeCompare(`${b.controlId} ${b.checkId} ${b.assetId}`);

function findingsOf(stdout: string): FindingKey[] {
  const report = JSON.parse(stdout) as { findings: FindingKey[] };
  return report.findings.map(({ controlId, checkId, assetId, status, reason }) => ({ controlId, checkId, assetId, status, reason })).sort(byAsset);
}

/**
 * Scans `dir` offline and through the emulator, each into its own fresh store. The working directory is a scratch
 * directory outside the repository, so the offline reader names capture files by their absolute path, as the
 * emulator does in the messages it serves.
 */
async function scanBothWays(dir: string): Promise<{ offline: FindingKey[]; live: FindingKey[]; liveStderr: string; requests: number }> {
  const cwd = mkdtempSync(join(tmpdir(), 'ward-live-scan-'));
  const [offlineDb, liveDb] = [await freshStoreDir(), await freshStoreDir()];
  const emulator = await startEmulator({ captureDir: dir });
  try {
    const offline = await runWard(['scan', '--offline', dir, ...CONTROL, '--format', 'json', '--db', offlineDb], { cwd, now: NOW });
    assert.equal(offline.stderr, '');
    const live = await runWard(['scan', ...CONTROL, '--format', 'json', '--db', liveDb], { cwd, now: NOW, env: { ...emulator.environment } });
    assert.equal(live.code, offline.code, `exit code; stderr: ${live.stderr}`);
    return { offline: findingsOf(offline.stdout), live: findingsOf(live.stdout), liveStderr: live.stderr, requests: emulator.state.stats.requests };
  } finally {
    await emulator.close();
    for (const path of [cwd, offlineDb, liveDb]) rmSync(path, { recursive: true, force: true });
  }
}

test('the sample tenant: a live scan of the emulator gives exactly the offline findings', async () => {
  const { offline, live, requests } = await scanBothWays(SAMPLE);
  assert.deepEqual(live, offline);
  // one subscriptions page and one contacts request per active subscription (the disabled one is not read)
  assert.equal(requests, 1 + 11);
  assert.equal(new Set(live.map((f) => f.assetId)).size, 12);
  for (const status of ['pass', 'fail', 'error', 'skipped']) assert.ok(live.some((f) => f.status === status), `the sample has a ${status}`);
});

test('the control fixture verdict-matrix: the same findings live and offline, including what the capture does not hold', async () => {
  const { offline, live } = await scanBothWays(VERDICT_MATRIX);
  assert.ok(offline.length >= 20);
  // never a pass (or fail) live where offline is an error
  for (const [index, finding] of offline.entries()) {
    if (finding.status === 'error') assert.equal(live[index]?.status, 'error', finding.assetId);
  }
  assert.deepEqual(live, offline);

  // every check of the control reports the same read error for a subscription; one of them is enough
  const reasonOf = (n: number): string | undefined =>
    live.find((f) => f.assetId === `/subscriptions/00000000-0000-4000-8000-${String(n).padStart(12, '0')}`)?.reason;
  // listed but never collected: the emulator does not invent an empty list (which would fail as "no contacts")
  assert.equal(reasonOf(18), 'could not read the data: NotCollected: not collected: the capture has no security contacts for this subscription');
  // a body with a leftover nextLink: the emulator serves it with the link on itself and has no next page; the
  // collector follows it and records the read as incomplete instead of passing on the first page's address
  assert.equal(
    reasonOf(20),
    `could not read the data: IncompleteCapture: only the first page of security contacts was collected (the body still has a nextLink) in ${join(VERDICT_MATRIX, 'subscriptions/00000000-0000-4000-8000-000000000020/securityContacts.json')}`,
  );
  assert.match(reasonOf(17) ?? '', /AuthorizationFailed: .*Security Reader or Reader role/);
});
