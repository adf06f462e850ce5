import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { listExceptionEvents } from './exception-repository.js';
import { findingsOfScan, judgedFindingsAt } from './finding-state-repository.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { openStore, pgliteStore } from './open-store.js';
import { readTrend } from './report-history-repository.js';
import { listScans } from './scan-repository.js';
import type { SqlClient, Store } from './sql-client.js';
import { loadStoreRows, type StoreRows } from './test-support/load-store-rows.js';
import { postgresTestDatabaseUrl, TEST_STORE_KINDS } from './test-support/test-store.js';
import { readCurrentFindings } from '../scan/current-findings.js';
import { scanDiff } from '../scan/scan-diff.js';

/**
 * A store written by ward before migration 11 (fixtures/store-v10: seven scans of the sample tenant with
 * exceptions, narrowed scans, a failed scan, a subscription gone and back) and what that ward read from it.
 * Migrated, the store must answer every read exactly as before.
 */
const FIXTURE = new URL('./test-support/fixtures/store-v10/', import.meta.url);
const rows = JSON.parse(readFileSync(new URL('rows.json', FIXTURE), 'utf8')) as StoreRows;
const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURE), 'utf8')) as {
  readTime: string;
  completeScans: number[];
  order: string[];
  reads: { label: string; result: unknown }[];
};

/** What JSON makes of a value (Dates as ISO strings, no undefined), as the fixture's reads were recorded. */
// `prunedAt` and `pin` (ScanRow) came after the fixture was recorded: null on every scan of a store never pruned or
// pinned, so left out here
const laterNullFields = new Set(['prunedAt', 'pin']);
const plain = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (key, v: unknown) => (laterNullFields.has(key) && v === null ? undefined : v))) as unknown;

/** The fixture's reads, in its order (reading current findings may log expired exceptions, so order matters). */
async function performReads(client: SqlClient): Promise<{ label: string; result: unknown }[]> {
  const reads: { label: string; result: unknown }[] = [];
  const read = async (label: string, work: () => Promise<unknown>) => reads.push({ label, result: plain(await work()) });
  const complete = expected.completeScans;
  const options = { now: new Date(expected.readTime), actor: 'fixture', source: 'fixture' };
  for (const k of complete) await read(`readCurrentFindings(scanId=${k})`, () => readCurrentFindings(client, { ...options, scanId: k }));
  await read('readCurrentFindings(latest)', () => readCurrentFindings(client, options));
  await read('scanDiff()', () => scanDiff(client));
  for (let i = 1; i < complete.length; i += 1) await read(`scanDiff(${complete[i - 1]}, ${complete[i]})`, () => scanDiff(client, complete[i - 1], complete[i]));
  await read(`scanDiff(${complete[0]}, ${complete.at(-1)})`, () => scanDiff(client, complete[0], complete.at(-1)));
  await read('readTrend()', () => readTrend(client));
  for (const k of complete) await read(`readTrend(upToScanId=${k})`, () => readTrend(client, { upToScanId: k }));
  for (const k of complete) {
    await read(`judgedFindingsAt(${k})`, () => judgedFindingsAt(client, k));
    await read(`findingsOfScan(${k})`, () => findingsOfScan(client, k));
  }
  await read('listScans()', () => listScans(client));
  await read('listExceptionEvents()', () => listExceptionEvents(client));
  return reads;
}

/** A store at schema 10 holding the fixture's rows, on each kind. */
async function storeAtV10(kind: 'pglite' | 'postgres'): Promise<Store> {
  const before = MIGRATIONS.filter((m) => m.version <= rows.schemaVersion);
  if (kind === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new PGlite();
    await db.waitReady;
    const store = pgliteStore(db, 'memory', () => db.close());
    await migrate(store, before);
    await loadStoreRows(store, rows);
    await migrate(store);
    return store;
  }
  const url = (await postgresTestDatabaseUrl())!;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const raw: SqlClient = {
      query: async <Row>(sql: string, params?: readonly unknown[]) => ({ rows: (await client.query(sql, params ? [...params] : [])).rows as Row[] }),
      exec: async (sql) => void (await client.query(sql)),
      transaction: async (work) => {
        await client.query('BEGIN');
        try {
          const result = await work(raw);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      },
      copyRows: () => Promise.reject(new Error('not used')),
    };
    await migrate(raw, before);
    await loadStoreRows(raw, rows);
  } finally {
    await client.end();
  }
  return openStore({ location: url }); // migrates to the newest schema
}

for (const kind of TEST_STORE_KINDS) {
  test(`migration 11 carries a store written before it: findings, history, diff, trend and scans read exactly as before (${kind.name})`, { skip: kind.skip }, async () => {
    const store = await storeAtV10(kind.name);
    try {
      const count = async (table: string) => Number((await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);
      assert.equal(await count('staged_findings'), 0, 'every stored verdict was folded into the state');
      assert.ok((await count('finding_changes')) < 48 * expected.completeScans.length / 4, 'only changes are kept');
      const reads = await performReads(store);
      assert.deepEqual(reads.map((r) => r.label), expected.order);
      for (const [index, read] of reads.entries()) assert.deepEqual(read.result, expected.reads[index]!.result, read.label);
    } finally {
      await store.close();
    }
  });
}
