import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EMBEDDED_POSTGRESQL_CONF, openPglite, pgliteOptions, preparePglite, storeTemplate, storeTemplatePath, templateEntries } from './open-pglite.js';
import { pgliteStore } from './open-store.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { openMemoryStore } from './test-support/test-store.js';
import type { SqlClient } from './sql-client.js';

const work = mkdtempSync(join(tmpdir(), 'ward-open-pglite-'));
const templatePath = join(work, 'cache', 'ward', 'store-template-0000000000000000.tar');
let template: Uint8Array;

before(async () => {
  template = await storeTemplate(pgliteStore, templatePath);
});
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const mode = (path: string): number => statSync(path).mode & 0o777;

/** Everything migrations define, in a stable order: tables and columns, constraints, indexes, triggers, functions. */
async function schemaOf(client: SqlClient): Promise<unknown> {
  const columns = await client.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, column_name`,
  );
  const constraints = await client.query(
    `SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE connamespace = 'public'::regnamespace ORDER BY rel, conname`,
  );
  const indexes = await client.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");
  const triggers = await client.query('SELECT tgrelid::regclass::text AS rel, tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY rel, tgname');
  const functions = await client.query(
    "SELECT proname, pg_get_functiondef(oid) AS def FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname",
  );
  const migrations = await client.query('SELECT version, name FROM ward_migrations ORDER BY version');
  return { columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows, triggers: triggers.rows, functions: functions.rows, migrations: migrations.rows };
}

test('the template is a checkpointed, migrated data directory, cached privately', () => {
  const entries = templateEntries(template)!;
  assert.ok(entries.some((entry) => entry.path.join('/') === 'PG_VERSION'));
  assert.ok(entries.some((entry) => entry.path.join('/') === 'global/pg_control'));
  assert.equal(mode(templatePath), 0o600);
  assert.equal(mode(join(work, 'cache', 'ward')), 0o700);
  assert.deepEqual(readFileSync(templatePath), Buffer.from(template));
});

test('the template cache is keyed by the migrations, Node and PGlite, under the user cache directory', () => {
  const path = storeTemplatePath({ XDG_CACHE_HOME: '/home/someone/.cache' });
  assert.match(path!, /^\/home\/someone\/\.cache\/ward\/store-template-[0-9a-f]{16}\.tar$/);
  assert.equal(storeTemplatePath({ XDG_CACHE_HOME: '/elsewhere' })!.split('/').pop(), path!.split('/').pop());
});

test('a template tar that is damaged, escapes its directory or holds no database is refused', () => {
  assert.equal(templateEntries(new Uint8Array(0)), undefined, 'empty: no PG_VERSION');
  const damaged = new Uint8Array(template);
  damaged[0] = damaged[0]! ^ 0xff; // the first header's name: its checksum no longer matches
  assert.equal(templateEntries(damaged), undefined);
  const escaping = new Uint8Array(template);
  const name = new TextEncoder().encode('/../../x');
  escaping.fill(0, 0, 100);
  escaping.set(name, 0);
  let sum = 0;
  for (let i = 0; i < 512; i += 1) sum += i >= 148 && i < 156 ? 32 : escaping[i]!;
  escaping.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
  assert.equal(templateEntries(escaping), undefined);
  const truncated = template.subarray(0, 4096);
  assert.equal(templateEntries(truncated), undefined);
});

test('a new store is unpacked from the template: the same schema and settings as a migrated database, private, migrations dated now', async () => {
  const storeDir = join(work, 'new-store', 'db');
  const started = Date.now();
  const store = await openPglite(storeDir, { templatePath }, pgliteStore);
  try {
    const reference = await openMemoryStore();
    try {
      assert.deepEqual(await schemaOf(store), await schemaOf(reference));
    } finally {
      await reference.close();
    }
    const { rows } = await store.query<{ applied: Date }>('SELECT min(applied_at) AS applied FROM ward_migrations');
    assert.ok(new Date(rows[0]!.applied).getTime() >= started - 1000, 'migrations are recorded as applied when the store was created');
    const settings = await store.query<{ shared_buffers: string; max_connections: string }>(
      "SELECT current_setting('shared_buffers') AS shared_buffers, current_setting('max_connections') AS max_connections",
    );
    assert.deepEqual(settings.rows[0], { shared_buffers: '8MB', max_connections: '4' });
    assert.equal(await migrate(store), 0, 'nothing left to migrate');
  } finally {
    await store.close();
  }
  assert.equal(readFileSync(join(storeDir, 'pgdata', 'postgresql.conf'), 'utf8'), EMBEDDED_POSTGRESQL_CONF.join('\n'));
  assert.equal(mode(storeDir), 0o700);
  assert.equal(mode(join(storeDir, 'pgdata')), 0o700);
  assert.deepEqual(readdirSync(storeDir), ['pgdata'], 'no partial directory and no lock left behind');
  // and it opens again as an existing store
  const reopened = await openPglite(storeDir, { templatePath }, pgliteStore);
  try {
    assert.deepEqual((await reopened.query<{ n: number }>('SELECT count(*)::int AS n FROM ward_migrations')).rows[0], { n: MIGRATIONS.length });
  } finally {
    await reopened.close();
  }
});

test('an existing data directory is opened as it is, never replaced by the template', async () => {
  const storeDir = join(work, 'existing');
  const first = await openPglite(storeDir, { templatePath }, pgliteStore);
  await first.query("INSERT INTO scans (started_at, status, source) VALUES (now(), 'complete', 'kept')");
  await first.close();
  writeFileSync(join(storeDir, 'notes.txt'), 'the customer’s own file');
  const again = await openPglite(storeDir, { templatePath }, pgliteStore);
  try {
    assert.deepEqual((await again.query<{ source: string }>('SELECT source FROM scans')).rows, [{ source: 'kept' }]);
  } finally {
    await again.close();
  }
  assert.equal(readFileSync(join(storeDir, 'notes.txt'), 'utf8'), 'the customer’s own file');
});

test('a damaged cached template is rebuilt, and a store is still created', async () => {
  const damagedPath = join(work, 'damaged-cache', 'ward', 'store-template-1111111111111111.tar');
  mkdirSync(join(work, 'damaged-cache', 'ward'), { recursive: true, mode: 0o700 });
  writeFileSync(damagedPath, 'not a tar', { mode: 0o600 });
  const storeDir = join(work, 'from-damaged');
  const store = await openPglite(storeDir, { templatePath: damagedPath }, pgliteStore);
  try {
    assert.equal((await store.query<{ n: number }>('SELECT count(*)::int AS n FROM ward_migrations')).rows[0]!.n, MIGRATIONS.length);
  } finally {
    await store.close();
  }
  assert.ok(templateEntries(readFileSync(damagedPath)), 'the cache now holds a good template');
});

test('without any template cache a store is created all the same', async () => {
  const storeDir = join(work, 'no-cache');
  const store = await openPglite(storeDir, { templatePath: undefined }, pgliteStore);
  try {
    assert.equal((await store.query<{ n: number }>('SELECT count(*)::int AS n FROM ward_migrations')).rows[0]!.n, MIGRATIONS.length);
  } finally {
    await store.close();
  }
  assert.ok(existsSync(join(storeDir, 'pgdata', 'PG_VERSION')));
});

test("PGlite's file bundle, read by the early step, goes to one database; the next ones read their own", () => {
  // before() built the template: the first database of this process, which took the bundle, and the one PGlite made
  // for initdb inside it, which read the file again (a second arrayBuffer() of the same option)
  return preparePglite().then((ready) => {
    assert.equal(ready.takeFsBundle(), undefined);
    assert.equal('fsBundle' in pgliteOptions(ready), false, 'without it PGlite reads pglite.data itself');
  });
});

test("in a new process the early step's bundle is pglite.data's bytes, handed out once", () => {
  const dataFile = join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), 'pglite.data');
  const script = `
    import { createHash } from 'node:crypto';
    import { preparePglite } from './src/store/open-pglite.ts';
    const ready = await preparePglite();
    const first = ready.takeFsBundle();
    console.log(createHash('sha256').update(new Uint8Array(first)).digest('hex'), ready.takeFsBundle() === undefined);`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const expected = createHash('sha256').update(readFileSync(dataFile)).digest('hex');
  assert.equal(run.stdout, `${expected} true\n`);
});
