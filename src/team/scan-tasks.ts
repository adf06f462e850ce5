/**
 * The three jobs of a queued scan, run by `ward worker` on graphile-worker:
 *
 *   plan    (one per connector)  lists the connector's subscriptions and splits them into batches
 *   batch   (one per batch)      reads the batch's contacts, judges them with THE engine and stores the findings
 *   finish  (one per scan)       swaps the staged inventory in and marks the scan complete, in one transaction
 *
 * Every job can run twice (a retry, a worker killed after its commit but before graphile-worker heard of it): each
 * one checks, in its transaction, whether its work is already stored, and stores nothing twice. A batch's findings
 * go into `findings` under the queued scan's id, which no reader looks at until the scan is complete; its inventory
 * rows wait in `staged_inventory`. One connector's failure never stops the others: its subscriptions are judged
 * `error` with the reason, never `pass`.
 */
import { applyExceptions } from '../core/engine/apply-exceptions.js';
import { WardError, isWardError } from '../core/errors.js';
import { normaliseCapture } from '../core/inventory/normalise-capture.js';
import type { Capture, CapturedBody } from '../core/inventory/capture.js';
import { isObject } from '../core/is-object.js';
import type { Control, Finding, Inventory, ReadError } from '../core/model.js';
import type { ConnectorConfig } from '../core/team/connector-config.js';
import type { ArmClient } from '../connectors/azure/arm-client.js';
import { readContacts, subscriptionIdOf } from '../connectors/azure/collect-capture.js';
import { listScopeSubscriptions } from '../connectors/azure/list-scope-subscriptions.js';
import { getConnectorConfig } from '../store/connector-config-repository.js';
import { listExceptions, recordExpiredExceptions } from '../store/exception-repository.js';
import { replaceInventory } from '../store/inventory-repository.js';
import { toDate } from '../store/row-timestamps.js';
import { foldStagedFindings, vacuumStateSnapshots } from '../store/finding-state-repository.js';
import { completeScan, failScan, insertFindings, type ScanSummary } from '../store/scan-repository.js';
import type { SqlClient, Store } from '../store/sql-client.js';
import { evaluateControls } from '../scan/evaluate-controls.js';
import { connectorQueue, type QueueOptions } from './queued-scan.js';
import { TASKS, addJob } from './team-jobs.js';
import { withShadowInventory } from '../store/shadow-inventory.js';

/** What the jobs are given: the store, the clock, how to judge and how to reach ARM for a connector. */
export interface ScanJobRuntime {
  readonly store: Store;
  readonly now: () => Date;
  /** The worker's controls, narrowed and with the parameter values the scan was enqueued with. */
  controlsFor(options: QueueOptions): readonly Control[];
  /** An ARM client signed in as the connector says; throws a WardError when this worker lacks the credential. */
  connect(config: ConnectorConfig): ArmClient;
  /** Failures of a batch (not counting a killed worker) before its subscriptions are judged `error` (default 3). */
  readonly batchFailureLimit?: number;
  readonly signal?: AbortSignal;
}

/** What graphile-worker says about the attempt being run. */
export interface JobAttempt {
  readonly attempts: number;
  readonly maxAttempts: number;
}

interface QueuedScanRow {
  id: number;
  started_at: Date | string;
  status: string;
  queue_options: QueueOptions;
  connectors: string[];
}

async function queuedScan(client: SqlClient, scanId: number, lock = false): Promise<QueuedScanRow | undefined> {
  const { rows } = await client.query<QueuedScanRow>(
    `SELECT id, started_at, status, queue_options, connectors FROM scans WHERE id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`,
    [scanId],
  );
  const row = rows[0];
  return row && row.status === 'queued' ? row : undefined;
}

const startedAtOf = (scan: QueuedScanRow): Date => toDate(scan.started_at);

/** Read errors a whole connector or batch gets when it could not be read: every control is `error` for them. */
const CONNECTOR_FAILED = 'ConnectorFailed';
const BATCH_FAILED = 'BatchFailed';

/** Auth and configuration problems do not get better with retries: the connector is judged `error` at once. */
function isPermanent(error: unknown): boolean {
  if (!isWardError(error)) return false;
  if (error.code === 'CREDENTIAL_MISSING' || error.code === 'USAGE') return true;
  return /^(AuthenticationFailed|InvalidAuthenticationToken|ExpiredAuthenticationToken|AuthorizationFailed|NotFound|ManagementGroupNotFound)\b/.test(error.message);
}

function messageOf(error: unknown): string {
  return isWardError(error) ? `${error.message}${error.hint ? ` (${error.hint})` : ''}` : ((error as Error)?.message ?? String(error));
}

/**
 * Findings for an asset that stands for the connector itself (`connector:<name>`): a connector that could not be
 * listed, or listed no subscription, is an `error` for every control, so the scan can never read as a pass.
 */
function connectorErrorFindings(controls: readonly Control[], connector: string, reason: string): Finding[] {
  return controls.map((control) => ({
    controlId: control.id,
    checkId: control.checks[0]?.id ?? 'connector',
    assetId: `connector:${connector}`,
    assetName: `${connector} (connector)`,
    status: 'error' as const,
    reason,
    severity: control.severity,
    connector,
  }));
}

/** Marks a connector planned or failed and, when that was the last thing missing, adds the finishing job. */
async function settleConnector(
  tx: SqlClient,
  scanId: number,
  connector: string,
  outcome: { status: 'planned' | 'failed'; batches: number; subscriptions: number; error: string | null },
): Promise<void> {
  await tx.query('UPDATE scan_connectors SET status = $3, batches = $4, subscriptions = $5, error = $6 WHERE scan_id = $1 AND connector_name = $2', [
    scanId,
    connector,
    outcome.status,
    outcome.batches,
    outcome.subscriptions,
    outcome.error,
  ]);
  await finishWhenComplete(tx, scanId);
}

/** Every connector of the scan planned (or failed) and every batch stored (or judged failed). */
async function allStored(tx: SqlClient, scanId: number): Promise<boolean> {
  const { rows } = await tx.query<{ open: number }>(
    `SELECT (SELECT count(*) FROM scan_connectors WHERE scan_id = $1 AND status = 'pending')
          + (SELECT count(*) FROM scan_batches WHERE scan_id = $1 AND status = 'pending') AS open`,
    [scanId],
  );
  return Number(rows[0]?.open ?? 1) === 0;
}

/**
 * Adds the finishing job when every connector is planned and every batch stored. The scan row is locked first, so
 * that of two batches committing at once the second sees the first and exactly one of them adds the job. The lock
 * is FOR NO KEY UPDATE: each batch's findings already hold a key-share lock on the row (their foreign key), which
 * FOR UPDATE would wait for, deadlocking two batches.
 */
async function finishWhenComplete(tx: SqlClient, scanId: number): Promise<void> {
  const scan = await queuedScan(tx, scanId, true);
  if (!scan) return;
  if (await allStored(tx, scanId)) await addJob(tx, TASKS.finishScan, { scanId }, { jobKey: `ward:scan:${scanId}:finish`, maxAttempts: 25 });
}

/** Splits `items` into batches of `size`. */
function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Commits one batch and its job: workers start on it while the plan goes on listing. */
async function addBatch(tx: SqlClient, scanId: number, config: Pick<ConnectorConfig, 'name' | 'maxConcurrency'>, index: number, subscriptions: readonly unknown[]): Promise<void> {
  const { rows } = await tx.query<{ batch: number }>(
    "INSERT INTO scan_batches (scan_id, connector_name, batch, subscriptions, status) VALUES ($1, $2, $3, $4::jsonb, 'pending') ON CONFLICT DO NOTHING RETURNING batch",
    [scanId, config.name, index, JSON.stringify(subscriptions)],
  );
  if (rows.length === 0) return;
  // a connector's batches spread over its slots: at most maxConcurrency of them run at once, whatever the workers
  await addJob(tx, TASKS.scanBatch, { scanId, connector: config.name, batch: index }, {
    queueName: connectorQueue(config.name, index % Math.max(1, config.maxConcurrency)),
    jobKey: `ward:scan:${scanId}:batch:${config.name}:${index}`,
    maxAttempts: 25,
  });
}

/**
 * The batches a connector's plan has committed so far (a plan rerun after a crash goes on from them): the next
 * batch number and every subscription id already in a batch, so that no subscription is batched twice.
 */
async function plannedSoFar(client: SqlClient, scanId: number, connector: string): Promise<{ next: number; batched: Set<string> }> {
  const { rows } = await client.query<{ batch: number; id: string | null }>(
    `SELECT b.batch, lower(s.item->>'subscriptionId') AS id
     FROM scan_batches b LEFT JOIN LATERAL jsonb_array_elements(b.subscriptions) AS s(item) ON true
     WHERE b.scan_id = $1 AND b.connector_name = $2`,
    [scanId, connector],
  );
  return { next: rows.reduce((max, row) => Math.max(max, Number(row.batch) + 1), 0), batched: new Set(rows.flatMap((row) => (row.id ? [row.id] : []))) };
}

/**
 * `plan`: list the connector's scope and commit its batches page by page; a connector that cannot be listed (or
 * lists nothing) is judged `error`: its subscriptions of earlier scans stay, read as errors, never passes.
 */
export async function planScanJob(runtime: ScanJobRuntime, payload: { scanId: number; connector: string }, attempt: JobAttempt): Promise<void> {
  const { store } = runtime;
  const scan = await queuedScan(store, payload.scanId);
  if (!scan) return;
  const { rows: state } = await store.query<{ status: string }>('SELECT status FROM scan_connectors WHERE scan_id = $1 AND connector_name = $2', [payload.scanId, payload.connector]);
  if (state[0]?.status !== 'pending') return; // planned already (a rerun)
  const config = await getConnectorConfig(store, payload.connector);
  const size = scan.queue_options.batchSize;
  const planned = await plannedSoFar(store, payload.scanId, payload.connector);
  let next = planned.next;
  let failure: string | undefined;
  let listed = 0;
  if (!config) {
    failure = `connector ${payload.connector} was removed after the scan was queued`;
  } else {
    const pending: Record<string, unknown>[] = [];
    let commits: Promise<void> = Promise.resolve();
    const commit = (force: boolean): void => {
      while (pending.length >= size || (force && pending.length > 0)) {
        const batch = pending.splice(0, size);
        const index = next++;
        commits = commits.then(() => store.transaction((tx) => addBatch(tx, payload.scanId, config, index, batch)));
      }
    };
    try {
      const client = runtime.connect(config);
      const scope = { subscriptionIds: config.subscriptions, managementGroupId: config.managementGroup, excludeSubscriptionIds: config.excludeSubscriptions };
      const result = await listScopeSubscriptions(
        client,
        scope,
        (items) => {
          for (const item of items) if (!planned.batched.has(String(item.subscriptionId).toLowerCase())) pending.push(item);
          commit(false);
        },
        runtime.signal,
      );
      listed = result.count;
      commit(true);
      await commits;
    } catch (error) {
      await commits.catch(() => undefined);
      if (runtime.signal?.aborted) throw error;
      // a network blip is retried (graphile-worker backs off; the batches committed so far stay); a missing
      // credential or a refused sign-in is not
      if (!isPermanent(error) && attempt.attempts < Math.min(attempt.maxAttempts, runtime.batchFailureLimit ?? 3)) throw error;
      failure = messageOf(error);
    }
  }
  await store.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: string }>('SELECT status FROM scan_connectors WHERE scan_id = $1 AND connector_name = $2 FOR UPDATE', [
      payload.scanId,
      payload.connector,
    ]);
    if (rows[0]?.status !== 'pending' || !(await queuedScan(tx, payload.scanId))) return;
    const so = await batchCounts(tx, payload.scanId, payload.connector);
    if (failure === undefined && so.subscriptions > 0) {
      await settleConnector(tx, payload.scanId, payload.connector, { status: 'planned', ...so, error: null });
      return;
    }
    const reason =
      failure !== undefined
        ? `connector ${payload.connector} could not be read: ${failure}`
        : `connector ${payload.connector} found no subscriptions in its scope (listed ${listed}): nothing was judged, and an empty tenant is not a pass`;
    const controls = runtime.controlsFor(scan.queue_options);
    await insertFindings(tx, payload.scanId, connectorErrorFindings(controls, payload.connector, reason), { ignoreExisting: true });
    // the subscriptions it read last time, and not batched yet, stay in the inventory judged `error`: not gone, not passing
    const batched = await plannedSoFar(tx, payload.scanId, payload.connector);
    const known = (await knownSubscriptions(tx, payload.connector)).filter((item) => !batched.batched.has(String(item.subscriptionId).toLowerCase()));
    await tx.query("UPDATE scan_connectors SET status = 'failed', error = $3 WHERE scan_id = $1 AND connector_name = $2", [payload.scanId, payload.connector, reason]);
    let index = batched.next;
    for (const items of chunk(known, size)) await addBatch(tx, payload.scanId, { name: payload.connector, maxConcurrency: config?.maxConcurrency ?? 1 }, index++, items);
    await settleConnector(tx, payload.scanId, payload.connector, { status: 'failed', ...(await batchCounts(tx, payload.scanId, payload.connector)), error: reason });
  });
}

/** How many batches a connector's plan has committed, and the subscriptions in them. */
async function batchCounts(client: SqlClient, scanId: number, connector: string): Promise<{ batches: number; subscriptions: number }> {
  const { rows } = await client.query<{ batches: number; subscriptions: number }>(
    'SELECT count(*)::integer AS batches, coalesce(sum(jsonb_array_length(subscriptions)), 0)::integer AS subscriptions FROM scan_batches WHERE scan_id = $1 AND connector_name = $2',
    [scanId, connector],
  );
  return { batches: Number(rows[0]?.batches ?? 0), subscriptions: Number(rows[0]?.subscriptions ?? 0) };
}

/** The subscriptions a connector collected in earlier scans, as subscription items. */
async function knownSubscriptions(client: SqlClient, connector: string): Promise<Record<string, unknown>[]> {
  const { rows } = await client.query<{ subscription_id: string; name: string | null; tenant_id: string | null; state: string | null; tags: Record<string, string> | null }>(
    'SELECT subscription_id, name, tenant_id, state, tags FROM connectors WHERE connector_name = $1 ORDER BY id',
    [connector],
  );
  return rows.map((row) => ({
    id: `/subscriptions/${row.subscription_id}`,
    subscriptionId: row.subscription_id,
    ...(row.name === null ? {} : { displayName: row.name }),
    ...(row.tenant_id === null ? {} : { tenantId: row.tenant_id }),
    ...(row.state === null ? {} : { state: row.state }),
    ...(row.tags === null ? {} : { tags: row.tags }),
  }));
}

const INACTIVE = new Set(['disabled', 'deleted']);

/** Reads a batch's contacts one subscription after the other: a worker's concurrency is its number of jobs. */
async function collectBatch(client: ArmClient, items: readonly Record<string, unknown>[], signal?: AbortSignal): Promise<Capture> {
  const securityContacts = new Map<string, CapturedBody>();
  for (const item of items) {
    const id = subscriptionIdOf(item);
    const state = typeof item.state === 'string' ? item.state.toLowerCase() : '';
    if (id === undefined || INACTIVE.has(state)) continue;
    securityContacts.set(id, await readContacts(client, id, signal));
    signal?.throwIfAborted();
  }
  return { subscriptions: { body: { value: items }, source: `${client.armEndpoint}/subscriptions` }, securityContacts };
}

/** The batch's subscriptions, each with the read error that kept ward from reading it. */
function unreadInventory(items: readonly Record<string, unknown>[], readError: ReadError): Inventory {
  const inventory = normaliseCapture({ subscriptions: { body: { value: items }, source: 'ward' }, securityContacts: new Map() }, { invalidBodies: 'error' });
  return { connectors: inventory.connectors.map((c) => ({ ...c, readError })), securityContacts: [] };
}

/** `batch`: read, judge and store one batch; a batch that keeps failing stores its subscriptions as `error`. */
export async function scanBatchJob(runtime: ScanJobRuntime, payload: { scanId: number; connector: string; batch: number }): Promise<void> {
  const { store } = runtime;
  const scan = await queuedScan(store, payload.scanId);
  if (!scan) return;
  const { rows } = await store.query<{ status: string; subscriptions: Record<string, unknown>[]; connector_status: string; connector_error: string | null }>(
    `SELECT b.status, b.subscriptions, c.status AS connector_status, c.error AS connector_error
     FROM scan_batches b JOIN scan_connectors c USING (scan_id, connector_name)
     WHERE b.scan_id = $1 AND b.connector_name = $2 AND b.batch = $3`,
    [payload.scanId, payload.connector, payload.batch],
  );
  const row = rows[0];
  if (!row || row.status !== 'pending') return; // stored already: a rerun after a crash changes nothing
  const items = row.subscriptions.filter(isObject);
  const controls = runtime.controlsFor(scan.queue_options);
  let inventory: Inventory;
  if (row.connector_status === 'failed') {
    inventory = unreadInventory(items, { code: CONNECTOR_FAILED, message: row.connector_error ?? 'the connector could not be read' });
  } else {
    try {
      const config = await getConnectorConfig(store, payload.connector);
      if (!config) throw new WardError('CREDENTIAL_MISSING', `connector ${payload.connector} was removed while the scan ran`);
      inventory = normaliseCapture(await collectBatch(runtime.connect(config), items, runtime.signal), { invalidBodies: 'error' });
    } catch (error) {
      if (runtime.signal?.aborted) throw error;
      if (isPermanent(error)) {
        inventory = unreadInventory(items, { code: CONNECTOR_FAILED, message: messageOf(error) });
      } else {
        const failures = await countFailure(store, payload, messageOf(error));
        if (failures < (runtime.batchFailureLimit ?? 3)) throw error;
        inventory = unreadInventory(items, { code: BATCH_FAILED, message: `the batch failed ${failures} times: ${messageOf(error)}` });
      }
    }
  }
  try {
    await storeBatch(runtime, scan, payload, controls, inventory, 'stored');
  } catch (error) {
    if (runtime.signal?.aborted) throw error;
    const failures = await countFailure(store, payload, messageOf(error));
    if (failures < (runtime.batchFailureLimit ?? 3)) throw error;
    // the store itself refused this batch's results again and again: judge its subscriptions `error` rather than hang the scan
    await storeBatch(runtime, scan, payload, controls, unreadInventory(items, { code: BATCH_FAILED, message: `storing the batch failed ${failures} times: ${messageOf(error)}` }), 'failed');
  }
}

async function countFailure(store: Store, payload: { scanId: number; connector: string; batch: number }, message: string): Promise<number> {
  const { rows } = await store.query<{ failures: number }>(
    'UPDATE scan_batches SET failures = failures + 1, error = $4 WHERE scan_id = $1 AND connector_name = $2 AND batch = $3 RETURNING failures',
    [payload.scanId, payload.connector, payload.batch, message.slice(0, 2000)],
  );
  return Number(rows[0]?.failures ?? 0);
}

/** Judges a batch's inventory and stores its findings and staged rows, once, in one transaction. */
async function storeBatch(
  runtime: ScanJobRuntime,
  scan: QueuedScanRow,
  payload: { scanId: number; connector: string; batch: number },
  controls: readonly Control[],
  collected: Inventory,
  status: 'stored' | 'failed',
): Promise<void> {
  const inventory: Inventory = { connectors: collected.connectors.map((c) => ({ ...c, connectorName: payload.connector })), securityContacts: collected.securityContacts };
  const startedAt = startedAtOf(scan);
  await runtime.store.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: string }>('SELECT status FROM scan_batches WHERE scan_id = $1 AND connector_name = $2 AND batch = $3 FOR UPDATE', [
      payload.scanId,
      payload.connector,
      payload.batch,
    ]);
    if (rows[0]?.status !== 'pending') return;
    const evaluated = await withShadowInventory(tx, async () => {
      await replaceInventory(tx, inventory, { collectedAt: startedAt, scanId: payload.scanId, scope: 'all' });
      const findings = await evaluateControls(tx, controls, inventory);
      await tx.query(
        `INSERT INTO staged_inventory (scan_id, connector_name, batch, kind, row)
         SELECT $1::integer, $2::text, $3::integer, 'connector', to_jsonb(c) FROM pg_temp.connectors c
         UNION ALL
         SELECT $1::integer, $2::text, $3::integer, 'contact', to_jsonb(s) FROM pg_temp.security_contacts s`,
        [payload.scanId, payload.connector, payload.batch],
      );
      return findings;
    });
    // exceptions apply as of the scan's start, as in a local scan
    const findings = applyExceptions(evaluated, await listExceptions(tx), startedAt).map((f) => ({ ...f, connector: payload.connector }));
    await insertFindings(tx, payload.scanId, findings, { ignoreExisting: true });
    await tx.query('UPDATE scan_batches SET status = $4, stored_at = $5 WHERE scan_id = $1 AND connector_name = $2 AND batch = $3', [
      payload.scanId,
      payload.connector,
      payload.batch,
      status,
      runtime.now(),
    ]);
    await finishWhenComplete(tx, payload.scanId);
  });
}

/** The summary of a queued scan's stored findings, counted by the database. */
async function summariseStored(tx: SqlClient, scanId: number): Promise<ScanSummary> {
  const { rows } = await tx.query<Record<string, number>>(
    `SELECT count(*)::integer AS total,
            (count(*) FILTER (WHERE status = 'pass'))::integer AS pass, (count(*) FILTER (WHERE status = 'fail'))::integer AS fail,
            (count(*) FILTER (WHERE status = 'error'))::integer AS error, (count(*) FILTER (WHERE status = 'excepted'))::integer AS excepted,
            (count(*) FILTER (WHERE status = 'skipped'))::integer AS skipped,
            count(DISTINCT control_id)::integer AS controls, count(DISTINCT asset_id)::integer AS assets
     FROM staged_findings WHERE scan_id = $1`,
    [scanId],
  );
  const r = rows[0] ?? {};
  const n = (key: string): number => Number(r[key] ?? 0);
  return {
    total: n('total'),
    byStatus: { pass: n('pass'), fail: n('fail'), error: n('error'), excepted: n('excepted'), skipped: n('skipped') },
    controls: n('controls'),
    assets: n('assets'),
  };
}

/**
 * `finish`: in one transaction, swap the staged inventory in for the connectors the scan covered, log lapsed
 * exceptions, and mark the scan complete with its summary. A scan that judged nothing at all is failed, not passed.
 */
export async function finishScanJob(runtime: ScanJobRuntime, payload: { scanId: number }): Promise<void> {
  await runtime.store.transaction(async (tx) => {
    const scan = await queuedScan(tx, payload.scanId, true);
    if (!scan) return; // finished already
    if (!(await allStored(tx, payload.scanId))) return; // not yet: the last batch adds this job again
    const summary = await summariseStored(tx, payload.scanId);
    if (summary.total === 0) {
      await failScan(tx, payload.scanId, runtime.now(), 'the queued scan judged nothing: its connectors found no subscriptions and no controls ran');
      return;
    }
    if (scan.queue_options.allConnectors) {
      await tx.query('TRUNCATE security_contacts, connectors');
    } else {
      // a scan of some connectors replaces what those connectors read: what they read before and no longer find is gone
      const { rows } = await tx.query<{ id: string }>(
        `SELECT row->>'id' AS id FROM staged_inventory WHERE scan_id = $1 AND kind = 'connector'
         UNION SELECT id FROM connectors WHERE connector_name = ANY ($2::text[])`,
        [payload.scanId, scan.connectors],
      );
      const scope = rows.map((r) => r.id).sort();
      await tx.query('DELETE FROM security_contacts WHERE connector_id = ANY ($1::text[])', [scope]);
      await tx.query('DELETE FROM connectors WHERE id = ANY ($1::text[])', [scope]);
      await tx.query('UPDATE scans SET scope = $2 WHERE id = $1', [payload.scanId, scope]);
    }
    // a subscription two connectors can read is stored once (the first connector by name)
    await tx.query(
      `INSERT INTO connectors SELECT (jsonb_populate_record(NULL::connectors, s.row)).*
       FROM (SELECT DISTINCT ON (row->>'id') row FROM staged_inventory WHERE scan_id = $1 AND kind = 'connector' ORDER BY row->>'id', connector_name, batch) s`,
      [payload.scanId],
    );
    await tx.query(
      `INSERT INTO security_contacts SELECT (jsonb_populate_record(NULL::security_contacts, s.row)).*
       FROM (SELECT DISTINCT ON (row->>'id') row FROM staged_inventory WHERE scan_id = $1 AND kind = 'contact' ORDER BY row->>'id', connector_name, batch) s
       WHERE EXISTS (SELECT 1 FROM connectors c WHERE c.id = s.row->>'connector_id')`,
      [payload.scanId],
    );
    // the batches' findings become the current state: only what changed is kept (finding-state-repository.ts)
    const covered = await tx.query<{ scope: string[] | null; controls: string[] | null }>('SELECT scope, controls FROM scans WHERE id = $1', [payload.scanId]);
    await foldStagedFindings(tx, { id: payload.scanId, scope: covered.rows[0]?.scope ?? null, controls: covered.rows[0]?.controls ?? null });
    await recordExpiredExceptions(tx, startedAtOf(scan), { actor: 'ward', source: `scan:${payload.scanId}` });
    await completeScan(tx, payload.scanId, runtime.now(), summary);
    await tx.query('DELETE FROM staged_inventory WHERE scan_id = $1', [payload.scanId]);
    await tx.query("UPDATE scan_batches SET subscriptions = '[]'::jsonb WHERE scan_id = $1", [payload.scanId]);
    await addJob(tx, TASKS.notifyScan, { scanId: payload.scanId }, { jobKey: `ward:notify:${payload.scanId}`, maxAttempts: 5 });
  });
  await vacuumStateSnapshots(runtime.store);
}
