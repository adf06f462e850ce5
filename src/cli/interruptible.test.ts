import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedControls, subscription, tinyTenant } from '../scan/test-support/tiny-tenant.js';
import { openStore } from '../store/open-store.js';
import { listScans } from '../store/scan-repository.js';
import { findingsOfScan } from '../store/finding-state-repository.js';
import { freshStoreDir, scanInto } from './commands/test-support/fake-cli-io.js';
import { InterruptedError, interruptible } from './interruptible.js';

const SCRIPT = fileURLToPath(new URL('./test-support/scan-until-signalled.ts', import.meta.url));

test('the first signal aborts the work with an InterruptedError (exit 130 / 143); the handlers go with the work', async () => {
  const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
  let said = '';
  const io = { stderr: { write: (text: string) => (said += text) } };
  const waiting = interruptible(io, (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
  process.emit('SIGTERM', 'SIGTERM');
  await assert.rejects(waiting, (error: unknown) => error instanceof InterruptedError && error.exitCode === 143 && error.message === 'interrupted by SIGTERM');
  assert.match(said, /^ward: SIGTERM: stopping after the current step/);
  assert.deepEqual([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')], before);
  assert.equal(new InterruptedError('SIGINT').withDetail('nothing was stored').message, 'interrupted by SIGINT: nothing was stored');
  assert.equal(new InterruptedError('SIGINT').exitCode, 130);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} during a scan's store write records it as interrupted at once and releases the store`, { timeout: 120_000 }, async () => {
    const dir = await freshStoreDir();
    try {
      const [first] = await scanInto(dir, [{ inventory: tinyTenant({ a: 'pass', b: 'fail' }), at: '2026-03-01T10:00:00Z' }], seedControls());
      const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('MIDWAY') && resolve());
        void exited.then((code) => reject(new Error(`the scan ended (${code}) before its store write: ${stderr}`)));
      });
      child.kill(signal);
      assert.equal(await exited, signal === 'SIGINT' ? 130 : 143);
      assert.match(stderr, new RegExp(`ward: interrupted by ${signal}\\n$`));
      assert.equal(existsSync(join(dir, 'ward.lock')), false, 'the lock was released, not left to go stale');

      const store = await openStore({ location: dir });
      try {
        const scans = await listScans(store);
        assert.deepEqual(scans.map((s) => [s.id, s.status, s.error]), [[first, 'complete', null], [first! + 1, 'interrupted', `interrupted by ${signal}`]]);
        assert.ok(scans[1]!.finishedAt, 'the interruption is recorded with its time');
        assert.deepEqual((await findingsOfScan(store, first!)).map((f) => f.assetId).sort(), [subscription('a'), subscription('b')]);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
