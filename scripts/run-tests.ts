/**
 * `npm test`: starts a throwaway PostgreSQL 15 cluster (when the server binaries exist) so that the store and
 * query tests run against both PGlite and PostgreSQL, then runs every `*.test.ts` with node's test runner.
 * Without PostgreSQL binaries those tests are skipped and say so.
 */
import { spawnSync } from 'node:child_process';
import { postgresBinariesAvailable, startTestPostgres, type TestPostgres } from '../src/store/test-postgres.js';

const patterns = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src/**/*.test.ts', 'controls/**/*.test.ts'];
let server: TestPostgres | undefined;
const env = { ...process.env };
if (env.WARD_TEST_POSTGRES_URL) {
  console.log(`PostgreSQL tests use WARD_TEST_POSTGRES_URL`);
} else if (postgresBinariesAvailable()) {
  server = await startTestPostgres();
  env.WARD_TEST_POSTGRES_URL = server.url;
  console.log(`PostgreSQL tests use a throwaway cluster at ${server.url}`);
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
