/**
 * A queued scan (`ward scan --queue`, a schedule): one scan row in state `queued`, one planning job per configured
 * connector, then one job per batch of subscriptions, then one finishing job. Workers on any number of machines run
 * them; the scan is stored as complete only when every batch has been, and readers see the previous complete scan
 * until then (scan-tasks.ts).
 */
import type { ParameterOverride } from '../core/control/control-parameters.js';
import { WardError } from '../core/errors.js';
import type { ConnectorConfig } from '../core/team/connector-config.js';
import { listConnectorConfigs } from '../store/connector-config-repository.js';
import { getScan, type ScanRow } from '../store/scan-repository.js';
import type { SqlClient, Store } from '../store/sql-client.js';
import { TASKS, addJob, requireTeamStore } from './team-jobs.js';

/** What every worker judges a queued scan with, frozen when it is enqueued (scans.queue_options). */
export interface QueueOptions {
  /** The controls a scan narrowed with --control judges; null: every control the worker ships. */
  readonly controlIds: readonly string[] | null;
  /** ward.yaml and --param values of the machine that enqueued the scan. */
  readonly parameters: readonly ParameterOverride[];
  /** Subscriptions per batch job. */
  readonly batchSize: number;
  /** The scan covers every configured connector: it replaces the whole inventory, and what it no longer finds is gone. */
  readonly allConnectors?: boolean;
}

export const DEFAULT_BATCH_SIZE = 50;
export const MAX_BATCH_SIZE = 1000;

/** Namespace of the transaction advisory lock that makes two enqueues of the same scan one. */
const ENQUEUE_LOCK = 2002874982;

export interface EnqueueScanOptions {
  /** Configured connector names; default: every configured connector. */
  readonly connectors?: readonly string[];
  readonly controlIds?: readonly string[] | null;
  readonly parameters?: readonly ParameterOverride[];
  readonly batchSize?: number;
  /** Stored with the scan: `queue`, `schedule:<id>`. */
  readonly origin?: string;
  readonly now: () => Date;
}

export interface EnqueuedScan {
  readonly scanId: number;
  /** A queued scan of the same connectors and options was still running: it is the one returned, not a second one. */
  readonly reused: boolean;
  readonly connectors: readonly string[];
}

/** The job-queue name of one of a connector's concurrency slots: batches of a connector spread over its slots. */
export function connectorQueue(connector: string, slot: number): string {
  return `ward:${connector}:${slot}`;
}

function chooseConnectors(configured: readonly ConnectorConfig[], names: readonly string[] | undefined): ConnectorConfig[] {
  if (configured.length === 0) {
    throw new WardError('NOT_FOUND', 'no connectors are configured in this store: a queued scan has nothing to read', {
      hint: 'add one with ward connectors add azure --name NAME --tenant ID --credential …',
    });
  }
  if (!names || names.length === 0) return [...configured];
  const byName = new Map(configured.map((c) => [c.name, c]));
  const unknown = names.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new WardError('NOT_FOUND', `no connector ${unknown.map((n) => JSON.stringify(n)).join(', ')} in this store`, {
      hint: `configured: ${configured.map((c) => c.name).join(', ')} (ward connectors list)`,
    });
  }
  return [...new Set(names)].sort().map((name) => byName.get(name)!);
}

function checkBatchSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_SIZE) {
    throw new WardError('USAGE', `--batch-size must be a whole number from 1 to ${MAX_BATCH_SIZE}, got ${size}`);
  }
  return size;
}

/**
 * Records a queued scan and adds its planning jobs, in one transaction. Enqueuing the same connectors and options
 * again while that scan is still queued returns it instead of adding a second scan (the jobs carry keys too, so a
 * job is never added twice).
 */
export async function enqueueScan(store: Store, options: EnqueueScanOptions): Promise<EnqueuedScan> {
  requireTeamStore(store, 'a queued scan');
  return store.transaction((tx) => enqueueScanIn(tx, options));
}

/** enqueueScan in the caller's transaction (a schedule's tick records its run in the same one). */
export async function enqueueScanIn(tx: SqlClient, options: EnqueueScanOptions): Promise<EnqueuedScan> {
  const queueOptions: QueueOptions = {
    controlIds: options.controlIds && options.controlIds.length > 0 ? [...options.controlIds] : null,
    parameters: [...(options.parameters ?? [])],
    batchSize: checkBatchSize(options.batchSize ?? DEFAULT_BATCH_SIZE),
  };
  {
    await tx.query('SELECT pg_advisory_xact_lock($1, 0)', [ENQUEUE_LOCK]);
    const configured = await listConnectorConfigs(tx);
    const chosen = chooseConnectors(configured, options.connectors);
    const names = chosen.map((c) => c.name);
    const stored = { ...queueOptions, allConnectors: names.length === configured.length };
    const { rows: existing } = await tx.query<{ id: number }>(
      "SELECT id FROM scans WHERE status = 'queued' AND connectors = $1::text[] AND queue_options = $2::jsonb ORDER BY id LIMIT 1",
      [names, JSON.stringify(stored)],
    );
    if (existing[0]) return { scanId: Number(existing[0].id), reused: true, connectors: names };
    const origin = options.origin ?? 'queue';
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO scans (started_at, status, source, scope, controls, connectors, queue_options)
       VALUES ($1, 'queued', $2, NULL, $3, $4, $5) RETURNING id`,
      [options.now(), `${origin}:${names.join(',')}`, queueOptions.controlIds, names, JSON.stringify(stored)],
    );
    const scanId = Number(rows[0]!.id);
    for (const connector of chosen) {
      await tx.query("INSERT INTO scan_connectors (scan_id, connector_name, status) VALUES ($1, $2, 'pending')", [scanId, connector.name]);
      await addJob(tx, TASKS.planScan, { scanId, connector: connector.name }, { queueName: `ward:${connector.name}:plan`, jobKey: `ward:scan:${scanId}:plan:${connector.name}`, maxAttempts: 25 });
    }
    return { scanId, reused: false, connectors: names };
  }
}

export interface QueuedScanProgress {
  readonly scan: ScanRow;
  readonly connectors: readonly { readonly name: string; readonly status: 'pending' | 'planned' | 'failed'; readonly batches: number | null; readonly subscriptions: number | null; readonly error: string | null }[];
  readonly batches: { readonly total: number; readonly stored: number; readonly failed: number };
}

/** Where a queued scan is: its row, each connector's planning, and its batches. */
export async function queuedScanProgress(client: SqlClient, scanId: number): Promise<QueuedScanProgress | undefined> {
  const scan = await getScan(client, scanId);
  if (!scan) return undefined;
  const { rows: connectors } = await client.query<{ connector_name: string; status: 'pending' | 'planned' | 'failed'; batches: number | null; subscriptions: number | null; error: string | null }>(
    'SELECT connector_name, status, batches, subscriptions, error FROM scan_connectors WHERE scan_id = $1 ORDER BY connector_name',
    [scanId],
  );
  const { rows: counts } = await client.query<{ total: number; stored: number; failed: number }>(
    `SELECT count(*)::integer AS total, (count(*) FILTER (WHERE status = 'stored'))::integer AS stored,
            (count(*) FILTER (WHERE status = 'failed'))::integer AS failed
     FROM scan_batches WHERE scan_id = $1`,
    [scanId],
  );
  return {
    scan,
    connectors: connectors.map((c) => ({ name: c.connector_name, status: c.status, batches: c.batches, subscriptions: c.subscriptions, error: c.error })),
    batches: counts[0] ?? { total: 0, stored: 0, failed: 0 },
  };
}
