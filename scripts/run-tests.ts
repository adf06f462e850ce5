/**
 * `npm test`: starts a throwaway PostgreSQL 15 cluster (when the server binaries exist) so that the store and
 * query tests run against both PGlite and PostgreSQL, then runs every `*.test.ts` with node's test runner.
 * Without PostgreSQL binaries those tests are skipped and say so, except under CI (`CI=true`), where a run that
 * cannot test the PostgreSQL store fails before any test runs: CI must never go green on half the stores.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { postgresBinariesAvailable, startTestPostgres, type TestPostgres } from '../src/store/test-support/test-postgres.js';

/** Every *.test.ts below the given folders (Node 20's test runner does not expand globs). */
function findTestFiles(roots: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.ts')) found.push(path);
    }
  };
  for (const root of roots) walk(root);
  return found.sort();
}

const patterns = process.argv.slice(2).length > 0 ? process.argv.slice(2) : findTestFiles(['src', 'controls', 'scripts']);
let server: TestPostgres | undefined;
const env = { ...process.env };
if (env.WARD_TEST_POSTGRES_URL) {
  console.log(`PostgreSQL tests use WARD_TEST_POSTGRES_URL`);
} else if (postgresBinariesAvailable()) {
  server = await startTestPostgres();
  env.WARD_TEST_POSTGRES_URL = server.url;
  console.log(`PostgreSQL tests use a throwaway cluster at ${server.url}`);
} else if (process.env.CI === 'true') {
  console.error('ERROR: CI=true but no PostgreSQL server binaries (initdb, pg_ctl) are on PATH and WARD_TEST_POSTGRES_URL is not set: the PostgreSQL store tests cannot run (install PostgreSQL, or set WARD_TEST_POSTGRES_URL)');
  process.exit(2);
} else {
  console.log('NOTICE: no PostgreSQL server binaries (initdb, pg_ctl) on PATH: the PostgreSQL store tests are skipped');
}
let status = 1;
try {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...patterns], { stdio: 'inherit', env });
  status = result.status ?? 1;
} finally {
  server?.stop();
}
process.exit(status);
