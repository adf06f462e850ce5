/**
 * The credential the live collector signs ARM requests with. A service principal given in the (injected)
 * environment, AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, is used directly; otherwise
 * DefaultAzureCredential tries workload identity, managed identity, Azure CLI and the rest of its chain.
 */
import { ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type { Agent } from 'node:https';
import type { AzureEndpoints } from './azure-clouds.js';

export interface AzureCredentialOptions {
  readonly endpoints: AzureEndpoints;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--tenant`: overrides AZURE_TENANT_ID. */
  readonly tenantId?: string;
  /** HTTPS agent for the token requests (one trusting an extra CA, e.g. the emulator's). */
  readonly agent?: Agent;
}

export function createAzureCredential(options: AzureCredentialOptions): TokenCredential {
  const env = options.env ?? {};
  const tenantId = options.tenantId ?? env.AZURE_TENANT_ID;
  const common = {
    authorityHost: options.endpoints.authorityHost,
    disableInstanceDiscovery: options.endpoints.disableInstanceDiscovery,
    ...(options.agent === undefined ? {} : { agent: options.agent }),
  };
  if (tenantId && env.AZURE_CLIENT_ID && env.AZURE_CLIENT_SECRET) {
    return new ClientSecretCredential(tenantId, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, common);
  }
  return new DefaultAzureCredential({ ...common, ...(tenantId ? { tenantId } : {}) });
}
