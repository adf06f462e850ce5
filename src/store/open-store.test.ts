import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, redactUrl } from './open-store.js';
import { EMBEDDED_SHARED_BUFFERS } from './open-pglite.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';
import { WardError } from '../core/errors.js';
import { MIGRATIONS } from './migrations.js';
import { listScans } from './scan-repository.js';

for (const kind of TEST_STORE_KINDS) {
  test(`${kind.name}: migrations apply and transactions roll back on error`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const tables = await store.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      const names = tables.rows.map((r) => r.table_name);
      for (const table of ['connectors', 'finding_changes', 'finding_states', 'scans', 'security_contacts', 'staged_findings', 'ward_migrations']) assert.ok(names.includes(table), table);
      const versions = await store.query<{ version: number }>('SELECT version FROM ward_migrations ORDER BY version');
      assert.deepEqual(versions.rows.map((r) => Number(r.version)), MIGRATIONS.map((m) => m.version));
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.query("INSERT INTO scans (started_at, status, source) VALUES (now(), 'running', 'test')");
          throw new Error('boom');
        }),
        /boom/,
      );
      const scans = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM scans');
      assert.equal(scans.rows[0]!.n, 0);
    } finally {
      await store.close();
    }
  });
}

test('an embedded store is locked against a second opener and reopens after close', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-store-'));
  try {
    const first = await openStore({ location: dir });
    await assert.rejects(openStore({ location: dir }), (error: unknown) => error instanceof WardError && error.code === 'STORE_BUSY');
    await first.close();
    const second = await openStore({ location: dir });
    const { rows } = await second.query<{ version: number }>('SELECT max(version)::int AS version FROM ward_migrations');
    assert.equal(rows[0]!.version, Math.max(...MIGRATIONS.map((m) => m.version)));
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a scan left running by a killed process is marked interrupted when the store is next opened, by any command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-store-'));
  try {
    const first = await openStore({ location: dir });
    await first.query("INSERT INTO scans (started_at, status, source) VALUES ('2026-03-04T00:00:00Z', 'running', 'killed')");
    await first.close();
    const second = await openStore({ location: dir });
    const [scan] = await listScans(second);
    assert.equal(scan!.status, 'interrupted');
    assert.match(scan!.error!, /did not finish/);
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('redactUrl hides the password', () => {
  assert.equal(redactUrl('postgres://u:secret@h:5432/db'), 'postgres://u:***@h:5432/db');
});

test('the embedded store runs with small shared buffers (memory: bench:scan)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-store-'));
  try {
    const store = await openStore({ location: dir });
    const { rows } = await store.query<{ setting: string }>("SELECT current_setting('shared_buffers') AS setting");
    assert.equal(rows[0]!.setting, EMBEDDED_SHARED_BUFFERS);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
