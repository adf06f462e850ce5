/**
 * The Microsoft identity platform endpoints of the emulator: OpenID metadata per tenant, instance discovery, and
 * the client-credentials token endpoint (v2 `scope`, v1 `resource`). Refusals are Entra's: the OAuth error, its
 * AADSTS code and a description, in the order Entra checks (tenant, grant, application, secret, scope).
 *
 * Tenants: the emulator's own id (any case), `common`, `organizations` and `adfs` (the authority the Azure CLI
 * uses for a registered cloud, see metadata-endpoints.ts). Scopes: exactly one `<resource>/.default` (plus the
 * OpenID scopes MSAL may add), where the resource is the emulator's ARM endpoint or one of ARM's public audiences.
 * Secrets never appear in an answer.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IssuedTokens } from './issued-tokens.js';
import { readRequestBody } from './read-request-body.js';
import { sendJson } from './send-json.js';

export interface IdentityContext {
  readonly tenantId: string;
  readonly credentials: { readonly clientId: string; readonly clientSecret: string };
  /** A secret the application once had that has expired: refused with AADSTS7000222. */
  readonly expiredClientSecret?: string;
  readonly tokens: IssuedTokens;
  /** The emulator's URL, known once it listens. */
  readonly baseUrl: () => string;
  readonly onTokenIssued: () => void;
}

/** Answers the request when it is an identity-platform one (true), else leaves it to ARM (false). */
export type IdentityHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>;

const TOKEN_REQUEST_LIMIT_BYTES = 64 * 1024;
const OPENID_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
/** ARM's public audiences, which clients configured for Azure ask for. */
const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];

/** Compares secrets in constant time (as hashes, so that the lengths do not show either). */
function sameSecret(given: string | null, expected: string | undefined): boolean {
  if (given === null || expected === undefined) return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

interface Refusal {
  readonly code: string;
  readonly aadsts: number;
  readonly description: string;
}

export function createIdentityHandler(context: IdentityContext): IdentityHandler {
  const knownResource = (resource: string): boolean => {
    const bare = resource.replace(/\/+$/, '').toLowerCase();
    return [context.baseUrl(), ...ARM_AUDIENCES].some((audience) => audience.toLowerCase() === bare);
  };

  /** Why Entra would refuse this client-credentials scope, or null when it grants it. */
  const scopeRefusal = (scope: string): Refusal | null => {
    const requested = scope.split(/\s+/).filter((item) => item !== '' && !OPENID_SCOPES.has(item.toLowerCase()));
    if (requested.length !== 1) {
      return { code: 'invalid_scope', aadsts: 70011, description: `The provided value for the input parameter 'scope' is not valid: ask for exactly one resource's '/.default' scope.` };
    }
    const [only] = requested as [string];
    if (!only.endsWith('/.default')) {
      return {
        code: 'invalid_scope',
        aadsts: 1002012,
        description: `The provided value for scope ${only} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      };
    }
    const resource = only.slice(0, -'/.default'.length);
    if (!knownResource(resource)) {
      return {
        code: 'invalid_resource',
        aadsts: 500011,
        description: `The resource principal named ${resource} was not found in the tenant named ${context.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      };
    }
    return null;
  };

  const openIdConfiguration = (tenant: string): unknown => ({
    token_endpoint: `${context.baseUrl()}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${context.baseUrl()}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${context.baseUrl()}/${tenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${context.baseUrl()}/oidc/userinfo`,
    authorization_endpoint: `${context.baseUrl()}/${tenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${context.baseUrl()}/${tenant}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${context.baseUrl()}/${tenant}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
    kerberos_endpoint: `${context.baseUrl()}/${tenant}/kerberos`,
    tenant_region_scope: null,
    cloud_instance_name: 'ward-emulator',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: context.baseUrl(),
  });

  /** Microsoft Entra's error answer: the OAuth error, AADSTS code and description, trace and correlation ids. */
  const identityError = (response: ServerResponse, status: number, code: string, aadsts: number, description: string): void =>
    sendJson(response, status, {
      error: code,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
      error_codes: [aadsts],
      timestamp: new Date().toISOString(),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
      error_uri: `${context.baseUrl()}/error?code=${aadsts}`,
    });

  /** The emulator's own tenant, and the multi-tenant aliases; any other tenant is unknown, as in Entra. */
  const knownTenant = (tenant: string): boolean => ['common', 'organizations', 'adfs', context.tenantId.toLowerCase()].includes(tenant.toLowerCase());

  /** AADSTS90002 (a well-formed tenant that does not exist here) or AADSTS900023 (not a tenant id or domain). */
  const unknownTenant = (response: ServerResponse, tenant: string): void => {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenant) || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(tenant)) {
      identityError(
        response,
        400,
        'invalid_tenant',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    } else {
      identityError(response, 400, 'invalid_tenant', 900023, `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`);
    }
  };

  return async function handleIdentity(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const parts = url.pathname.split('/').filter(Boolean);
    const tenant = parts[0] ?? '';
    const rest = parts.slice(1).join('/');
    if (request.method === 'GET' && (rest === 'v2.0/.well-known/openid-configuration' || rest === '.well-known/openid-configuration')) {
      if (knownTenant(tenant)) sendJson(response, 200, openIdConfiguration(tenant));
      else unknownTenant(response, tenant);
      return true;
    }
    if (request.method === 'GET' && tenant === 'common' && rest === 'discovery/instance') {
      const host = new URL(context.baseUrl()).host;
      sendJson(response, 200, {
        tenant_discovery_endpoint: `${context.baseUrl()}/${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      });
      return true;
    }
    if (request.method === 'GET' && rest === 'discovery/v2.0/keys') {
      sendJson(response, 200, { keys: [] });
      return true;
    }
    if (request.method === 'POST' && (rest === 'oauth2/v2.0/token' || rest === 'oauth2/token')) {
      const body = await readRequestBody(request, TOKEN_REQUEST_LIMIT_BYTES);
      if (body.tooLarge) {
        identityError(response, 400, 'invalid_request', 90004, 'The request body is larger than a token request can be.');
        return true;
      }
      const form = new URLSearchParams(body.text);
      let clientId = form.get('client_id');
      let clientSecret = form.get('client_secret');
      const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
      if (basic?.[1]) {
        const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
        clientId = decodeURIComponent(id ?? '');
        clientSecret = decodeURIComponent(secret ?? '');
      }
      // the order Entra checks in: tenant, grant, application, then its secret (a wrong one is a 401 invalid_client)
      if (!knownTenant(tenant)) {
        unknownTenant(response, tenant);
      } else if (form.get('grant_type') !== 'client_credentials') {
        identityError(response, 400, 'unsupported_grant_type', 70003, 'The emulator supports only the client_credentials grant.');
      } else if (clientId !== context.credentials.clientId) {
        identityError(
          response,
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${clientId ?? ''}' was not found in the directory '${context.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        );
      } else if (sameSecret(clientSecret, context.expiredClientSecret)) {
        identityError(
          response,
          401,
          'invalid_client',
          7000222,
          `The provided client secret keys for app '${context.credentials.clientId}' are expired. Visit the Azure portal to create new keys for your app.`,
        );
      } else if (!sameSecret(clientSecret, context.credentials.clientSecret)) {
        identityError(
          response,
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${context.credentials.clientId}'.`,
        );
      } else {
        // the v1 endpoint names a resource, v2 a scope; both end up as `<resource>/.default`
        const resource = form.get('resource');
        const scope = form.get('scope') ?? (rest === 'oauth2/token' && resource ? `${resource.replace(/\/+$/, '')}/.default` : null);
        const refusal = scope ? scopeRefusal(scope) : { code: 'invalid_request', aadsts: 90014, description: "The request body must contain the parameter: 'scope'." };
        if (refusal) {
          identityError(response, 400, refusal.code, refusal.aadsts, refusal.description);
        } else {
          const { token, lifetimeSeconds } = context.tokens.issue();
          context.onTokenIssued();
          sendJson(response, 200, { token_type: 'Bearer', expires_in: lifetimeSeconds, ext_expires_in: lifetimeSeconds, access_token: token });
        }
      }
      return true;
    }
    return false;
  };
}
