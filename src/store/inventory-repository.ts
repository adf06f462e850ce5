/**
 * Writes and reads the inventory tables (`connectors`, `security_contacts`).
 *
 * `replaceInventory` swaps the connectors in scope, with their contacts, for a new collection in one
 * transaction: either all of it lands or nothing stored changes. Rows go in set-based, a few thousand per
 * statement through `json_to_recordset` (one JSON text parameter, read once; no jsonb of the whole chunk is built).
 */
import { WardError } from '../core/errors.js';
import type { ConnectorRecord, Inventory, SecurityContactRecord } from '../core/model.js';
import type { SqlClient } from './sql-client.js';

export interface ReplaceInventoryOptions {
  readonly collectedAt: Date;
  readonly scanId: number | null;
  /** `all` replaces the whole inventory; a list replaces only those connector ids (and their contacts). */
  readonly scope: 'all' | readonly string[];
}

export interface ReplaceInventoryResult {
  readonly connectors: number;
  readonly securityContacts: number;
}

/** Rows per INSERT statement: enough to amortise round trips; small enough that the JSON text and PGlite's copy of it stay small (bench:scan peak RSS). */
const CHUNK_SIZE = 1000;

const CONNECTOR_INSERT = `
  INSERT INTO connectors (id, name, type, provider, subscription_id, tenant_id, state, tags,
                          read_error_code, read_error_message, collected_at, collected_by_scan, connector_name)
  SELECT r.id, r.name, 'Connector', r.provider, r.subscription_id, r.tenant_id, r.state, coalesce(r.tags, '{}'::jsonb),
         r.read_error_code, r.read_error_message, $2::timestamptz, $3::integer, r.connector_name
  FROM json_to_recordset($1::text::json) AS r(
    id text, name text, provider text, subscription_id text, tenant_id text, state text, tags jsonb,
    read_error_code text, read_error_message text, connector_name text)`;

const CONTACT_INSERT = `
  INSERT INTO security_contacts (id, connector_id, name, type, provider, email, emails, invalid_emails, phone, is_enabled,
                                 alert_notifications, alert_minimal_severity, alerts_to_admins,
                                 notifications_by_role, notifications_sources, api_version, raw,
                                 enabled, notified_roles, alert_severities, attack_path_risk_levels)
  SELECT r.id, r.connector_id, r.name, 'SecurityContact', 'azure', r.email, coalesce(r.emails, '{}'), coalesce(r.invalid_emails, '{}'), r.phone, r.is_enabled,
         r.alert_notifications, r.alert_minimal_severity, r.alerts_to_admins,
         r.notifications_by_role, r.notifications_sources, r.api_version, r.raw::jsonb,
         coalesce(r.enabled, true), coalesce(r.notified_roles, '{}'), coalesce(r.alert_severities, '{}'), coalesce(r.attack_path_risk_levels, '{}')
  FROM json_to_recordset($1::text::json) AS r(
    id text, connector_id text, name text, email text, emails text[], invalid_emails text[], phone text, is_enabled boolean,
    alert_notifications text, alert_minimal_severity text, alerts_to_admins text,
    notifications_by_role jsonb, notifications_sources jsonb, api_version text, raw text,
    enabled boolean, notified_roles text[], alert_severities text[], attack_path_risk_levels text[])`;

function connectorRow(connector: ConnectorRecord): Record<string, unknown> {
  return {
    id: connector.id,
    name: connector.name ?? null,
    provider: connector.provider ?? 'azure',
    subscription_id: connector.subscriptionId,
    tenant_id: connector.tenantId ?? null,
    state: connector.state ?? null,
    tags: connector.tags ?? {},
    read_error_code: connector.readError?.code ?? null,
    read_error_message: connector.readError?.message ?? null,
    connector_name: connector.connectorName ?? null,
  };
}

function contactRow(contact: SecurityContactRecord): Record<string, unknown> {
  return {
    id: contact.id,
    connector_id: contact.connectorId,
    name: contact.name ?? null,
    email: contact.email ?? null,
    emails: contact.emails ?? [],
    invalid_emails: contact.invalidEmails ?? [],
    phone: contact.phone ?? null,
    is_enabled: contact.isEnabled ?? null,
    alert_notifications: contact.alertNotifications ?? null,
    alert_minimal_severity: contact.alertMinimalSeverity ?? null,
    alerts_to_admins: contact.alertsToAdmins ?? null,
    notifications_by_role: contact.notificationsByRole ?? null,
    notifications_sources: contact.notificationsSources ?? null,
    api_version: contact.apiVersion,
    enabled: contact.enabled,
    notified_roles: contact.notifiedRoles,
    alert_severities: contact.alertSeverities,
    attack_path_risk_levels: contact.attackPathRiskLevels,
    // Stored as JSON text so that a JSON null body stays a JSON value (the column is NOT NULL).
    raw: JSON.stringify(contact.raw ?? null),
  };
}

function invalid(message: string, field: string): WardError {
  return new WardError('STORE_ERROR', message, {
    hint: 'the collected inventory is inconsistent; nothing stored was changed',
    location: { field },
  });
}

/** Rejects what the database would reject less clearly: duplicate ids, out-of-scope connectors, orphan contacts. */
function checkInventory(inventory: Inventory, scope: ReplaceInventoryOptions['scope']): void {
  const inScope = scope === 'all' ? undefined : new Set(scope);
  const connectorIds = new Set<string>();
  inventory.connectors.forEach((connector, index) => {
    if (connectorIds.has(connector.id)) throw invalid(`connector ${connector.id} appears twice`, `connectors[${index}].id`);
    if (inScope && !inScope.has(connector.id)) {
      throw invalid(`connector ${connector.id} is outside the scope being replaced`, `connectors[${index}].id`);
    }
    connectorIds.add(connector.id);
  });
  const contactIds = new Set<string>();
  inventory.securityContacts.forEach((contact, index) => {
    if (contactIds.has(contact.id)) throw invalid(`security contact ${contact.id} appears twice`, `securityContacts[${index}].id`);
    if (!connectorIds.has(contact.connectorId)) {
      throw invalid(`security contact ${contact.id} belongs to connector ${contact.connectorId}, which is not in the inventory`, `securityContacts[${index}].connectorId`);
    }
    contactIds.add(contact.id);
  });
}

async function insertChunks<T>(tx: SqlClient, items: readonly T[], sql: string, toRow: (item: T) => Record<string, unknown>, extra: readonly unknown[]): Promise<void> {
  for (let start = 0; start < items.length; start += CHUNK_SIZE) {
    const rows = items.slice(start, start + CHUNK_SIZE).map(toRow);
    await tx.query(sql, [JSON.stringify(rows), ...extra]);
  }
}

/**
 * Replaces the connectors in `scope` (their contacts cascade) with those of `inventory`, in one transaction.
 * With a list scope, connectors of the list that the inventory no longer holds are removed.
 */
export async function replaceInventory(client: SqlClient, inventory: Inventory, options: ReplaceInventoryOptions): Promise<ReplaceInventoryResult> {
  checkInventory(inventory, options.scope);
  const collectedAt = options.collectedAt.toISOString();
  await client.transaction(async (tx) => {
    if (options.scope === 'all') {
      // TRUNCATE, not DELETE: no per-row cascade triggers, and still undone if the transaction rolls back.
      await tx.query('TRUNCATE security_contacts, connectors');
    } else if (options.scope.length > 0) {
      const ids = [...options.scope];
      await tx.query('DELETE FROM security_contacts WHERE connector_id = ANY($1::text[])', [ids]);
      await tx.query('DELETE FROM connectors WHERE id = ANY($1::text[])', [ids]);
    }
    await insertChunks(tx, inventory.connectors, CONNECTOR_INSERT, connectorRow, [collectedAt, options.scanId]);
    await insertChunks(tx, inventory.securityContacts, CONTACT_INSERT, contactRow, []);
  });
  return { connectors: inventory.connectors.length, securityContacts: inventory.securityContacts.length };
}

interface ConnectorRow {
  id: string;
  name: string | null;
  subscription_id: string;
  tenant_id: string | null;
  state: string | null;
  tags: Record<string, string> | null;
  read_error_code: string | null;
  read_error_message: string | null;
  connector_name: string | null;
}

interface ContactRow {
  id: string;
  connector_id: string;
  name: string | null;
  email: string | null;
  emails: string[] | null;
  invalid_emails: string[] | null;
  phone: string | null;
  is_enabled: boolean | null;
  alert_notifications: string | null;
  alert_minimal_severity: string | null;
  alerts_to_admins: string | null;
  notifications_by_role: SecurityContactRecord['notificationsByRole'];
  notifications_sources: SecurityContactRecord['notificationsSources'];
  api_version: string;
  raw: unknown;
  enabled: boolean;
  notified_roles: string[] | null;
  alert_severities: string[] | null;
  attack_path_risk_levels: string[] | null;
}

const CONNECTOR_COLUMNS = 'id, name, subscription_id, tenant_id, state, tags, read_error_code, read_error_message, connector_name';
const CONTACT_COLUMNS = `id, connector_id, name, email, emails, invalid_emails, phone, is_enabled, alert_notifications, alert_minimal_severity,
  alerts_to_admins, notifications_by_role, notifications_sources, api_version, raw,
  enabled, notified_roles, alert_severities, attack_path_risk_levels`;

const toConnector = (row: ConnectorRow): ConnectorRecord => ({
  id: row.id,
  name: row.name,
  provider: 'azure',
  subscriptionId: row.subscription_id,
  tenantId: row.tenant_id,
  state: row.state,
  tags: row.tags ?? {},
  readError: row.read_error_code === null ? null : { code: row.read_error_code, message: row.read_error_message ?? '' },
  ...(row.connector_name === null ? {} : { connectorName: row.connector_name }),
});

const toContact = (row: ContactRow): SecurityContactRecord => ({
  id: row.id,
  name: row.name ?? '',
  connectorId: row.connector_id,
  email: row.email,
  emails: row.emails ?? [],
  invalidEmails: row.invalid_emails ?? [],
  phone: row.phone,
  isEnabled: row.is_enabled,
  alertNotifications: row.alert_notifications,
  alertMinimalSeverity: row.alert_minimal_severity,
  alertsToAdmins: row.alerts_to_admins,
  notificationsByRole: row.notifications_by_role,
  notificationsSources: row.notifications_sources,
  apiVersion: row.api_version,
  enabled: row.enabled,
  notifiedRoles: row.notified_roles ?? [],
  alertSeverities: row.alert_severities ?? [],
  attackPathRiskLevels: row.attack_path_risk_levels ?? [],
  raw: row.raw,
});

/** The stored inventory, connectors and contacts ordered by id. */
export async function readInventory(client: SqlClient): Promise<Inventory> {
  const connectors = await client.query<ConnectorRow>(`SELECT ${CONNECTOR_COLUMNS} FROM connectors ORDER BY id`);
  const contacts = await client.query<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM security_contacts ORDER BY id`);
  return { connectors: connectors.rows.map(toConnector), securityContacts: contacts.rows.map(toContact) };
}

/**
 * One stored subscription and its contacts, by subscription id or ARM id (any case), in two indexed lookups;
 * undefined when the inventory does not hold it.
 */
export async function readSubscription(
  client: SqlClient,
  idOrSubscriptionId: string,
): Promise<{ readonly connector: ConnectorRecord; readonly securityContacts: readonly SecurityContactRecord[] } | undefined> {
  const { rows } = await client.query<ConnectorRow>(
    `SELECT ${CONNECTOR_COLUMNS} FROM connectors WHERE lower(subscription_id) = lower($1) OR lower(id) = lower($1) OR lower(id) = lower($2) ORDER BY id LIMIT 1`,
    [idOrSubscriptionId, `/subscriptions/${idOrSubscriptionId}`],
  );
  if (!rows[0]) return undefined;
  const contacts = await client.query<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM security_contacts WHERE connector_id = $1 ORDER BY id`, [rows[0].id]);
  return { connector: toConnector(rows[0]), securityContacts: contacts.rows.map(toContact) };
}

/** Every stored subscription's id, name and tags (what reports show beside findings), without the contacts. */
export async function listInventoryAssets(client: SqlClient): Promise<{ id: string; name: string | null; tags: Readonly<Record<string, string>>; tenantId: string | null }[]> {
  const { rows } = await client.query<{ id: string; name: string | null; tags: Record<string, string> | null; tenant_id: string | null }>(
    'SELECT id, name, tags, tenant_id FROM connectors ORDER BY id',
  );
  return rows.map((row) => ({ id: row.id, name: row.name, tags: row.tags ?? {}, tenantId: row.tenant_id }));
}
