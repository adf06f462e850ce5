/**
 * What remediation needs of Azure Resource Manager: GET a contact (its before-state), PUT and DELETE. Tests pass
 * their own; the live transport reads and writes through the collector's ARM client (same credential chain,
 * endpoint resolution, retries, Retry-After and per-attempt timeouts).
 */
import type { TokenCredential } from '@azure/identity';
import { createArmClient } from '../connectors/azure/arm-client.js';
import { resolveAzureEndpoints, type AzureCloudName } from '../connectors/azure/azure-clouds.js';
import { createAzureCredential } from '../connectors/azure/create-azure-credential.js';
import { createTrustedAgent } from '../connectors/azure/trusted-agent.js';

export type ArmMethod = 'GET' | 'PUT' | 'DELETE';

export interface ArmAnswer {
  readonly status: number;
  /** Parsed JSON body; undefined when empty or not JSON. */
  readonly body: unknown;
}

export interface ArmTransport {
  /** Without a trailing slash. */
  readonly armEndpoint: string;
  /** `path` starts with `/` and carries the api-version. */
  request(method: ArmMethod, path: string, body?: unknown): Promise<ArmAnswer>;
}

export interface LiveTransportOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly credential?: TokenCredential;
  readonly tenantId?: string;
  readonly cloud?: AzureCloudName;
  /** Extra trusted CA (PEM) for ARM and token requests, e.g. an in-process emulator's. */
  readonly ca?: string;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
}

export function createLiveArmTransport(options: LiveTransportOptions): ArmTransport {
  const endpoints = resolveAzureEndpoints({ env: options.env, ...(options.cloud === undefined ? {} : { cloud: options.cloud }) });
  const agent = options.ca === undefined ? undefined : createTrustedAgent(options.ca);
  const credential =
    options.credential ??
    createAzureCredential({
      endpoints,
      env: options.env,
      ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
      ...(agent === undefined ? {} : { agent }),
    });
  const client = createArmClient({
    credential,
    armEndpoint: endpoints.armEndpoint,
    scope: endpoints.scope,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  });
  return {
    armEndpoint: endpoints.armEndpoint,
    async request(method, path, body) {
      const result = await client.send(method, path, body === undefined ? {} : { body });
      return { status: result.status, body: result.body };
    },
  };
}
