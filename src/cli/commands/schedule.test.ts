/**
 * `ward schedule add|list|remove` in-process: on a PostgreSQL store (team mode) schedules are added with a checked
 * cron expression and known connectors, listed with their next run in UTC, and removed; on the embedded store
 * `add` is refused with a hint to use PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresTestDatabaseUrl, TEST_STORE_KINDS } from '../../store/test-support/test-store.js';
import { freshStoreDir, runWard } from './test-support/fake-cli-io.js';

const NOW = (): Date => new Date('2026-12-01T10:00:00Z'); // a Tuesday
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const postgres = TEST_STORE_KINDS.find((kind) => kind.name === 'postgres')!;

test('the embedded store: schedule add is refused (team mode needs PostgreSQL); a bad --cron is refused first, naming its field', async () => {
  const db = await freshStoreDir();
  const cwd = mkdtempSync(join(tmpdir(), 'ward-schedule-'));
  const ward = (...args: string[]) => runWard(args, { cwd, now: NOW, env: { WARD_DB: db } });
  try {
    const refused = await ward('schedule', 'add', '--cron', '0 6 * * *');
    assert.equal(refused.code, 2);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^ward: ward schedule add needs a PostgreSQL store; .* is the embedded one\n {2}hint: .*--db postgres:\/\/… or set WARD_DB/);

    const bad = await ward('schedule', 'add', '--cron', '0 25 * * *');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ward: --cron "0 25 \* \* \*": the hour field is wrong: too large value '25'.*\n {2}hint: hour: 0-23/);

    const list = await ward('schedule', 'list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^no schedules/);
  } finally {
    rmSync(db, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('PostgreSQL: add (s1, s2 or --name), unknown connectors refused, list with the next run in UTC, remove', { skip: postgres.skip }, async () => {
  const url = await postgresTestDatabaseUrl();
  if (url === undefined) throw new Error('no PostgreSQL test server');
  const cwd = mkdtempSync(join(tmpdir(), 'ward-schedule-pg-'));
  const ward = (...args: string[]) => runWard([...args, '--db', url], { cwd, now: NOW, env: { USER: 'alice' } });
  try {
    const lonely = await ward('schedule', 'add', '--cron', '0 6 * * *');
    assert.equal(lonely.code, 0, lonely.stderr);
    assert.equal(lonely.stdout, 'added schedule s1: 0 6 * * * (UTC), scanning every configured connector; next run 2026-12-02 06:00 UTC\n');
    assert.match(lonely.stderr, /warning: no connectors are configured yet/);

    for (const name of ['contoso', 'fabrikam']) assert.equal((await ward('connectors', 'add', 'azure', '--name', name, '--tenant', TENANT)).code, 0);
    const quarter = await ward('schedule', 'add', '--cron', '*/15  * * * 1-5', '--connector', 'contoso', 'fabrikam', '--name', 'weekdays');
    assert.equal(quarter.code, 0, quarter.stderr);
    assert.equal(quarter.stdout, 'added schedule weekdays: */15 * * * 1-5 (UTC), scanning connectors contoso, fabrikam; next run 2026-12-01 10:15 UTC\n');
    assert.equal(quarter.stderr, '');

    const unknown = await ward('schedule', 'add', '--cron', '0 6 * * *', '--connector', 'contoso', 'nobody');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^ward: no connector named nobody\n {2}hint: configured connectors: contoso, fabrikam/);
    const taken = await ward('schedule', 'add', '--cron', '0 6 * * *', '--name', 'weekdays');
    assert.equal(taken.code, 2);
    assert.match(taken.stderr, /a schedule named weekdays already exists/);
    const never = await ward('schedule', 'add', '--cron', '0 0 30 2 *');
    assert.equal(never.code, 2);
    assert.match(never.stderr, /never runs/);

    const table = await ward('schedule', 'list');
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^ID\s+CRON \(UTC\)\s+CONNECTORS\s+NEXT RUN\s+LAST RUN\s+LAST SCAN$/);
    assert.match(lines[1] ?? '', /^s1\s+0 6 \* \* \*\s+\(all\)\s+2026-12-02 06:00 UTC\s*$/);
    assert.match(lines[2] ?? '', /^weekdays\s+\*\/15 \* \* \* 1-5\s+contoso, fabrikam\s+2026-12-01 10:15 UTC\s*$/);
    const json = JSON.parse((await ward('schedule', 'list', '--format', 'json')).stdout) as { id: string; nextRunAt: string; createdBy: string; connectors: string[] | null }[];
    assert.deepEqual(json.map((s) => [s.id, s.nextRunAt, s.connectors, s.createdBy]), [
      ['s1', '2026-12-02T06:00:00.000Z', null, 'alice'],
      ['weekdays', '2026-12-01T10:15:00.000Z', ['contoso', 'fabrikam'], 'alice'],
    ]);

    const inUse = await ward('connectors', 'remove', 'fabrikam');
    assert.equal(inUse.code, 2);
    assert.match(inUse.stderr, /^ward: connector fabrikam is scanned by schedule weekdays\n {2}hint: remove the schedule first/);

    assert.equal((await ward('schedule', 'remove', 'weekdays')).stdout, 'removed schedule weekdays\n');
    const gone = await ward('schedule', 'remove', 'weekdays');
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /^ward: no schedule weekdays\n {2}hint: ward schedule list/);
    assert.equal((await ward('connectors', 'remove', 'fabrikam')).code, 0);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
