/**
 * What remediation needs of Azure Resource Manager: GET a contact (its before-state), PUT and DELETE. Tests pass
 * their own; the live transport reads and writes through the collector's ARM client (same credential chain,
 * endpoint resolution, retries, Retry-After and per-attempt timeouts).
 */
import type { TokenCredential } from '@azure/identity';
import type { AzureCloudName } from '../connectors/azure/azure-clouds.js';
import { connectArm } from '../connectors/azure/connect-arm.js';

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
  const { endpoints, client } = connectArm(options);
  return {
    armEndpoint: endpoints.armEndpoint,
    async request(method, path, body) {
      const result = await client.send(method, path, body === undefined ? {} : { body });
      return { status: result.status, body: result.body };
    },
  };
}
