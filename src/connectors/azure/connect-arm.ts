import type { TokenCredential } from '@azure/identity';
import { createArmClient, type ArmClient, type ArmClientOptions } from './arm-client.js';
import { resolveAzureEndpoints, type AzureCloudName, type AzureEndpoints } from './azure-clouds.js';
import { createAzureCredential } from './create-azure-credential.js';
import { createTrustedAgent } from './trusted-agent.js';

export interface ConnectArmOptions extends Omit<ArmClientOptions, 'credential' | 'armEndpoint' | 'scope'> {
  /** The environment: WARD_ARM_ENDPOINT, AZURE_AUTHORITY_HOST, AZURE_TENANT_ID… */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default: a service principal from `env`, else DefaultAzureCredential. */
  readonly credential?: TokenCredential;
  readonly tenantId?: string;
  readonly cloud?: AzureCloudName;
  /** Overrides the cloud's ARM endpoint and WARD_ARM_ENDPOINT. */
  readonly armEndpoint?: string;
}

/**
 * The endpoints, credential and ARM client every live Azure path uses (collection and remediation): one place
 * decides the cloud, the sign-in, and that the token requests trust the same extra CA as the ARM requests. When
 * ward makes the credential, a failed sign-in rejects the client's request with a WardError that explains it.
 */
export function connectArm(options: ConnectArmOptions): { readonly endpoints: AzureEndpoints; readonly client: ArmClient } {
  const { env = {}, credential: given, tenantId, cloud, armEndpoint, ...clientOptions } = options;
  const endpoints = resolveAzureEndpoints({
    env,
    ...(cloud === undefined ? {} : { cloud }),
    ...(armEndpoint === undefined ? {} : { armEndpoint }),
  });
  const agent = clientOptions.ca === undefined ? undefined : createTrustedAgent(clientOptions.ca);
  const credential =
    given ??
    createAzureCredential({ endpoints, env, ...(tenantId === undefined ? {} : { tenantId }), ...(agent === undefined ? {} : { agent }) });
  const client = createArmClient({ ...clientOptions, credential, armEndpoint: endpoints.armEndpoint, scope: endpoints.scope });
  return { endpoints, client };
}
