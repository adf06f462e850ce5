/**
 * The store's bulk writes: `replaceInventory` of 100,000 synthetic subscriptions (their contacts normalised from
 * the emulator's synthetic tenant, raw ARM bodies and all) into a new on-disk PGlite store, then the same again over
 * it (what every later scan does), and `insertFindings` of 80,000 findings. Run with
 * `node --import tsx bench/inventory-write.bench.ts`; with WARD_BENCH_PG_URL set, also into a new database on that
 * PostgreSQL server (created for the run and dropped after; nothing else on the server is touched).
 *
 * Each measurement runs in a child process of its own, so that its peak RSS is its own. Paths compared:
 * - copy: what ward does (COPY through SqlClient.copyRows, streamed in bounded chunks);
 * - recordset: the statements ward used before (json_to_recordset / jsonb_to_recordset, 1,000 and 5,000 rows each);
 * - copy, no FK: COPY with the foreign key security_contacts.connector_id → connectors(id) dropped first;
 * - copy, no FK or index: also without the index on security_contacts.connector_id.
 * The last two only show what the per-row foreign-key check and the index cost; ward keeps both.
 *
 * Target (issue 14): the first inventory write of 100,000 subscriptions under 2 s on PGlite. Writes what it prints to
 * bench/results/inventory.txt.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queryOnce } from './query-once.js';
import { performance } from 'node:perf_hooks';
import { normaliseCapture } from '../src/core/inventory/normalise-capture.js';
import type { Finding, Inventory } from '../src/core/model.js';
import { syntheticTenant } from '../src/emulator/synthetic-tenant.js';
import { replaceInventory } from '../src/store/inventory-repository.js';
import { openStore } from '../src/store/open-store.js';
import { beginScan, insertFindings } from '../src/store/scan-repository.js';
import type { Store } from '../src/store/sql-client.js';
import { insertFindingsAsBefore, replaceInventoryAsBefore } from '../src/store/test-support/recordset-writes.js';

const SUBSCRIPTIONS = Number(process.env.WARD_BENCH_SUBSCRIPTIONS ?? 100_000);
const FINDINGS = Number(process.env.WARD_BENCH_FINDINGS ?? 80_000);
const TARGET_S = 2;
const RESULTS = fileURLToPath(new URL('./results/inventory.txt', import.meta.url));

const PATHS = ['copy', 'recordset', 'copy-no-fk', 'copy-no-fk-no-index'] as const;
type WritePath = (typeof PATHS)[number];
const LABELS: Record<WritePath, string> = {
  copy: 'copy (ward)',
  recordset: 'recordset (before)',
  'copy-no-fk': 'copy, no FK',
  'copy-no-fk-no-index': 'copy, no FK or index',
};

interface ChildResult {
  readonly connectors: number;
  readonly contacts: number;
  readonly firstS: number;
  readonly replaceS: number;
  readonly findingsS: number;
  readonly rssBeforeMb: number;
  readonly peakRssMb: number;
}

function syntheticInventory(subscriptions: number): Inventory {
  return normaliseCapture(syntheticTenant({ subscriptions, seed: 14 }).capture);
}

/** Findings as a scan of the inventory gives them: reasons with their matched filters, some excepted. */
function syntheticFindings(inventory: Inventory, count: number): Finding[] {
  const controls = ['azure-defender-security-contact-email', 'azure-defender-security-contact-notify-owners', 'azure-defender-security-contact-alert-severity'];
  const findings: Finding[] = [];
  for (let i = 0; findings.length < count; i++) {
    const connector = inventory.connectors[i % inventory.connectors.length]!;
    const controlId = controls[Math.floor(i / inventory.connectors.length) % controls.length]!;
    const status = i % 9 === 0 ? 'excepted' : i % 3 === 0 ? 'pass' : 'fail';
    findings.push({
      controlId,
      checkId: `${controlId}/check${Math.floor(i / (inventory.connectors.length * controls.length)) || ''}`,
      assetId: connector.id,
      assetName: connector.name,
      status,
      reason: status === 'pass' ? 'an additional email address is configured' : 'no security contact has an additional email address (matched [{"emails":null}])',
      severity: 'medium',
      ...(status === 'excepted'
        ? { originalStatus: 'fail' as const, exception: { id: `ex-${i}`, owner: 'secops@contoso.com', reason: 'accepted until the migration ends', expires: '2027-06-30' } }
        : {}),
    });
  }
  return findings;
}

async function newPostgresDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `ward_bench_${randomBytes(6).toString('hex')}`;
  await queryOnce(url, `CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => void (await queryOnce(url, `DROP DATABASE IF EXISTS ${name}`)),
  };
}

async function child(kind: 'pglite' | 'postgres', path: WritePath): Promise<ChildResult> {
  const inventory = syntheticInventory(SUBSCRIPTIONS);
  const findings = syntheticFindings(inventory, FINDINGS);
  let store: Store;
  let cleanup: () => Promise<void>;
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'ward-bench-write-'));
    store = await openStore({ location: dir });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const database = await newPostgresDatabase(process.env.WARD_BENCH_PG_URL!);
    store = await openStore({ location: database.url });
    cleanup = database.drop;
  }
  try {
    if (path === 'copy-no-fk' || path === 'copy-no-fk-no-index') await store.exec('ALTER TABLE security_contacts DROP CONSTRAINT security_contacts_connector_id_fkey');
    if (path === 'copy-no-fk-no-index') await store.exec('DROP INDEX security_contacts_connector_id');
    const write = (scanId: number) =>
      path === 'recordset'
        ? replaceInventoryAsBefore(store, inventory, { collectedAt: new Date(), scanId })
        : replaceInventory(store, inventory, { collectedAt: new Date(), scanId, scope: 'all' });
    const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
    const scanId = await beginScan(store, 'bench', new Date());
    let started = performance.now();
    await write(scanId);
    const firstS = (performance.now() - started) / 1000;
    started = performance.now();
    await write(scanId);
    const replaceS = (performance.now() - started) / 1000;
    started = performance.now();
    await store.transaction((tx) => (path === 'recordset' ? insertFindingsAsBefore(tx, scanId, findings) : insertFindings(tx, scanId, findings)));
    const findingsS = (performance.now() - started) / 1000;
    const counts = await store.query<{ connectors: number; contacts: number }>(
      'SELECT (SELECT count(*)::int FROM connectors) AS connectors, (SELECT count(*)::int FROM security_contacts) AS contacts',
    );
    return {
      connectors: counts.rows[0]!.connectors,
      contacts: counts.rows[0]!.contacts,
      firstS,
      replaceS,
      findingsS,
      rssBeforeMb,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await store.close();
    await cleanup();
  }
}

function runChild(kind: 'pglite' | 'postgres', path: WritePath): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', kind, path], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (result.status !== 0) throw new Error(`the ${kind} ${path} run failed (${result.status ?? result.signal}):\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

const fixed = (value: number, digits = 2) => value.toFixed(digits).padStart(7);

async function main(): Promise<void> {
  const kinds: ('pglite' | 'postgres')[] = process.env.WARD_BENCH_PG_URL ? ['pglite', 'postgres'] : ['pglite'];
  const paths = (process.env.WARD_BENCH_PATHS?.split(',') as WritePath[] | undefined) ?? [...PATHS];
  const before = loadavg().map((n) => n.toFixed(2)).join(' ');
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    console.log(line);
  };
  print(`inventory write: ${SUBSCRIPTIONS.toLocaleString('en')} subscriptions, ${FINDINGS.toLocaleString('en')} findings; ${cpus().length} cores, Node ${process.version}, load average ${before}`);
  print('store     path                    contacts   first s  replace s  findings s  RSS before MB  peak RSS MB');
  for (const kind of kinds) {
    for (const path of paths) {
      const r = runChild(kind, path);
      print(
        `${kind.padEnd(9)} ${LABELS[path].padEnd(22)} ${String(r.contacts).padStart(9)}  ${fixed(r.firstS)}  ${fixed(r.replaceS, 2).padStart(9)}  ${fixed(r.findingsS).padStart(10)}  ${fixed(r.rssBeforeMb, 0).padStart(13)}  ${fixed(r.peakRssMb, 0).padStart(11)}`,
      );
      if (kind === 'pglite' && path === 'copy') print(`          target: first write under ${TARGET_S} s: ${r.firstS < TARGET_S ? 'met' : 'NOT met'}`);
    }
  }
  print(`load average after: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  writeFileSync(RESULTS, `${new Date().toISOString()}\n${lines.join('\n')}\n`);
  console.log(`written to ${RESULTS}`);
}

if (process.argv[2] === '--child') {
  const result = await child(process.argv[3] as 'pglite' | 'postgres', process.argv[4] as WritePath);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}
