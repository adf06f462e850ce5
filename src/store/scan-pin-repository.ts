/**
 * `ward pin`: a scan kept for an audit. The store keeps only the latest inventory (the raw ARM bodies included), so
 * a pin copies it, as it stood when the pinned scan completed, into `pinned_connectors` and
 * `pinned_security_contacts` (one to_jsonb row each). A scan can be pinned only while its inventory is the stored
 * one: it is the latest complete scan and no other scan completed after it. `ward prune` keeps the finding detail of
 * pinned scans and of every scan after the oldest pin (the state as of a scan is rebuilt from the changes after it).
 *
 * Every read and write of the inventory here holds `connectors` and `security_contacts` in SHARE mode: a scan
 * completing meanwhile (on a server, from another process) waits, so a pin never copies half of two inventories.
 */
import { WardError } from '../core/errors.js';
import { toDate } from './row-timestamps.js';
import { withShadowInventory } from './shadow-inventory.js';
import type { SqlClient, Store } from './sql-client.js';

export interface ScanPin {
  readonly scanId: number;
  readonly reason: string;
  readonly pinnedBy: string;
  readonly pinnedAt: Date;
}

/** What a pinned scan keeps: how many subscriptions and contacts, and their size (sum of pg_column_size). */
export interface PinnedInventorySize {
  readonly connectors: number;
  readonly securityContacts: number;
  readonly bytes: number;
}

export interface PinResult extends PinnedInventorySize {
  readonly pin: ScanPin;
  /** False when the scan was already pinned: its pin and copy stay as they were. */
  readonly created: boolean;
}

interface PinRecord {
  scan_id: number;
  reason: string;
  pinned_by: string;
  pinned_at: Date | string;
}

const toPin = (row: PinRecord): ScanPin => ({ scanId: Number(row.scan_id), reason: row.reason, pinnedBy: row.pinned_by, pinnedAt: toDate(row.pinned_at) });

const INVENTORY_TABLES = [
  { table: 'connectors', pinned: 'pinned_connectors' },
  { table: 'security_contacts', pinned: 'pinned_security_contacts' },
] as const;

/** Holds the inventory for the rest of the transaction: scans that would replace it wait (see the file comment). */
async function holdInventory(tx: SqlClient): Promise<void> {
  await tx.exec('LOCK TABLE connectors, security_contacts IN SHARE MODE');
}

/**
 * Whether the stored inventory is the one scan `scanId` left: it is complete, and no other complete scan has a
 * higher id or finished after it. Throws NOT_FOUND for an unknown or unfinished scan.
 */
async function inventoryIsOf(tx: SqlClient, scanId: number): Promise<{ current: true } | { current: false; laterScan: number }> {
  const { rows } = await tx.query<{ status: string; later: number | null }>(
    `SELECT s.status, (SELECT max(o.id) FROM scans o WHERE o.status = 'complete' AND o.id <> s.id AND (o.id > s.id OR o.finished_at > s.finished_at)) AS later
     FROM scans s WHERE s.id = $1`,
    [scanId],
  );
  const row = rows[0];
  if (!row || row.status !== 'complete') {
    throw new WardError('NOT_FOUND', `scan ${scanId} is ${row ? row.status : 'unknown'}: only a complete scan has an inventory to keep`, { hint: 'pick a complete scan (ward scans)' });
  }
  return row.later === null ? { current: true } : { current: false, laterScan: Number(row.later) };
}

async function pinnedSize(tx: SqlClient, scanId: number): Promise<PinnedInventorySize> {
  const { rows } = await tx.query<{ connectors: number; contacts: number; bytes: string | number }>(
    `SELECT (SELECT count(*)::integer FROM pinned_connectors WHERE scan_id = $1) AS connectors,
            (SELECT count(*)::integer FROM pinned_security_contacts WHERE scan_id = $1) AS contacts,
            (SELECT coalesce(sum(pg_column_size(body)), 0) FROM pinned_connectors WHERE scan_id = $1)
              + (SELECT coalesce(sum(pg_column_size(body)), 0) FROM pinned_security_contacts WHERE scan_id = $1) AS bytes`,
    [scanId],
  );
  return { connectors: Number(rows[0]?.connectors ?? 0), securityContacts: Number(rows[0]?.contacts ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
}

async function readPin(client: SqlClient, scanId: number): Promise<ScanPin | undefined> {
  const { rows } = await client.query<PinRecord>('SELECT scan_id, reason, pinned_by, pinned_at FROM scan_pins WHERE scan_id = $1', [scanId]);
  return rows[0] ? toPin(rows[0]) : undefined;
}

/**
 * Pins complete scan `scanId`: records who and why, and copies the inventory it left. A scan already pinned keeps its
 * pin and copy (`created` false). Refused (NOT_FOUND) for a scan whose inventory a later scan has replaced.
 */
export async function pinScan(
  store: SqlClient,
  options: { readonly scanId: number; readonly reason: string; readonly actor: string; readonly now: Date },
): Promise<PinResult> {
  return store.transaction(async (tx) => {
    await holdInventory(tx);
    const existing = await readPin(tx, options.scanId);
    if (existing) return { pin: existing, created: false, ...(await pinnedSize(tx, options.scanId)) };
    const inventory = await inventoryIsOf(tx, options.scanId);
    if (!inventory.current) {
      throw new WardError('NOT_FOUND', `the inventory of scan ${options.scanId} is no longer stored: scan ${inventory.laterScan} completed after it and replaced it`, {
        hint: 'ward keeps the latest scan’s inventory only; pin a scan while it is the latest (ward pin latest, right after ward scan)',
      });
    }
    await tx.query('INSERT INTO scan_pins (scan_id, reason, pinned_by, pinned_at) VALUES ($1, $2, $3, $4)', [options.scanId, options.reason, options.actor, options.now]);
    for (const { table, pinned } of INVENTORY_TABLES) {
      await tx.query(`INSERT INTO ${pinned} (scan_id, id, body) SELECT $1, t.id, to_jsonb(t) FROM ${table} t`, [options.scanId]);
    }
    return { pin: (await readPin(tx, options.scanId))!, created: true, ...(await pinnedSize(tx, options.scanId)) };
  });
}

/** Removes the pin of `scanId` and its copy of the inventory; undefined when the scan was not pinned. */
export async function unpinScan(store: SqlClient, scanId: number): Promise<(PinnedInventorySize & { readonly pin: ScanPin }) | undefined> {
  return store.transaction(async (tx) => {
    const pin = await readPin(tx, scanId);
    if (!pin) return undefined;
    const size = await pinnedSize(tx, scanId);
    await tx.query('DELETE FROM scan_pins WHERE scan_id = $1', [scanId]);
    return { pin, ...size };
  });
}

/** Every pin, oldest scan first. */
export async function listPins(client: SqlClient): Promise<ScanPin[]> {
  const { rows } = await client.query<PinRecord>('SELECT scan_id, reason, pinned_by, pinned_at FROM scan_pins ORDER BY scan_id');
  return rows.map(toPin);
}

/**
 * Runs `work` over the inventory scan `scanId` left: the stored inventory while it is still that scan's, else the
 * pinned copy, restored into temporary tables that shadow the inventory for `work` only (shadow-inventory.ts), so
 * the GraphQL checks and queries read it unchanged. NOT_FOUND when the scan is not pinned and its inventory is gone.
 */
export async function withInventoryOfScan<T>(store: Store, scanId: number, work: (client: SqlClient) => Promise<T>): Promise<T> {
  return store.transaction(async (tx) => {
    await holdInventory(tx);
    const inventory = await inventoryIsOf(tx, scanId);
    if (inventory.current) return work(tx);
    if (!(await readPin(tx, scanId))) {
      throw new WardError('NOT_FOUND', `the inventory of scan ${scanId} is not kept: scan ${inventory.laterScan} replaced it, and scan ${scanId} is not pinned`, {
        hint: 'ward keeps the latest scan’s inventory and those of pinned scans (ward pin, ward scans)',
      });
    }
    return withShadowInventory(tx, async () => {
      for (const { table, pinned } of INVENTORY_TABLES) {
        await tx.query(`INSERT INTO pg_temp.${table} SELECT (jsonb_populate_record(NULL::pg_temp.${table}, p.body)).* FROM ${pinned} p WHERE p.scan_id = $1`, [scanId]);
      }
      return work(tx);
    });
  });
}
