import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptureDir } from '../connectors/azure/read-capture-dir.js';
import { WardError } from '../core/errors.js';
import { normaliseCapture } from '../core/inventory/normalise-capture.js';
import { BUILTIN_CONTROLS_DIR } from '../core/package-paths.js';
import { loadControls } from '../scan/load-controls.js';
import { listScans } from '../store/scan-repository.js';
import { TEST_STORE_KINDS, openMemoryStore } from '../store/test-support/test-store.js';
import { createScanRunner } from './scan-runner.js';
import { FIXTURE_NOW, SAMPLE_TENANT_DIR } from './test-support/server-fixture.js';

const controls = loadControls(BUILTIN_CONTROLS_DIR);
const now = () => FIXTURE_NOW;

for (const kind of TEST_STORE_KINDS) {
  describe(`scan runner on ${kind.name}`, { skip: kind.skip }, () => {
    test('an offline scan runs in the background, one at a time, and is stored as ward scan stores it', async () => {
      const store = (await kind.open())!;
      try {
        const runner = createScanRunner({ store, controls, now });
        const job = runner.start({ offline: SAMPLE_TENANT_DIR }, 'alice');
        assert.equal(job.state, 'running');
        assert.equal(job.phase, 'collecting');
        assert.equal(job.startedBy, 'alice');
        assert.throws(() => runner.start({ offline: SAMPLE_TENANT_DIR }, 'bob'), (error: unknown) => error instanceof WardError && error.code === 'SCAN_BUSY' && /job-1/.test(error.message));
        await runner.idle();
        const done = runner.get(job.id)!;
        assert.equal(done.state, 'complete', JSON.stringify(done));
        assert.equal(done.phase, 'stored');
        assert.equal(done.subscriptions, normaliseCapture(readCaptureDir(SAMPLE_TENANT_DIR)).connectors.length);
        assert.equal(done.error, null);
        const scans = await listScans(store);
        assert.deepEqual(scans.map((s) => [s.id, s.status]), [[done.scanId, 'complete']]);
        assert.equal(scans[0]!.source, `offline:${SAMPLE_TENANT_DIR.replace(/\/$/, '')}`);
        // once idle, the next one may start
        const second = runner.start({ offline: SAMPLE_TENANT_DIR }, 'bob');
        await runner.idle();
        assert.deepEqual(runner.list().map((j) => [j.id, j.state]), [[second.id, 'complete'], [job.id, 'complete']]);
      } finally {
        await store.close();
      }
    });
  });
}

describe('scan runner failures', () => {
  test('no collectLive: a live scan is a USAGE error saying how to start the server; an empty offline path too', async () => {
    const store = await openMemoryStore();
    try {
      const runner = createScanRunner({ store, controls, now });
      assert.throws(() => runner.start({}, 'alice'), (error: unknown) => error instanceof WardError && error.code === 'USAGE' && /credentials/.test(error.hint ?? '') && /live/.test(error.message));
      assert.throws(() => runner.start({ offline: ' ' }, 'alice'), (error: unknown) => error instanceof WardError && error.code === 'USAGE');
      assert.deepEqual(runner.list(), []);
    } finally {
      await store.close();
    }
  });

  test('a failing scan is recorded as one line, without a stack or the text of an unexpected error', async () => {
    const store = await openMemoryStore();
    const empty = mkdtempSync(join(tmpdir(), 'ward-empty-capture-'));
    try {
      const secret = 'Bearer eyJ0eXAiOiJKV1Qi.secret';
      const runner = createScanRunner({
        store,
        controls,
        now,
        collectLive: async () => {
          throw new TypeError(`fetch failed with ${secret}\n    at collect (/srv/ward/collect.ts:1:1)`);
        },
      });
      const live = runner.start({}, 'alice');
      assert.equal(live.source, 'live');
      await runner.idle();
      const failed = runner.get(live.id)!;
      assert.equal(failed.state, 'failed');
      assert.equal(failed.phase, 'failed');
      assert.equal(failed.error, 'the scan failed unexpectedly (TypeError)');
      assert.ok(failed.finishedAt);
      // ward's own error keeps its message: a capture directory that is not one
      const offline = runner.start({ offline: empty }, 'alice');
      await runner.idle();
      const refused = runner.get(offline.id)!;
      assert.equal(refused.state, 'failed');
      assert.ok(refused.error && !refused.error.includes('\n') && !refused.error.includes(secret), refused.error ?? '');
      assert.deepEqual(await listScans(store), [], 'nothing was stored');
    } finally {
      rmSync(empty, { recursive: true, force: true });
      await store.close();
    }
  });

  test('a live scan runs collectLive with an abort signal and stores what it returns', async () => {
    const store = await openMemoryStore();
    try {
      let signalled: AbortSignal | undefined;
      const runner = createScanRunner({
        store,
        controls,
        now,
        collectLive: async (signal) => {
          signalled = signal;
          return { inventory: normaliseCapture(readCaptureDir(SAMPLE_TENANT_DIR)), source: 'live:https://management.azure.com' };
        },
      });
      const job = runner.start({}, 'alice');
      await runner.idle();
      assert.ok(signalled instanceof AbortSignal);
      const done = runner.get(job.id)!;
      assert.equal(done.state, 'complete');
      assert.equal(done.source, 'live:https://management.azure.com');
      assert.equal((await listScans(store))[0]!.source, 'live:https://management.azure.com');
    } finally {
      await store.close();
    }
  });
});
