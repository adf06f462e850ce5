import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WardError } from '../core/errors.js';
import { loadManagementGroups, MANAGEMENT_GROUPS_FILE } from './load-management-groups.js';
import { startEmulator } from './start-emulator.js';
import { emulatorToken, httpsRequest } from './test-support/https-request.js';

const SAMPLE = fileURLToPath(new URL('../../samples/contoso-tenant/', import.meta.url));

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ward-groups-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a managementGroups.json beside the capture gives the emulator its tree; without one there is none to read', async () => {
  await withDir(async (dir) => {
    assert.equal(await loadManagementGroups(dir), undefined);
    await cp(SAMPLE, dir, { recursive: true });
    await writeFile(
      path.join(dir, MANAGEMENT_GROUPS_FILE),
      JSON.stringify({
        managementGroups: [
          { id: 'contoso-root', displayName: 'Contoso', subscriptionIds: [] },
          { id: 'contoso-prod', displayName: 'Production', parent: 'contoso-root', subscriptionIds: ['0a1b2c3d-1111-4a5b-8c9d-000000000001'] },
        ],
      }),
    );
    const emulator = await startEmulator({ captureDir: dir, caFile: path.join(dir, 'ca.pem') });
    try {
      const token = await emulatorToken(emulator);
      const answer = await httpsRequest(`${emulator.url}/providers/Microsoft.Management/managementGroups/contoso-root/descendants?api-version=2023-04-01`, emulator.caPem, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json.value.map((item: { name: string }) => item.name), ['contoso-prod', '0a1b2c3d-1111-4a5b-8c9d-000000000001']);
    } finally {
      await emulator.close();
    }
  });
});

test('a tree with an unlisted parent, a repeated id or a cycle is refused, naming the file', async () => {
  await withDir(async (dir) => {
    const refused = async (groups: unknown, pattern: RegExp): Promise<void> => {
      await writeFile(path.join(dir, MANAGEMENT_GROUPS_FILE), JSON.stringify(groups));
      await assert.rejects(loadManagementGroups(dir), (error: unknown) => error instanceof WardError && pattern.test(error.message) && error.location?.file?.endsWith(MANAGEMENT_GROUPS_FILE) === true);
    };
    await refused({ managementGroups: [{ id: 'a', parent: 'nope' }] }, /parent 'nope' of 'a' is not listed/);
    await refused({ managementGroups: [{ id: 'a' }, { id: 'A' }] }, /listed twice/);
    await refused({ managementGroups: [{ id: 'a', parent: 'b' }, { id: 'b', parent: 'a' }] }, /cycle/);
    await refused({ managementGroups: [{ id: 'a', subscriptionIds: [1] }] }, /list of strings/);
    await refused([], /"managementGroups" array/);
  });
});
