/**
 * The credential the live collector signs ARM requests with. A service principal given in the (injected)
 * environment, AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, is used directly; otherwise
 * DefaultAzureCredential tries workload identity, managed identity, Azure CLI and the rest of its chain.
 *
 * A failed sign-in throws a WardError that says why in one line (explain-azure-failure.ts): Microsoft Entra's
 * AADSTS code in words, or, when MSAL only says `endpoints_resolution_error`, what one GET of the tenant's metadata
 * at the authority shows (refused, DNS, untrusted certificate, unknown tenant). The secret is never in it.
 */
import { ClientSecretCredential, DefaultAzureCredential, type AccessToken, type GetTokenOptions, type TokenCredential } from '@azure/identity';
import { agentPolicy, createDefaultHttpClient, createEmptyPipeline, createPipelineRequest, isRestError, proxyPolicy } from '@azure/core-rest-pipeline';
import type { Agent } from 'node:https';
import type { AzureEndpoints } from './azure-clouds.js';
import { explainSignInFailure, needsAuthorityProbe, type AuthorityProbeResult, type SignInContext } from './explain-azure-failure.js';

export interface AzureCredentialOptions {
  readonly endpoints: AzureEndpoints;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--tenant`: overrides AZURE_TENANT_ID. */
  readonly tenantId?: string;
  /** HTTPS agent for the token requests (one trusting an extra CA, e.g. the emulator's). */
  readonly agent?: Agent;
  /** How long the diagnostic GET of the authority may take after a sign-in failed (default 10 s). */
  readonly probeTimeoutMs?: number;
}

export function createAzureCredential(options: AzureCredentialOptions): TokenCredential {
  const env = options.env ?? {};
  const tenantId = options.tenantId ?? env.AZURE_TENANT_ID;
  const common = {
    authorityHost: options.endpoints.authorityHost,
    disableInstanceDiscovery: options.endpoints.disableInstanceDiscovery,
    ...(options.agent === undefined ? {} : { agent: options.agent }),
  };
  const servicePrincipal = Boolean(tenantId && env.AZURE_CLIENT_ID && env.AZURE_CLIENT_SECRET);
  const inner: TokenCredential = servicePrincipal
    ? new ClientSecretCredential(tenantId ?? '', env.AZURE_CLIENT_ID ?? '', env.AZURE_CLIENT_SECRET ?? '', common)
    : new DefaultAzureCredential({ ...common, ...(tenantId ? { tenantId } : {}) });
  const clientId = env.AZURE_CLIENT_ID;
  const context: SignInContext = {
    authorityHost: options.endpoints.authorityHost,
    credential: servicePrincipal ? 'client-secret' : 'default',
    ...(tenantId ? { tenantId } : {}),
    ...(clientId ? { clientId } : {}),
    secrets: [env.AZURE_CLIENT_SECRET ?? ''].filter((secret) => secret !== ''),
  };
  return {
    async getToken(scopes: string | string[], getTokenOptions?: GetTokenOptions): Promise<AccessToken | null> {
      try {
        return await inner.getToken(scopes, getTokenOptions);
      } catch (error) {
        if ((error as Error)?.name === 'AbortError') throw error;
        const probe = needsAuthorityProbe(error, context.credential)
          ? await probeAuthority(context.authorityHost, tenantId ?? 'organizations', options.agent, options.probeTimeoutMs ?? 10_000)
          : undefined;
        throw explainSignInFailure(error, context, probe);
      }
    },
  };
}

/** GET `<authority>/<tenant>/v2.0/.well-known/openid-configuration` the way the credential reaches it (agent, proxy). */
async function probeAuthority(authorityHost: string, tenant: string, agent: Agent | undefined, timeoutMs: number): Promise<AuthorityProbeResult> {
  const pipeline = createEmptyPipeline();
  if (agent) pipeline.addPolicy(agentPolicy(agent));
  pipeline.addPolicy(proxyPolicy());
  const request = createPipelineRequest({
    url: `${authorityHost}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`,
    method: 'GET',
    abortSignal: AbortSignal.timeout(timeoutMs), // an unref'd timer: a failed sign-in never holds the process open
  });
  try {
    const response = await pipeline.sendRequest(createDefaultHttpClient(), request);
    let body: unknown;
    try {
      body = response.bodyAsText ? (JSON.parse(response.bodyAsText) as unknown) : undefined;
    } catch {
      body = undefined;
    }
    return { kind: 'answered', status: response.status, body };
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') return { kind: 'failed', code: 'ETIMEDOUT', message: `no answer within ${timeoutMs} ms` };
    const code = isRestError(error) ? error.code : (error as NodeJS.ErrnoException)?.code;
    return { kind: 'failed', code, message: (error as Error)?.message ?? String(error) };
  }
}
