/**
 * `npm run bench:eval`: every check of the four shipped controls over 100,000 subscriptions (~150,000 security
 * contacts) in an in-memory PGlite. For each check: the engine's query step (parse, validate, the root's compiled
 * SQL: executeRootIds) against a hand-written SQL query for the same question, and the whole
 * engine (evaluateControls: every check, per-asset verdicts and explanations) against the hand-written total.
 * Every result is checked against the reference evaluator. Prints median timings and ratios and writes them to
 * bench/results/eval.txt. Target: the checks' total within 1.5x of the hand-written total.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { checkVariables } from '../src/core/control/control-parameters.js';
import type { Check, ConnectorRecord, Control, Inventory, SecurityContactRecord } from '../src/core/model.js';
import { executeRootIds, validateCheckQuery } from '../src/core/query/execute-query.js';
import { notificationsOf } from '../src/core/inventory/normalise-capture.js';
import { BUILTIN_CONTROLS_DIR } from '../src/core/package-paths.js';
import { evaluateControls } from '../src/scan/evaluate-controls.js';
import { loadControls } from '../src/scan/load-controls.js';
import { replaceInventory } from '../src/store/inventory-repository.js';
import { openMemoryStore } from '../src/store/test-support/test-store.js';
import { runCheckInMemory } from '../src/core/remediation/test-support/evaluate-control-in-memory.js';

const CONNECTORS = 100_000;
const WARMUP = 2;
const RUNS = 7;

/** The same five questions, written by hand (the checks' parameters at their defaults: High). */
const HAND_WRITTEN: Readonly<Record<string, string>> = {
  'azure-defender-security-contact-email/check': `
    SELECT c.id FROM connectors c
    WHERE NOT EXISTS (SELECT 1 FROM security_contacts s WHERE s.connector_id = c.id)
       OR EXISTS (SELECT 1 FROM security_contacts s WHERE s.connector_id = c.id AND (s.email IS NULL OR s.email = ''))
    ORDER BY c.id`,
  'azure-defender-security-contact-email/valid-address': `
    SELECT c.id FROM connectors c
    WHERE NOT EXISTS (SELECT 1 FROM security_contacts s WHERE s.connector_id = c.id)
       OR EXISTS (SELECT 1 FROM security_contacts s WHERE s.connector_id = c.id AND (s.emails = '{}' OR s.invalid_emails <> '{}'))
    ORDER BY c.id`,
  'azure-defender-security-contact-notify-owners/check': `
    SELECT c.id FROM connectors c
    WHERE NOT EXISTS (SELECT 1 FROM security_contacts s WHERE s.connector_id = c.id AND s.enabled AND 'Owner' = ANY (s.notified_roles))
    ORDER BY c.id`,
  'azure-defender-security-contact-alert-severity/check': `
    SELECT c.id FROM connectors c
    WHERE NOT EXISTS (SELECT 1 FROM security_contacts s WHERE s.connector_id = c.id AND s.enabled AND 'High' = ANY (s.alert_severities))
    ORDER BY c.id`,
  'azure-defender-security-contact-attack-path/check': `
    SELECT c.id FROM connectors c
    WHERE NOT EXISTS (SELECT 1 FROM security_contacts s WHERE s.connector_id = c.id AND s.enabled AND 'High' = ANY (s.attack_path_risk_levels))
    ORDER BY c.id`,
};

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

/**
 * ~10% without contacts, half with one, a quarter with two, the rest three; most addresses good, some "" or null;
 * a mix of 2017, 2020 and 2023 notification settings, some 2023 contacts disabled.
 */
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
      const shape = next();
      const settings = {
        apiVersion: shape < 0.3 ? '2017-08-01-preview' : shape < 0.6 ? '2020-01-01-preview' : '2023-12-01-preview',
        isEnabled: shape < 0.6 ? null : next() > 0.1,
        alertNotifications: next() < 0.8 ? 'On' : 'Off',
        alertMinimalSeverity: (['Low', 'Medium', 'High'] as const)[Math.floor(next() * 3)]!,
        alertsToAdmins: shape < 0.3 ? (next() < 0.7 ? 'On' : 'Off') : null,
        notificationsByRole: shape < 0.3 ? null : { state: next() < 0.8 ? 'On' : 'Off', roles: next() < 0.7 ? ['Owner'] : ['Contributor'] },
        notificationsSources:
          shape < 0.6 ? null : next() < 0.6 ? [{ sourceType: 'AttackPath', minimalRiskLevel: (['Low', 'Medium', 'High', 'Critical'] as const)[Math.floor(next() * 4)]! }] : [],
      };
      securityContacts.push({
        id: `${id}/providers/Microsoft.Security/securityContacts/${name}`,
        name,
        connectorId: id,
        email,
        emails: email ? email.split(';') : [],
        invalidEmails: [],
        phone: null,
        ...settings,
        ...notificationsOf(settings),
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
const controls: Control[] = loadControls(BUILTIN_CONTROLS_DIR, BUILTIN_CONTROLS_DIR);
const checks: { control: Control; check: Check }[] = controls.flatMap((control) => control.checks.map((check) => ({ control, check })));
const store = await openMemoryStore();
try {
  const loadStart = performance.now();
  await replaceInventory(store, data, { collectedAt: new Date('2025-01-01T00:00:00Z'), scanId: null, scope: 'all' });
  const loadMs = performance.now() - loadStart;
  await store.exec('ANALYZE connectors; ANALYZE security_contacts;');

  const contenders: (() => Promise<number>)[] = [];
  for (const { control, check } of checks) {
    const variables = checkVariables(control, check);
    const handWritten = HAND_WRITTEN[check.id];
    if (!handWritten) throw new Error(`no hand-written SQL for ${check.id}`);
    // what the engine runs for a per-asset check: validate (with its own id selection), then the root's compiled SQL
    contenders.push(async () => (await executeRootIds(store, validateCheckQuery(check.query, check.file), check.rootField, variables))!.length);
    contenders.push(async () => (await store.query(handWritten)).rows.length);
  }
  contenders.push(async () => (await evaluateControls(store, controls, data)).length);
  const timings = await interleavedMedians(contenders);
  const engine = timings.at(-1)!;

  const fmt = (ms: number): string => `${ms.toFixed(1).padStart(8)} ms`;
  const rows: string[] = [];
  let compiledTotal = 0;
  let handTotal = 0;
  checks.forEach(({ control, check }, index) => {
    const compiled = timings[2 * index]!;
    const hand = timings[2 * index + 1]!;
    // the oracle: the reference evaluator over the same inventory must flag the same number of subscriptions
    const oracle = runCheckInMemory(check.query, check.file, check.rootField, data, checkVariables(control, check));
    const oracleCount = oracle.ok ? oracle.ids.length : -1;
    if (compiled.count !== hand.count || compiled.count !== oracleCount) {
      throw new Error(`${check.id}: the compiled SQL flags ${compiled.count}, the hand-written ${hand.count}, the reference evaluator ${oracleCount}`);
    }
    compiledTotal += compiled.ms;
    handTotal += hand.ms;
    rows.push(`  ${check.id.padEnd(55)} ${compiled.count.toLocaleString('en-US').padStart(7)} flagged  compiled ${fmt(compiled.ms)}  hand-written ${fmt(hand.ms)}  (${(compiled.ms / hand.ms).toFixed(2)}x)`);
  });
  const ratio = compiledTotal / handTotal;
  const lines = [
    `ward bench:eval — the ${checks.length} checks of ${controls.length} controls over ${data.connectors.length.toLocaleString('en-US')} connectors and ${data.securityContacts.length.toLocaleString('en-US')} security contacts (PGlite in memory)`,
    `node ${process.version}, ${process.platform}/${process.arch}; median of ${RUNS} interleaved runs after ${WARMUP} warm-up rounds; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`,
    `load (replaceInventory, one transaction): ${fmt(loadMs)}`,
    '',
    'per check (compiled: parse and validate the stored check, then its compiled SQL, as the engine runs it; every count equals the reference evaluator\'s):',
    ...rows,
    '',
    `all checks, compiled:   ${fmt(compiledTotal)}  (${ratio.toFixed(2)}x hand-written; target <= 1.50x: ${ratio <= 1.5 ? 'met' : 'NOT MET'})`,
    `all checks, hand-written: ${fmt(handTotal)}`,
    `whole engine (evaluateControls: ${controls.length} controls, ${engine.count.toLocaleString('en-US')} findings with verdicts and explanations): ${fmt(engine.ms)}  (${(engine.ms / handTotal).toFixed(2)}x the hand-written queries)`,
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
