/**
 * What remediation needs of Azure Resource Manager: GET a contact (its before-state), PUT and DELETE. Tests pass
 * their own; the live transport reads through the collector's ARM client (same credential chain, endpoint
 * resolution, retries, Retry-After and timeouts) and writes through a core-rest-pipeline pipeline built with the
 * same credential and TLS settings, because the collector's client only offers GET.
 */
import type { TokenCredential } from '@azure/identity';
import {
  bearerTokenAuthenticationPolicy,
  createHttpHeaders,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
} from '@azure/core-rest-pipeline';
import tls from 'node:tls';
import { createArmClient } from '../connectors/azure/arm-client.js';
import { resolveAzureEndpoints, type AzureCloudName } from '../connectors/azure/azure-clouds.js';
import { createAzureCredential } from '../connectors/azure/create-azure-credential.js';

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
  /**
   * Extra trusted CA (PEM) for ARM requests, e.g. an in-process emulator's. The token requests do not see it:
   * pass a `credential` that trusts it too. (The CLI needs neither: NODE_EXTRA_CA_CERTS covers the process.)
   */
  readonly ca?: string;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
}

export function createLiveArmTransport(options: LiveTransportOptions): ArmTransport {
  const endpoints = resolveAzureEndpoints({ env: options.env, ...(options.cloud === undefined ? {} : { cloud: options.cloud }) });
  const tlsOptions = options.ca === undefined ? undefined : { ca: [...tls.rootCertificates, options.ca] };
  const credential =
    options.credential ??
    createAzureCredential({ endpoints, env: options.env, ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }) });
  const reader = createArmClient({
    credential,
    armEndpoint: endpoints.armEndpoint,
    scope: endpoints.scope,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  });
  const writer = createPipelineFromOptions({
    retryOptions: { maxRetries: options.maxRetries ?? 4, retryDelayInMs: 800, maxRetryDelayInMs: 30_000 },
    userAgentOptions: { userAgentPrefix: 'ward/0.1.0' },
    ...(tlsOptions === undefined ? {} : { tlsOptions }),
  });
  writer.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: endpoints.scope }), { phase: 'Sign' });
  const httpClient = createDefaultHttpClient();
  return {
    armEndpoint: endpoints.armEndpoint,
    async request(method, path, body) {
      if (method === 'GET') {
        const result = await reader.get(path);
        return { status: result.status, body: result.body };
      }
      const request = createPipelineRequest({
        url: `${endpoints.armEndpoint}${path}`,
        method,
        headers: createHttpHeaders({ accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        timeout: options.timeoutMs ?? 60_000,
      });
      const response = await writer.sendRequest(httpClient, request);
      const text = response.bodyAsText ?? '';
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, body: parsed };
    },
  };
}
