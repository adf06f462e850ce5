/**
 * Writes and reads the inventory tables (`connectors`, `security_contacts`).
 *
 * `replaceInventory` swaps the connectors in scope, with their contacts, for a new collection in one
 * transaction: either all of it lands or nothing stored changes. Rows go in with COPY (`SqlClient.copyRows`),
 * streamed in bounded chunks: no statement per row, and no text of the whole inventory in memory.
 */
import { WardError } from '../core/errors.js';
import type { ConnectorRecord, Inventory, SecurityContactRecord } from '../core/model.js';
import type { CopyColumn } from '../core/sql-client.js';
import type { SqlClient } from './sql-client.js';
import { inKeyOrder } from './copy-rows.js';

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

/** The columns written for a connector, in the order connectorValues gives them. */
const CONNECTOR_COPY: readonly CopyColumn[] = [
  { name: 'id', type: 'text' },
  { name: 'name', type: 'text' },
  { name: 'type', type: 'text' },
  { name: 'provider', type: 'text' },
  { name: 'subscription_id', type: 'text' },
  { name: 'tenant_id', type: 'text' },
  { name: 'state', type: 'text' },
  { name: 'tags', type: 'jsonb' },
  { name: 'read_error_code', type: 'text' },
  { name: 'read_error_message', type: 'text' },
  { name: 'collected_at', type: 'timestamptz' },
  { name: 'collected_by_scan', type: 'integer' },
  { name: 'connector_name', type: 'text' },
];

/** The columns written for a security contact, in the order contactValues gives them. */
const CONTACT_COPY: readonly CopyColumn[] = [
  { name: 'id', type: 'text' },
  { name: 'connector_id', type: 'text' },
  { name: 'name', type: 'text' },
  { name: 'type', type: 'text' },
  { name: 'provider', type: 'text' },
  { name: 'email', type: 'text' },
  { name: 'emails', type: 'text[]' },
  { name: 'invalid_emails', type: 'text[]' },
  { name: 'phone', type: 'text' },
  { name: 'is_enabled', type: 'boolean' },
  { name: 'alert_notifications', type: 'text' },
  { name: 'alert_minimal_severity', type: 'text' },
  { name: 'alerts_to_admins', type: 'text' },
  { name: 'notifications_by_role', type: 'jsonb' },
  { name: 'notifications_sources', type: 'jsonb' },
  { name: 'api_version', type: 'text' },
  { name: 'raw', type: 'jsonb' },
  { name: 'enabled', type: 'boolean' },
  { name: 'notified_roles', type: 'text[]' },
  { name: 'alert_severities', type: 'text[]' },
  { name: 'attack_path_risk_levels', type: 'text[]' },
];

/** A nullable JSON column: SQL NULL for a missing or null value (as json_to_recordset stored it before). */
const jsonOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

function connectorValues(connector: ConnectorRecord, collectedAt: string, scanId: number | null): unknown[] {
  return [
    connector.id,
    connector.name ?? null,
    'Connector',
    connector.provider ?? 'azure',
    connector.subscriptionId,
    connector.tenantId ?? null,
    connector.state ?? null,
    JSON.stringify(connector.tags ?? {}),
    connector.readError?.code ?? null,
    connector.readError?.message ?? null,
    collectedAt,
    scanId,
    connector.connectorName ?? null,
  ];
}

function contactValues(contact: SecurityContactRecord): unknown[] {
  return [
    contact.id,
    contact.connectorId,
    contact.name ?? null,
    'SecurityContact',
    'azure',
    contact.email ?? null,
    contact.emails ?? [],
    contact.invalidEmails ?? [],
    contact.phone ?? null,
    contact.isEnabled ?? null,
    contact.alertNotifications ?? null,
    contact.alertMinimalSeverity ?? null,
    contact.alertsToAdmins ?? null,
    jsonOrNull(contact.notificationsByRole),
    jsonOrNull(contact.notificationsSources),
    contact.apiVersion,
    // the column is NOT NULL: a JSON null body is stored as the JSON value null
    JSON.stringify(contact.raw ?? null),
    contact.enabled ?? true,
    contact.notifiedRoles ?? [],
    contact.alertSeverities ?? [],
    contact.attackPathRiskLevels ?? [],
  ];
}

/** Maps items to rows one at a time, as COPY reads them. */
function* rowsOf<T>(items: readonly T[], toValues: (item: T) => unknown[]): Generator<unknown[]> {
  for (const item of items) yield toValues(item);
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
    const byId = (item: { readonly id: string }): string => item.id;
    await tx.copyRows('connectors', CONNECTOR_COPY, rowsOf(inKeyOrder(inventory.connectors, byId), (connector) => connectorValues(connector, collectedAt, options.scanId)));
    await tx.copyRows('security_contacts', CONTACT_COPY, rowsOf(inKeyOrder(inventory.securityContacts, byId), contactValues));
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
