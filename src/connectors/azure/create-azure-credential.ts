/**
 * The credential the live collector signs ARM requests with. A service principal given in the (injected)
 * environment, AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, is used directly; otherwise
 * DefaultAzureCredential tries workload identity, managed identity, Azure CLI and the rest of its chain.
 *
 * A failed sign-in throws a WardError that says why in one line (explain-azure-failure.ts): Microsoft Entra's
 * AADSTS code in words, or, when MSAL only says `endpoints_resolution_error`, what one GET of the tenant's metadata
 * at the authority shows (refused, DNS, untrusted certificate, unknown tenant). The secret is never in it.
 */
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  CredentialUnavailableError,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';
import { agentPolicy, createDefaultHttpClient, createEmptyPipeline, createPipelineRequest, isRestError, proxyPolicy } from '@azure/core-rest-pipeline';
import type { Agent } from 'node:https';
import { WardError, isWardError } from '../../core/errors.js';
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
  /**
   * Sign in as this identity instead of the one AZURE_* in `env` names (a configured connector's; `tenantId` is then
   * its tenant). Default: a service principal from `env`, else DefaultAzureCredential.
   */
  readonly identity?: AzureIdentity;
  /** How a failed sign-in's message and hint speak of it: for whom, and the names of the settings it came from. */
  readonly naming?: SignInNaming;
}

/** An identity given explicitly (never read from `env` by the credential itself). */
export type AzureIdentity =
  | { readonly kind: 'client-secret'; readonly clientId: string; readonly clientSecret: string }
  | { readonly kind: 'client-certificate'; readonly clientId: string; readonly certificatePath: string }
  | { readonly kind: 'managed-identity'; readonly clientId?: string }
  | { readonly kind: 'workload-identity'; readonly clientId: string; readonly tokenFilePath: string }
  | { readonly kind: 'default' };

export interface SignInNaming {
  /** Put before every message, e.g. `connector contoso`. */
  readonly subject?: string;
  /**
   * Setting names as the standard messages spell them (AZURE_CLIENT_SECRET, `AZURE_TENANT_ID or --tenant`) and
   * what to say instead (CONTOSO_CLIENT_SECRET), replaced in this order.
   */
  readonly settings?: ReadonlyArray<readonly [string, string]>;
}

function innerCredential(
  identity: AzureIdentity | undefined,
  env: Readonly<Record<string, string | undefined>>,
  tenantId: string | undefined,
  common: { readonly authorityHost: string; readonly disableInstanceDiscovery: boolean; readonly agent?: Agent },
): { readonly inner: TokenCredential; readonly context: Omit<SignInContext, 'authorityHost'> } {
  const tenant = tenantId ? { tenantId } : {};
  switch (identity?.kind) {
    case 'client-secret':
      return {
        inner: new ClientSecretCredential(tenantId ?? '', identity.clientId, identity.clientSecret, common),
        context: { credential: 'client-secret', ...tenant, clientId: identity.clientId, secrets: [identity.clientSecret].filter((secret) => secret !== '') },
      };
    case 'client-certificate':
      return {
        inner: new ClientCertificateCredential(tenantId ?? '', identity.clientId, { certificatePath: identity.certificatePath }, common),
        context: { credential: 'client-secret', ...tenant, clientId: identity.clientId },
      };
    case 'workload-identity':
      return {
        inner: new WorkloadIdentityCredential({ ...common, ...tenant, clientId: identity.clientId, tokenFilePath: identity.tokenFilePath }),
        context: { credential: 'client-secret', ...tenant, clientId: identity.clientId },
      };
    case 'managed-identity': {
      const { agent: _agent, ...rest } = common; // the identity endpoint is local: the extra CA is for Entra and ARM
      const credential = identity.clientId === undefined ? new ManagedIdentityCredential(rest) : new ManagedIdentityCredential(identity.clientId, rest);
      return { inner: credential, context: { credential: 'default', ...tenant, ...(identity.clientId ? { clientId: identity.clientId } : {}) } };
    }
    default: {
      // `default`, or no identity given: a service principal from `env` when it names one, else DefaultAzureCredential
      const servicePrincipal = Boolean(tenantId && env.AZURE_CLIENT_ID && env.AZURE_CLIENT_SECRET);
      const inner: TokenCredential = servicePrincipal
        ? new ClientSecretCredential(tenantId ?? '', env.AZURE_CLIENT_ID ?? '', env.AZURE_CLIENT_SECRET ?? '', common)
        : new DefaultAzureCredential({ ...common, ...tenant });
      const clientId = env.AZURE_CLIENT_ID;
      return {
        inner,
        context: {
          credential: servicePrincipal ? 'client-secret' : 'default',
          ...tenant,
          ...(clientId ? { clientId } : {}),
          secrets: [env.AZURE_CLIENT_SECRET ?? ''].filter((secret) => secret !== ''),
        },
      };
    }
  }
}

/** A managed identity that is not there: no identity endpoint answers on this machine, or not for that client id. */
function managedIdentityUnavailable(error: unknown, clientId: string | undefined): WardError {
  const which = clientId === undefined ? 'the system-assigned managed identity' : `the user-assigned managed identity ${clientId}`;
  return new WardError('AZURE_ERROR', `${which} is not available on this machine (no managed identity endpoint answered for it)`, {
    hint: 'run the worker on an Azure VM, App Service, Container Apps or AKS node with that identity assigned, or choose another --credential',
    cause: error,
  });
}

/** The error with the subject before its message and the settings renamed in message and hint. */
export function renameInSignInError(error: WardError, naming: SignInNaming | undefined): WardError {
  if (naming === undefined) return error;
  const rename = (text: string): string => (naming.settings ?? []).reduce((result, [from, to]) => result.split(from).join(to), text);
  const message = `${naming.subject === undefined ? '' : `${naming.subject}: `}${rename(error.message)}`;
  return new WardError(error.code, message, {
    ...(error.hint === undefined ? {} : { hint: rename(error.hint) }),
    ...(error.location === undefined ? {} : { location: error.location }),
    cause: (error as { cause?: unknown }).cause ?? error,
  });
}

export function createAzureCredential(options: AzureCredentialOptions): TokenCredential {
  const env = options.env ?? {};
  const tenantId = options.tenantId ?? (options.identity === undefined ? env.AZURE_TENANT_ID : undefined);
  const common = {
    authorityHost: options.endpoints.authorityHost,
    disableInstanceDiscovery: options.endpoints.disableInstanceDiscovery,
    ...(options.agent === undefined ? {} : { agent: options.agent }),
  };
  const { inner, context: partial } = innerCredential(options.identity, env, tenantId, common);
  const context: SignInContext = { authorityHost: options.endpoints.authorityHost, ...partial };
  const identity = options.identity;
  return {
    async getToken(scopes: string | string[], getTokenOptions?: GetTokenOptions): Promise<AccessToken | null> {
      try {
        return await inner.getToken(scopes, getTokenOptions);
      } catch (error) {
        if ((error as Error)?.name === 'AbortError') throw error;
        if (isWardError(error)) throw error;
        if (identity?.kind === 'managed-identity' && error instanceof CredentialUnavailableError) {
          throw renameInSignInError(managedIdentityUnavailable(error, identity.clientId), options.naming);
        }
        const probe = needsAuthorityProbe(error, context.credential)
          ? await probeAuthority(context.authorityHost, tenantId ?? 'organizations', options.agent, options.probeTimeoutMs ?? 10_000)
          : undefined;
        throw renameInSignInError(explainSignInFailure(error, context, probe), options.naming);
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
