/**
 * Configured connectors (`ward connectors`), table connector_configs. No secret is ever stored: a connector's
 * credential says only where a worker finds one (src/core/team/connector-config.ts).
 */
import { WardError } from '../core/errors.js';
import type { ConnectorConfig } from '../core/team/connector-config.js';
import type { SqlClient } from './sql-client.js';
import { toIso as iso } from './row-timestamps.js';

interface ConnectorConfigRow {
  name: string;
  provider: string;
  tenant_id: string;
  credential: string;
  cloud: string;
  arm_endpoint: string | null;
  authority_host: string | null;
  management_group: string | null;
  subscriptions: string[] | null;
  exclude_subscriptions: string[];
  max_concurrency: number;
  created_at: Date | string;
  created_by: string;
}

const COLUMNS =
  'name, provider, tenant_id, credential, cloud, arm_endpoint, authority_host, management_group, subscriptions, exclude_subscriptions, max_concurrency, created_at, created_by';


function toConfig(row: ConnectorConfigRow): ConnectorConfig {
  return {
    name: row.name,
    provider: 'azure',
    tenantId: row.tenant_id,
    credential: row.credential,
    cloud: row.cloud,
    armEndpoint: row.arm_endpoint,
    authorityHost: row.authority_host,
    managementGroup: row.management_group,
    subscriptions: row.subscriptions,
    excludeSubscriptions: row.exclude_subscriptions,
    maxConcurrency: Number(row.max_concurrency),
    createdAt: iso(row.created_at),
    createdBy: row.created_by,
  };
}

/** Stores a new connector; a name already in use is refused (the stored one is left as it is). */
export async function addConnectorConfig(client: SqlClient, config: ConnectorConfig): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `INSERT INTO connector_configs (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (name) DO NOTHING RETURNING name`,
    [
      config.name,
      config.provider,
      config.tenantId,
      config.credential,
      config.cloud,
      config.armEndpoint,
      config.authorityHost,
      config.managementGroup,
      config.subscriptions === null ? null : [...config.subscriptions],
      [...config.excludeSubscriptions],
      config.maxConcurrency,
      config.createdAt,
      config.createdBy,
    ],
  );
  if (rows.length === 0) {
    throw new WardError('USAGE', `a connector named ${config.name} already exists`, {
      hint: `choose another --name, or remove it first (ward connectors remove ${config.name}) and add it again`,
    });
  }
}

/** Every configured connector, by name. */
export async function listConnectorConfigs(client: SqlClient): Promise<ConnectorConfig[]> {
  const { rows } = await client.query<ConnectorConfigRow>(`SELECT ${COLUMNS} FROM connector_configs ORDER BY name`);
  return rows.map(toConfig);
}

export async function getConnectorConfig(client: SqlClient, name: string): Promise<ConnectorConfig | undefined> {
  const { rows } = await client.query<ConnectorConfigRow>(`SELECT ${COLUMNS} FROM connector_configs WHERE name = $1`, [name]);
  return rows[0] ? toConfig(rows[0]) : undefined;
}

/** Removes a connector; false when there was none of that name. Its past scans and findings keep its name. */
export async function removeConnectorConfig(client: SqlClient, name: string): Promise<boolean> {
  const { rows } = await client.query<{ name: string }>('DELETE FROM connector_configs WHERE name = $1 RETURNING name', [name]);
  return rows.length > 0;
}
