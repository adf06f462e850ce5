/**
 * `npm run bench:eval`: the seed check over 100,000 subscriptions (~150,000 security contacts) in an in-memory
 * PGlite, four ways: through the compiler (executeQuery), the compiled SQL alone, a hand-written SQL query for
 * the same question, and the in-memory reference evaluator. Prints median timings and ratios and writes them
 * to bench/results/eval.txt. Target: compiled SQL within 1.5x of the hand-written query.
 */
import { readFileSync } from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseValue, valueFromAST, type GraphQLInputType } from 'graphql';
import type { ConnectorRecord, Inventory, SecurityContactRecord } from '../src/core/model.js';
import { executeQuery } from '../src/core/query/execute-query.js';
import { buildInventorySchema, inventoryStorageModel, typeModel } from '../src/core/query/inventory-schema.js';
import { ReferenceEvaluator } from '../src/core/query/reference-evaluator.js';
import { compileSelect } from '../src/core/query/sql-printer.js';
import { parseWhere } from '../src/core/query/where-parser.js';
import { replaceInventory } from '../src/store/inventory-repository.js';
import { openMemoryStore } from '../src/store/test-store.js';

const CONNECTORS = 100_000;
const WARMUP = 2;
const RUNS = 7;

/** The stored seed check, read from the control folder so that what is measured is what ships. */
const SEED_CHECK = readFileSync(new URL('../controls/azure/defender/azure-defender-security-contact-email/check.graphql', import.meta.url), 'utf8');

const SEED_WHERE = '{ OR: [{ securityContacts_SOME: null }, { securityContacts_SOME: { email: null } }, { securityContacts_SOME: { email: "" } }] }';

const HAND_WRITTEN = `
  SELECT c.id, c.name, c.type, c.provider
  FROM connectors c
  WHERE NOT EXISTS (SELECT 1 FROM security_contacts s WHERE s.connector_id = c.id)
     OR EXISTS (SELECT 1 FROM security_contacts s WHERE s.connector_id = c.id AND (s.email IS NULL OR s.email = ''))
  ORDER BY c.id`;

/** A small deterministic PRNG (mulberry32) so every run measures the same inventory. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ~10% without contacts, half with one, a quarter with two, the rest three; most addresses good, some "" or null. */
function inventory(): Inventory {
  const next = random(42);
  const connectors: ConnectorRecord[] = [];
  const securityContacts: SecurityContactRecord[] = [];
  for (let i = 0; i < CONNECTORS; i++) {
    const guid = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    const id = `/subscriptions/${guid}`;
    connectors.push({ id, name: `subscription-${i}`, provider: 'azure', subscriptionId: guid, tenantId: 'tenant-1', state: 'Enabled', tags: { env: i % 3 ? 'prod' : 'dev' }, readError: null });
    const roll = next();
    const contacts = roll < 0.1 ? 0 : roll < 0.6 ? 1 : roll < 0.85 ? 2 : 3;
    for (let c = 0; c < contacts; c++) {
      const kind = next();
      const email = kind < 0.04 ? '' : kind < 0.08 ? null : kind < 0.13 ? `sec-${i}@example.com;soc@example.com` : `sec-${i}@example.com`;
      const name = contacts === 1 ? 'default' : `default${c + 1}`;
      securityContacts.push({
        id: `${id}/providers/Microsoft.Security/securityContacts/${name}`,
        name,
        connectorId: id,
        email,
        emails: email ? email.split(';') : [],
        invalidEmails: [],
        phone: null,
        isEnabled: null,
        alertNotifications: 'On',
        alertMinimalSeverity: 'High',
        alertsToAdmins: null,
        notificationsByRole: { state: 'On', roles: ['Owner'] },
        notificationsSources: null,
        apiVersion: '2020-01-01-preview',
        enabled: true,
        notifiedRoles: ['Owner'],
        alertSeverities: ['High'],
        attackPathRiskLevels: [],
        raw: { id: `${id}/providers/Microsoft.Security/securityContacts/${name}`, name, properties: { emails: email } },
      });
    }
  }
  return { connectors, securityContacts };
}

interface Timing {
  readonly ms: number;
  readonly count: number;
}

/**
 * Runs every contender WARMUP + RUNS times, interleaved (one of each per round, in rotating order), so that load
 * from other processes on a shared machine falls on all of them alike; returns each one's median.
 */
async function interleavedMedians(contenders: readonly (() => Promise<number>)[]): Promise<Timing[]> {
  const times: number[][] = contenders.map(() => []);
  const counts: number[] = contenders.map(() => -1);
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (k + round) % contenders.length;
      const start = performance.now();
      const count = await contenders[index]!();
      const elapsed = performance.now() - start;
      if (counts[index] !== -1 && counts[index] !== count) throw new Error(`result count changed between runs: ${counts[index]} then ${count}`);
      counts[index] = count;
      if (round >= WARMUP) times[index]!.push(elapsed);
    }
  }
  return times.map((list, index) => {
    const sorted = [...list].sort((a, b) => a - b);
    return { ms: sorted[Math.floor(sorted.length / 2)]!, count: counts[index]! };
  });
}

const data = inventory();
const store = await openMemoryStore();
try {
  const loadStart = performance.now();
  await replaceInventory(store, data, { collectedAt: new Date('2025-01-01T00:00:00Z'), scanId: null, scope: 'all' });
  const loadMs = performance.now() - loadStart;
  await store.exec('ANALYZE connectors; ANALYZE security_contacts;');

  const model = inventoryStorageModel();
  const Connector = typeModel(model, 'Connector');
  const tree = parseWhere(valueFromAST(parseValue(SEED_WHERE), buildInventorySchema().getType('ConnectorWhere') as GraphQLInputType), Connector, model);
  const compiled = compileSelect(model, Connector, tree, { fields: ['id', 'name', 'type', 'provider'] });

  const [viaCompiler, compiledSql, handWritten, reference] = (await interleavedMedians([
    async () => ((await executeQuery(store, SEED_CHECK)).data!.connectors as unknown[]).length,
    async () => (await store.query(compiled.sql, compiled.params)).rows.length,
    async () => (await store.query(HAND_WRITTEN)).rows.length,
    async () => new ReferenceEvaluator(data, model).select(Connector, tree).length,
  ])) as [Timing, Timing, Timing, Timing];

  const counts = [viaCompiler.count, compiledSql.count, handWritten.count, reference.count];
  if (new Set(counts).size !== 1) throw new Error(`the four evaluations disagree on the result count: ${counts.join(', ')}`);

  const ratio = compiledSql.ms / handWritten.ms;
  const fmt = (ms: number): string => `${ms.toFixed(1).padStart(8)} ms`;
  const lines = [
    `ward bench:eval — the seed check over ${data.connectors.length.toLocaleString('en-US')} connectors and ${data.securityContacts.length.toLocaleString('en-US')} security contacts (PGlite in memory)`,
    `node ${process.version}, ${process.platform}/${process.arch}; median of ${RUNS} interleaved runs after ${WARMUP} warm-up rounds; load average at start ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
    `load (replaceInventory, one transaction): ${fmt(loadMs)}`,
    `flagged connectors (all four agree): ${viaCompiler.count.toLocaleString('en-US')}`,
    '',
    `executeQuery (parse, validate, SQL, GraphQL result): ${fmt(viaCompiler.ms)}  (${(viaCompiler.ms / handWritten.ms).toFixed(2)}x hand-written)`,
    `compiled SQL alone:                                  ${fmt(compiledSql.ms)}  (${ratio.toFixed(2)}x hand-written; target <= 1.50x: ${ratio <= 1.5 ? 'met' : 'NOT MET'})`,
    `hand-written SQL:                                    ${fmt(handWritten.ms)}`,
    `reference evaluator (in memory):                     ${fmt(reference.ms)}  (${(reference.ms / handWritten.ms).toFixed(2)}x hand-written)`,
    '',
    'compiled SQL:',
    `  ${compiled.sql}`,
    `  params: ${JSON.stringify(compiled.params)}`,
  ];
  const report = `${lines.join('\n')}\n`;
  process.stdout.write(report);
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'eval.txt');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, report);
  if (ratio > 1.5) process.exitCode = 1;
} finally {
  await store.close();
}
