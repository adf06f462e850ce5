/**
 * The write path ward used before COPY (json_to_recordset and jsonb_to_recordset statements of a few thousand rows),
 * kept as it was for tests and benchmarks: the oracle the COPY path must match value for value
 * (copy-rows.test.ts) and the baseline bench/inventory-write.bench.ts compares against. Nothing in production uses it.
 */
import { findingDetails } from '../finding-state-repository.js';
import type { ConnectorRecord, Finding, Inventory, SecurityContactRecord } from '../../core/model.js';
import type { SqlClient } from '../sql-client.js';

/** Rows per INSERT statement, as before. */
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

async function insertChunks<T>(tx: SqlClient, items: readonly T[], sql: string, toRow: (item: T) => Record<string, unknown>, extra: readonly unknown[]): Promise<void> {
  for (let start = 0; start < items.length; start += CHUNK_SIZE) {
    const rows = items.slice(start, start + CHUNK_SIZE).map(toRow);
    await tx.query(sql, [JSON.stringify(rows), ...extra]);
  }
}

/** replaceInventory's old writes with scope `all` (TRUNCATE, then the statements), without its checks. */
export async function replaceInventoryAsBefore(client: SqlClient, inventory: Inventory, options: { readonly collectedAt: Date; readonly scanId: number | null }): Promise<void> {
  await client.transaction(async (tx) => {
    await tx.query('TRUNCATE security_contacts, connectors');
    await insertChunks(tx, inventory.connectors, CONNECTOR_INSERT, connectorRow, [options.collectedAt.toISOString(), options.scanId]);
    await insertChunks(tx, inventory.securityContacts, CONTACT_INSERT, contactRow, []);
  });
}

/** Inserts findings set-wise (one statement per 5,000 rows). `ignoreExisting` keeps a finding already stored for the scan. */
export async function insertFindingsAsBefore(client: SqlClient, scanId: number, findings: readonly Finding[], options: { readonly ignoreExisting?: boolean } = {}): Promise<void> {
  // a queued scan's batch retried after a crash finds its findings already stored: one finding per (scan, control, check, asset)
  const onConflict = options.ignoreExisting ? 'ON CONFLICT DO NOTHING' : '';
  const chunk = 5000;
  for (let start = 0; start < findings.length; start += chunk) {
    const rows = findings.slice(start, start + chunk).map((f) => ({
      control_id: f.controlId,
      check_id: f.checkId,
      asset_id: f.assetId,
      asset_name: f.assetName,
      status: f.status,
      reason: f.reason,
      severity: f.severity,
      details: findingDetails(f),
      connector_name: f.connector ?? null,
    }));
    await client.query(
      `INSERT INTO staged_findings (scan_id, control_id, check_id, asset_id, asset_name, status, reason, severity, details, connector_name)
       SELECT $1, r.control_id, r.check_id, r.asset_id, r.asset_name, r.status, r.reason, r.severity, r.details, r.connector_name
       FROM jsonb_to_recordset($2::jsonb) AS r(control_id text, check_id text, asset_id text, asset_name text, status text, reason text, severity text, details jsonb, connector_name text)
       ${onConflict}`,
      [scanId, JSON.stringify(rows)],
    );
  }
}

