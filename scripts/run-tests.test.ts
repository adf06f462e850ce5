import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The environment of a machine without PostgreSQL: no PATH (so no initdb or pg_ctl) and no server URL. */
function withoutPostgres(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: '' };
  delete env.WARD_TEST_POSTGRES_URL;
  delete env.CI;
  return { ...env, ...extra };
}

const runTests = (env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/run-tests.ts', 'scripts/no-such-file.test.ts'], { cwd: ROOT, env, encoding: 'utf8' });

test('under CI a run without the PostgreSQL server binaries fails before any test runs, instead of skipping the PostgreSQL tests', () => {
  const result = runTests(withoutPostgres({ CI: 'true' }));
  assert.equal(result.status, 2, result.stdout + result.stderr);
  assert.match(result.stderr, /CI=true but no PostgreSQL server binaries \(initdb, pg_ctl\)/);
});

test('outside CI the same run goes on and says that the PostgreSQL tests are skipped', () => {
  const result = runTests(withoutPostgres({}));
  assert.match(result.stdout, /NOTICE: no PostgreSQL server binaries/);
  assert.doesNotMatch(result.stderr, /CI=true/);
});
