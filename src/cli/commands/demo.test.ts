import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshStoreDir, runWard } from './test-support/fake-cli-io.js';

const README = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');

test('ward demo: scans the sample tenant live through the emulator, exits 0, and its "Next:" commands are the README\'s', { timeout: 120_000 }, async () => {
  const db = await freshStoreDir();
  const dir = mkdtempSync(join(tmpdir(), 'ward-demo-'));
  try {
    const run = await runWard(['demo', '--db', db], { cwd: dir, now: () => new Date('2026-11-24T12:00:00Z') });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /ward demo: an ARM emulator at https:\/\/127\.0\.0\.1:\d+ serves the sample tenant/);
    assert.match(run.stdout, /azure-defender-security-contact-email/, 'the scan\'s table');
    const next = run.stdout.slice(run.stdout.indexOf('\nNext:\n'));
    assert.match(next, /npx ward emulator --capture samples\/contoso-tenant --write-env-file \.ward\/emulator\.env/);
    assert.doesNotMatch(next, /--env-file/, 'Node takes --env-file out of npx\'s arguments');
    assert.match(README, /npx ward emulator --capture samples\/contoso-tenant --port 0 --write-env-file \.ward\/emulator\.env\n/);
  } finally {
    rmSync(db, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
