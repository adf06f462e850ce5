/** Settling what dead runs left: marked interrupted once; pending changes read back, or left pending with the reason. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_STORE_KINDS } from '../store/test-support/test-store.js';
import type { Store } from '../store/sql-client.js';
import type { ArmTransport } from './arm-transport.js';
import { createRun, getRun, insertChange, listChanges } from './remediation-repository.js';
import type { LivenessProbe } from './run-liveness.js';
import { settleRuns } from './settle-runs.js';

const now = (): Date => new Date('2026-01-10T09:00:00Z');
const probe: LivenessProbe = { self: { pid: 1, host: 'here' }, processExists: () => false, now, exclusiveStore: false };
const body = { properties: { emails: 'soc@contoso.com', isEnabled: true } };

async function deadRun(store: Store, armEndpoint: string, changes: number): Promise<number> {
  const runId = await createRun(store, { controlId: 'c', startedAt: now(), armEndpoint, addresses: [], options: {}, owner: { pid: 99, host: 'here' } });
  for (let seq = 1; seq <= changes; seq += 1) {
    await insertChange(store, { runId, seq, batch: 1, assetId: `/subscriptions/${seq}`, contactName: 'default', method: 'PUT', path: `/p/${seq}`, apiVersion: 'v', requestBody: body, beforeExists: false, beforeBody: null });
  }
  return runId;
}

for (const kind of TEST_STORE_KINDS) {
  test(`a failed read leaves that change and every later one pending, says why, and reads no further (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const here = await deadRun(store, 'https://arm', 3);
      const later = await deadRun(store, 'https://arm', 1);
      const elsewhere = await deadRun(store, 'https://other', 1);
      const reads: string[] = [];
      const transport: ArmTransport = {
        armEndpoint: 'https://arm',
        request: async (_method, path) => {
          reads.push(path);
          if (path === '/p/1') return { status: 200, body };
          return { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } } };
        },
      };
      const lines: string[] = [];
      const result = await settleRuns({ store, transport, probe, now, log: (line) => lines.push(line) });
      assert.deepEqual(result.interrupted.map((r) => r.runId), [here, later, elsewhere]);
      assert.deepEqual(reads, ['/p/1', '/p/2'], 'no read after the first failure');
      assert.deepEqual((await listChanges(store, here)).map((c) => c.status), ['applied', 'pending', 'pending']);
      assert.deepEqual(
        result.unreadable.map((u) => [u.runId, u.pending, u.reason]),
        [
          [here, 2, 'could not read /p/2: InvalidAuthenticationToken: The access token is invalid.'],
          [later, 1, 'an earlier read failed: could not read /p/2: InvalidAuthenticationToken: The access token is invalid.'],
          [elsewhere, 1, 'it ran on https://other, not on https://arm'],
        ],
      );
      assert.ok(lines.some((line) => /PUT default on \/subscriptions\/2 could not be read back \(.*InvalidAuthenticationToken.*\): it stays pending/.test(line)), lines.join('\n'));
      assert.equal((await getRun(store, here))?.status, 'interrupted');
      const again = await settleRuns({ store, probe, now });
      assert.deepEqual(again.interrupted, [], 'marked once');
    } finally {
      await store.close();
    }
  });
}
