/**
 * A configured connector (`ward connectors add`): which tenant ward reads, how a worker signs in to it, and what
 * part of it is in scope. Stored in the store (table `connector_configs`); no secret is ever part of it, only
 * where a worker finds one.
 */
export interface ConnectorConfig {
  /** Lower-case letters, digits and dashes, 1–63 characters, starting with a letter or digit. */
  readonly name: string;
  readonly provider: 'azure';
  readonly tenantId: string;
  /**
   * How a worker signs in: `default` (DefaultAzureCredential), `env:PREFIX` (a service principal from
   * PREFIX_CLIENT_ID and PREFIX_CLIENT_SECRET or PREFIX_CLIENT_CERTIFICATE_PATH in the worker's environment),
   * `managed-identity` or `managed-identity:<client-id>`, `workload-identity` (AZURE_FEDERATED_TOKEN_FILE).
   */
  readonly credential: string;
  /** An AzureCloudName (AzureCloud, AzureUSGovernment, AzureChinaCloud). */
  readonly cloud: string;
  /** A private endpoint (Azure Stack Hub, the emulator) instead of the cloud's; null: the cloud's. */
  readonly armEndpoint: string | null;
  readonly authorityHost: string | null;
  /** Scope: a management group, or explicit subscriptions, or (both null) every subscription the identity can read. */
  readonly managementGroup: string | null;
  readonly subscriptions: readonly string[] | null;
  readonly excludeSubscriptions: readonly string[];
  /** Batches of this connector read at once across all workers (ARM throttles per principal and tenant). */
  readonly maxConcurrency: number;
  readonly createdAt: string;
  readonly createdBy: string;
}
