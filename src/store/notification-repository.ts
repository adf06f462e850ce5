/**
 * Notification channels (`ward notify add`) and their deliveries, one per (channel, scan): tables
 * notification_channels and notification_deliveries (migration 10). A channel's URL is stored as given (it carries
 * the service's token: never print it, see notify/redact-url.ts); a webhook's signing secret is never stored, only
 * the name of the environment variable that holds it.
 */
import type { Severity } from '../core/model.js';
import type { SqlClient } from './sql-client.js';
import { toDate } from './row-timestamps.js';

export type NotificationKind = 'webhook' | 'slack' | 'teams';
export const NOTIFICATION_KINDS: readonly NotificationKind[] = ['webhook', 'slack', 'teams'];

/** What a channel is told about: new failures, resolved findings, findings in error, or any drift at all. */
export type NotificationEvent = 'new-failures' | 'resolved' | 'errors' | 'drift';
export const NOTIFICATION_EVENTS: readonly NotificationEvent[] = ['new-failures', 'resolved', 'errors', 'drift'];

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'skipped';

export interface NotificationChannel {
  readonly id: string;
  readonly kind: NotificationKind;
  /** The service's URL, token included: a secret. */
  readonly url: string;
  readonly events: readonly NotificationEvent[];
  /** Only findings of these configured connectors; null: every finding. */
  readonly connectors: readonly string[] | null;
  /** Only findings of this severity or higher; null: every severity. */
  readonly minSeverity: Severity | null;
  /** webhook: the environment variable holding the HMAC secret (the secret itself is never stored). */
  readonly secretEnv: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface NotificationDelivery {
  readonly id: number;
  readonly channelId: string;
  readonly scanId: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** The exact JSON body to POST (for a skipped delivery: `{ "skipped": why }`). */
  readonly payload: unknown;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deliveredAt: Date | null;
}

interface ChannelRow {
  id: string;
  kind: NotificationKind;
  url: string;
  events: NotificationEvent[];
  connectors: string[] | null;
  min_severity: Severity | null;
  secret_env: string | null;
  created_at: Date | string;
  created_by: string;
}

interface DeliveryRow {
  id: number;
  channel_id: string;
  scan_id: number;
  status: DeliveryStatus;
  attempts: number;
  payload: unknown;
  last_status: number | null;
  last_error: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  delivered_at: Date | string | null;
}


function toChannel(row: ChannelRow): NotificationChannel {
  return {
    id: row.id,
    kind: row.kind,
    url: row.url,
    events: row.events,
    connectors: row.connectors ?? null,
    minSeverity: row.min_severity ?? null,
    secretEnv: row.secret_env ?? null,
    createdAt: toDate(row.created_at).toISOString(),
    createdBy: row.created_by,
  };
}

function toDelivery(row: DeliveryRow): NotificationDelivery {
  return {
    id: Number(row.id),
    channelId: row.channel_id,
    scanId: Number(row.scan_id),
    status: row.status,
    attempts: Number(row.attempts),
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as unknown) : row.payload,
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    deliveredAt: row.delivered_at === null ? null : toDate(row.delivered_at),
  };
}

const CHANNEL_COLUMNS = 'id, kind, url, events, connectors, min_severity, secret_env, created_at, created_by';
const DELIVERY_COLUMNS = 'id, channel_id, scan_id, status, attempts, payload, last_status, last_error, created_at, updated_at, delivered_at';

/** Adds a channel; false when a channel with its id exists already (nothing is changed then). */
export async function insertChannel(client: SqlClient, channel: NotificationChannel): Promise<boolean> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO notification_channels (${CHANNEL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      channel.id,
      channel.kind,
      channel.url,
      [...channel.events],
      channel.connectors === null ? null : [...channel.connectors],
      channel.minSeverity,
      channel.secretEnv,
      new Date(channel.createdAt),
      channel.createdBy,
    ],
  );
  return rows.length === 1;
}

export async function listChannels(client: SqlClient): Promise<NotificationChannel[]> {
  const { rows } = await client.query<ChannelRow>(`SELECT ${CHANNEL_COLUMNS} FROM notification_channels ORDER BY created_at, id`);
  return rows.map(toChannel);
}

export async function getChannel(client: SqlClient, id: string): Promise<NotificationChannel | undefined> {
  const { rows } = await client.query<ChannelRow>(`SELECT ${CHANNEL_COLUMNS} FROM notification_channels WHERE id = $1`, [id]);
  return rows[0] ? toChannel(rows[0]) : undefined;
}

/** Removes a channel (its deliveries stay, for the log); false when there is none with that id. */
export async function removeChannel(client: SqlClient, id: string): Promise<boolean> {
  const { rows } = await client.query<{ id: string }>('DELETE FROM notification_channels WHERE id = $1 RETURNING id', [id]);
  return rows.length === 1;
}

/** The first free `<kind>-<n>` id: `slack-1`, `slack-2`, … (ids of removed channels that still have deliveries are not reused). */
export async function nextChannelId(client: SqlClient, kind: NotificationKind): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    'SELECT id FROM notification_channels WHERE id LIKE $1 UNION SELECT DISTINCT channel_id FROM notification_deliveries WHERE channel_id LIKE $1',
    [`${kind}-%`],
  );
  const used = new Set(rows.map((r) => r.id));
  let n = 1;
  while (used.has(`${kind}-${n}`)) n += 1;
  return `${kind}-${n}`;
}

export interface NewDelivery {
  readonly channelId: string;
  readonly scanId: number;
  readonly status: 'pending' | 'skipped';
  readonly payload: unknown;
  readonly at: Date;
}

/** Records a delivery unless the channel has one for that scan already (idempotent): its id, or undefined when it existed. */
export async function insertDelivery(client: SqlClient, delivery: NewDelivery): Promise<number | undefined> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO notification_deliveries (channel_id, scan_id, status, payload, created_at, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $5) ON CONFLICT (channel_id, scan_id) DO NOTHING RETURNING id`,
    [delivery.channelId, delivery.scanId, delivery.status, JSON.stringify(delivery.payload), delivery.at],
  );
  return rows[0] ? Number(rows[0].id) : undefined;
}

/** The channels that have a delivery (of any status) for a scan. */
export async function channelsWithDelivery(client: SqlClient, scanId: number): Promise<Set<string>> {
  const { rows } = await client.query<{ channel_id: string }>('SELECT channel_id FROM notification_deliveries WHERE scan_id = $1', [scanId]);
  return new Set(rows.map((r) => r.channel_id));
}

/** The ids of a scan's deliveries still to be sent, oldest first. */
export async function pendingDeliveryIds(client: SqlClient, scanId: number): Promise<number[]> {
  const { rows } = await client.query<{ id: number }>("SELECT id FROM notification_deliveries WHERE scan_id = $1 AND status = 'pending' ORDER BY id", [scanId]);
  return rows.map((r) => Number(r.id));
}

export async function getDelivery(client: SqlClient, id: number): Promise<NotificationDelivery | undefined> {
  const { rows } = await client.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM notification_deliveries WHERE id = $1`, [id]);
  return rows[0] ? toDelivery(rows[0]) : undefined;
}

/** Counts one more attempt of a pending delivery: the attempt's number, or undefined when it is no longer pending. */
export async function beginDeliveryAttempt(client: SqlClient, id: number, at: Date): Promise<number | undefined> {
  const { rows } = await client.query<{ attempts: number }>(
    "UPDATE notification_deliveries SET attempts = attempts + 1, updated_at = $2 WHERE id = $1 AND status = 'pending' RETURNING attempts",
    [id, at],
  );
  return rows[0] ? Number(rows[0].attempts) : undefined;
}

export interface DeliveryOutcome {
  readonly status: 'pending' | 'delivered' | 'failed';
  /** The HTTP status of the last answer (null: none came). */
  readonly lastStatus: number | null;
  /** Why the last attempt did not deliver, already redacted (null when it delivered). */
  readonly lastError: string | null;
  readonly at: Date;
}

/** Records the result of an attempt (only on a delivery that is still pending: a delivered one stays delivered). */
export async function recordDeliveryOutcome(client: SqlClient, id: number, outcome: DeliveryOutcome): Promise<void> {
  await client.query(
    `UPDATE notification_deliveries SET status = $2::text, last_status = $3, last_error = $4, updated_at = $5::timestamptz,
       delivered_at = CASE WHEN $2::text = 'delivered' THEN $5::timestamptz ELSE delivered_at END
     WHERE id = $1 AND status = 'pending'`,
    [id, outcome.status, outcome.lastStatus, outcome.lastError, outcome.at],
  );
}

export interface DeliveryQuery {
  readonly channelId?: string | undefined;
  /** The newest this many (default 50). */
  readonly limit?: number | undefined;
}

/** Deliveries, newest first. */
export async function listDeliveries(client: SqlClient, query: DeliveryQuery = {}): Promise<NotificationDelivery[]> {
  const { rows } = await client.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM notification_deliveries WHERE ($1::text IS NULL OR channel_id = $1) ORDER BY id DESC LIMIT $2`,
    [query.channelId ?? null, query.limit ?? 50],
  );
  return rows.map(toDelivery);
}

